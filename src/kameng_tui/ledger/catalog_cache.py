"""The catalog cache in the ledger database: the app works from it offline.

Products are stored as JSON with their search keys (computed at sync); price
history gets a row only when a cost changes, plus the first sighting.
"""

from __future__ import annotations

import gc
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Collection, Sequence

from kameng_tui.domain.clock import from_utc_text, utc_text
from kameng_tui.domain.models import AccountField, Delivery, Product, Rule, SaleStatus
from kameng_tui.domain.money import from_units, to_units
from kameng_tui.domain import offer_parse
from kameng_tui.domain.catalog_index import CatalogColumns
from kameng_tui.domain.tags import PricePoint
from kameng_tui.ledger import offer_readings
from kameng_tui.ledger.connection import typed_storage_errors
from kameng_tui.ledger.offer_figures import OfferFigureReads

if TYPE_CHECKING:
    from kameng_tui.ledger.sqlite import SqliteLedger


def product_to_json(p: Product) -> str:
    return json.dumps({
        "sku": p.sku, "supplier": p.supplier, "id": p.product_id, "name": p.name, "cat": list(p.category),
        "dl": p.delivery.value, "cost": f"{p.unit_cost:.4f}",
        "face": None if p.face_value is None else f"{p.face_value:.4f}", "stock": p.stock, "alarm": p.stock_alarm,
        "st": p.sale_status.value,
        "fields": [[f.key, f.label, f.rule.value, f.required, list(f.options), f.depends_on,
                    {k: list(v) for k, v in f.option_tree.items()}] for f in p.account_fields],
        "attrs": [list(a) for a in p.attributes], "min": p.min_qty, "max": p.max_qty, "rank": p.sales_rank,
        "tiers": [[q, f"{c:.4f}"] for q, c in p.tiers],
    }, ensure_ascii=False, separators=(",", ":"))


_FIELDS: dict[str, AccountField] = {}


def _field(raw: list[Any]) -> AccountField:
    key = json.dumps(raw, ensure_ascii=False)
    f = _FIELDS.get(key)            # the same few schemas repeat across 100k products
    if f is None:
        f = _FIELDS[key] = AccountField(raw[0], raw[1], Rule(raw[2]), raw[3], tuple(raw[4]), raw[5],
                                        {k: tuple(v) for k, v in raw[6].items()})
    return f


def product_from_json(text: str) -> Product:
    d = json.loads(text)
    return Product(
        sku=d["sku"], supplier=d["supplier"], product_id=d["id"], name=d["name"], category=tuple(d["cat"]),
        delivery=Delivery(d["dl"]), unit_cost=Decimal(d["cost"]), face_value=None if d["face"] is None else Decimal(d["face"]),
        stock=d["stock"], stock_alarm=d["alarm"], sale_status=SaleStatus(d["st"]),
        account_fields=tuple(_field(f) for f in d["fields"]), attributes=tuple(tuple(a) for a in d["attrs"]),
        min_qty=d["min"], max_qty=d["max"], sales_rank=d["rank"],
        tiers=tuple((q, Decimal(c)) for q, c in d["tiers"]),
    )


def _data_dir(cache: "CatalogCache") -> Path:
    return cache._ledger.path.parent


@typed_storage_errors(_data_dir)
class CatalogCache(OfferFigureReads):
    """The CatalogStore port (ledger/ports.py) on a SqliteLedger's file: catalog tables
    written through its public `unchained_write`, read through `reading`."""

    def __init__(self, ledger: "SqliteLedger") -> None:
        self._ledger = ledger

    def upsert(self, products: Sequence[Product], keys: Sequence[str], *, at: datetime) -> tuple[int, int]:
        """Store a page of a supplier's catalog; returns (new products, cost changes).
        The matching rule reads a listing only when it is new or changed in what the rule
        reads, or was read by an older rule (ledger/offer_readings.py)."""
        at_text = utc_text(at)
        collecting = gc.isenabled()
        gc.disable()        # the readings' many small values: no cycles to look for meanwhile
        try:
            return self._upsert(products, keys, at_text)
        finally:
            if collecting:
                gc.enable()

    def _upsert(self, products: Sequence[Product], keys: Sequence[str], at_text: str) -> tuple[int, int]:
        new = changed = 0
        with self._ledger.unchained_write() as c:
            before = offer_readings.stored(c, [p.sku for p in products])
            for p, key in zip(products, keys):
                cost = to_units(p.unit_cost)
                face = None if p.face_value is None else to_units(p.face_value)
                attrs = "\x1e".join(f"{k}\x1f{v}" for k, v in p.attributes)
                reading = offer_readings.kept(before.get(p.sku), p, face, attrs) or offer_readings.read(p)
                last = c.execute("SELECT cost FROM price_history WHERE sku = ? ORDER BY at DESC LIMIT 1", (p.sku,)).fetchone()
                if last is None:
                    new += 1
                if last is None or last[0] != cost:
                    changed += last is not None
                    c.execute("INSERT OR REPLACE INTO price_history (sku, at, cost) VALUES (?,?,?)", (p.sku, at_text, cost))
                c.execute(
                    "INSERT INTO catalog (sku, supplier, name, category, delivery, cost, face, stock, alarm, status, rank, "
                    "attrs, data, search_key, synced_at, offer_id, offer_flags, offer_reading, offer_rule) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(sku) DO UPDATE SET "
                    "supplier = excluded.supplier, name = excluded.name, category = excluded.category, "
                    "delivery = excluded.delivery, cost = excluded.cost, face = excluded.face, stock = excluded.stock, "
                    "alarm = excluded.alarm, status = excluded.status, rank = excluded.rank, attrs = excluded.attrs, "
                    "data = excluded.data, search_key = excluded.search_key, synced_at = excluded.synced_at, "
                    "offer_id = excluded.offer_id, offer_flags = excluded.offer_flags, "
                    "offer_reading = excluded.offer_reading, offer_rule = excluded.offer_rule",
                    (p.sku, p.supplier, p.name, p.category_path, p.delivery.value, cost, face, p.stock,
                     int(p.stock_alarm), p.sale_status.value, p.sales_rank, attrs, product_to_json(p), key, at_text,
                     *reading, offer_parse.RULE_VERSION))
        return new, changed

    def remove_missing(self, supplier: str, seen_since: datetime) -> int:
        """Products a full sync no longer saw are dropped from the cache (their history stays)."""
        with self._ledger.unchained_write() as c:
            return c.execute("DELETE FROM catalog WHERE supplier = ? AND synced_at < ?",
                             (supplier, utc_text(seen_since))).rowcount

    def remove_supplier(self, supplier: str) -> int:
        """All of a removed supplier's products leave the cache (their history and
        orders stay)."""
        with self._ledger.unchained_write() as c:
            return c.execute("DELETE FROM catalog WHERE supplier = ?", (supplier,)).rowcount

    def columns(self) -> CatalogColumns:
        """Everything the index needs, column by column, without parsing any JSON."""
        with self._ledger.reading() as conn:
            rows = conn.execute(
                "SELECT id, sku, supplier, category, delivery, cost, face, stock, alarm, status, rank, attrs, search_key, name "
                "FROM catalog ORDER BY id").fetchall()
        cols = list(zip(*rows)) if rows else [()] * 14
        return CatalogColumns(
            ids=list(cols[0]), sku=list(cols[1]), supplier=list(cols[2]), category=list(cols[3]),
            delivery=[Delivery(d).facet for d in cols[4]], cost=list(cols[5]), face=list(cols[6]), stock=list(cols[7]),
            alarm=list(cols[8]), status=list(cols[9]), rank=list(cols[10]),
            attrs=[tuple(tuple(kv.split("\x1f", 1)) for kv in a.split("\x1e")) if a else () for a in cols[11]],
            keys=list(cols[12]), names=list(cols[13]))

    def off_shelf(self) -> set[str]:
        """The SKUs not on sale (下架, 维护中): with the catalog index's own arrays, all the
        offer choice of every catalog row needs (the product index does not read the
        whole cache's columns again)."""
        with self._ledger.reading() as conn:
            return {r[0] for r in conn.execute("SELECT sku FROM catalog WHERE status != 'on'")}

    def readings(self) -> list[tuple[str, str, int, str]]:
        """Every listing's offer reading (sku, product id, flags, text) in catalog order;
        rows read by an older rule version (or before migration 6) are read again first,
        and stored again unless the ledger is read-only."""
        version = offer_parse.RULE_VERSION
        with self._ledger.reading() as conn:
            stale = conn.execute(offer_readings.STALE, (version,)).fetchall()
        fresh = {row_id: offer_readings.read(product_from_json(data)) for row_id, data in stale}
        if fresh and not self._ledger.read_only:
            with self._ledger.unchained_write() as c:
                c.executemany(offer_readings.REFRESH, [(*r, version, row_id, version) for row_id, r in fresh.items()])
        with self._ledger.reading() as conn:
            rows = conn.execute(offer_readings.ALL).fetchall()
        if not fresh:
            return [(sku, pid, bits, text) for sku, pid, bits, text, _ in rows]
        return [(sku, *fresh[row_id]) if row_id in fresh else (sku, pid, bits, text)
                for sku, pid, bits, text, row_id in rows]

    def product(self, row_id: int) -> Product:
        with self._ledger.reading() as conn:
            r = conn.execute("SELECT data FROM catalog WHERE id = ?", (row_id,)).fetchone()
        if r is None:
            raise KeyError(row_id)
        return product_from_json(r[0])

    def product_by_sku(self, sku: str) -> Product | None:
        with self._ledger.reading() as conn:
            r = conn.execute("SELECT data FROM catalog WHERE sku = ?", (sku,)).fetchone()
        return None if r is None else product_from_json(r[0])

    def load(self) -> tuple[list[Product], list[str]]:
        """Every product, parsed (tests and small tools; the app uses `columns`)."""
        with self._ledger.reading() as conn:
            rows = conn.execute("SELECT data, search_key FROM catalog ORDER BY id").fetchall()
        return [product_from_json(d) for d, _ in rows], [k for _, k in rows]

    def count(self, supplier: str | None = None) -> int:
        sql, args = "SELECT COUNT(*) FROM catalog", ()      # type: tuple[str, tuple[str, ...]]
        if supplier:
            sql, args = sql + " WHERE supplier = ?", (supplier,)
        with self._ledger.reading() as conn:
            return int(conn.execute(sql, args).fetchone()[0])

    def last_sync(self, supplier: str | None = None) -> datetime | None:
        sql, args = "SELECT MAX(synced_at) FROM catalog", ()  # type: tuple[str, tuple[str, ...]]
        if supplier:
            sql, args = sql + " WHERE supplier = ?", (supplier,)
        with self._ledger.reading() as conn:
            r = conn.execute(sql, args).fetchone()[0]
        return None if r is None else from_utc_text(r)

    def version(self) -> str:
        """Changes whenever a sync touched the catalog."""
        with self._ledger.reading() as conn:
            r = conn.execute("SELECT COUNT(*), MAX(id), MAX(synced_at) FROM catalog").fetchone()
        return f"{self._ledger.ledger_id}:{r[0]}:{r[1]}:{r[2]}"

    def price_points(self, since: datetime, min_days: int = 1,
                     skus: Collection[str] | None = None) -> dict[str, list[PricePoint]]:
        """Daily cost points per SKU since a time (the cost in force at the end of each
        day a change was seen, first sighting included), for SKUs with >= min_days days
        (and among `skus` when given)."""
        out: dict[str, list[PricePoint]] = {}
        with self._ledger.reading() as conn:
            if skus is None:
                rows = conn.execute(
                    "SELECT sku, at, cost FROM price_history WHERE at >= ?1 AND sku IN (SELECT sku FROM price_history "
                    "WHERE at >= ?1 GROUP BY sku HAVING COUNT(DISTINCT substr(at, 1, 10)) >= ?2) ORDER BY sku, at",
                    (utc_text(since), min_days)).fetchall()
            else:                       # by the primary key (sku, at); min_days applied below
                wanted, rows = sorted(skus), []
                for i in range(0, len(wanted), 500):
                    chunk = wanted[i:i + 500]
                    rows += conn.execute(f"SELECT sku, at, cost FROM price_history WHERE sku IN "
                                         f"({','.join('?' * len(chunk))}) AND at >= ? ORDER BY sku, at",
                                         (*chunk, utc_text(since))).fetchall()
        for sku, at, cost in rows:
            day = date.fromisoformat(at[:10])
            points = out.setdefault(sku, [])
            if points and points[-1].day == day:
                points[-1] = PricePoint(day, from_units(cost))
            else:
                points.append(PricePoint(day, from_units(cost)))
        if skus is not None and min_days > 1:
            out = {sku: points for sku, points in out.items() if len(points) >= min_days}
        return out

    def price_days(self, since: datetime, at_least: int = 2) -> dict[str, int]:
        """Per SKU with at least `at_least` days of price points since a time, how many:
        a product's 历史低价 needs days enough over all its offers, and most SKUs have one
        point (their first sighting), so only the few with more are read in full."""
        with self._ledger.reading() as conn:
            return dict(conn.execute(
                "SELECT sku, COUNT(DISTINCT substr(at, 1, 10)) AS days FROM price_history WHERE at >= ? "
                "GROUP BY sku HAVING days >= ?", (utc_text(since), at_least)).fetchall())

    def price_history(self, sku: str, since: datetime) -> list[tuple[datetime, Decimal]]:
        """One SKU's recorded cost changes since a time, oldest first, with the cost in
        force at `since` as the first point when it changed before."""
        with self._ledger.reading() as conn:
            before = conn.execute("SELECT at, cost FROM price_history WHERE sku = ? AND at < ? ORDER BY at DESC LIMIT 1",
                                  (sku, utc_text(since))).fetchone()
            rows = conn.execute("SELECT at, cost FROM price_history WHERE sku = ? AND at >= ? ORDER BY at",
                                (sku, utc_text(since))).fetchall()
        out = [(since, from_units(before[1]))] if before else []
        return out + [(from_utc_text(at), from_units(cost)) for at, cost in rows]

    def own_count(self, sku: str) -> int:
        """How many times the reseller bought this SKU (succeeded orders)."""
        with self._ledger.reading() as conn:
            return int(conn.execute(
                "SELECT COUNT(*) FROM orders WHERE sku = ? AND state IN ('succeeded', 'refunded')", (sku,)).fetchone()[0])

    def delivery_samples(self, sku: str, last: int = 20) -> tuple[list[float], int, int]:
        """Submit -> settle seconds of the latest settled orders of a SKU, with how many of
        them succeeded and how many there were."""
        with self._ledger.reading() as conn:
            rows = conn.execute(
                "SELECT state, submitted_at, settled_at FROM orders WHERE sku = ? AND state IN ('succeeded', 'failed') "
                "AND submitted_at IS NOT NULL AND settled_at IS NOT NULL ORDER BY seq DESC LIMIT ?", (sku, last)).fetchall()
        secs = [(from_utc_text(b) - from_utc_text(a)).total_seconds() for st, a, b in rows if st == "succeeded"]
        return secs, sum(1 for r in rows if r[0] == "succeeded"), len(rows)

    def own_sales(self, since: datetime) -> dict[str, tuple[int, list[float]]]:
        """Per SKU: succeeded orders since `since`, and submit -> settle seconds of the
        latest 20 succeeded orders, newest first."""
        out: dict[str, tuple[int, list[float]]] = {}
        with self._ledger.reading() as conn:
            rows = conn.execute(
                "SELECT sku, submitted_at, settled_at, created_at >= ? FROM orders WHERE state = 'succeeded' "
                "AND submitted_at IS NOT NULL ORDER BY seq DESC", (utc_text(since),)).fetchall()
        for sku, sub, settled, recent in rows:
            n, secs = out.get(sku, (0, []))
            if len(secs) < 20:
                secs.append((from_utc_text(settled) - from_utc_text(sub)).total_seconds())
            out[sku] = (n + (1 if recent else 0), secs)
        return out
