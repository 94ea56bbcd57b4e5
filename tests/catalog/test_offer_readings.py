"""Offer readings stored at sync (issue 18's 5 s target): each listing is read by the
matching rule when it is new or changed, the reading is kept beside it in the catalog
cache, and the matching is a group-by over the stored readings plus the manual links.
What the reseller sees must not change: the stored matching agrees with the rule on the
golden pairs and the demo catalog in three suppliers' wordings, an unchanged listing is
not read again at a re-sync, and a reading made by an older rule is read again."""

from __future__ import annotations

import dataclasses
import importlib.util
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from kameng_tui.domain import offer_parse
from kameng_tui.domain.offer_match import match_offers
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.messages import render
from kameng_tui.refserver.ref_catalogs import styled
from kameng_tui.services.offers import OfferService
from kameng_tui.suppliers.demo.catalog import generate_catalog

_spec = importlib.util.spec_from_file_location(
    "golden_pairs", Path(__file__).resolve().parents[1] / "domain" / "test_offer_match.py")
assert _spec is not None and _spec.loader is not None
_golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_golden)
GOLDEN, listing = _golden.GOLDEN, _golden.listing

T0 = datetime(2026, 12, 7, 4, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 12, 7, 5, 0, tzinfo=timezone.utc)


class _Clock:
    def now(self) -> datetime:
        return T1


def service(led: Any) -> OfferService:
    return OfferService(SimpleNamespace(cache=led.catalog), led, _Clock())  # type: ignore[arg-type]


def three_suppliers() -> list:
    return [p for name, style in (("demo", "demo"), ("refa", "reworded"), ("refb", "names"))
            for p in styled(generate_catalog(400, name), style, name)]


def golden() -> list:
    return [p for i, pair in enumerate(GOLDEN) for p in (listing("s1", f"A{i}", pair["a"]), listing("s2", f"B{i}", pair["b"]))]


def test_the_stored_matching_is_the_rules_matching_on_the_golden_pairs_and_three_wordings(tmp_path):
    led = open_ledger(tmp_path / "data")
    try:
        products = golden() + three_suppliers()
        led.catalog.upsert(products, [p.name for p in products], at=T0)
        links = led.offer_links()
        stored, rule = service(led).match(), match_offers(products, links)
        assert stored.product_of == rule.product_of
        assert stored.offers == rule.offers
        assert [(f.sku, render(f.why, "zh"), render(f.why, "en")) for f in stored.unsure] == \
            [(f.sku, render(f.why, "zh"), render(f.why, "en")) for f in rule.unsure]
        assert [f.sku for f in stored.unknown] == [f.sku for f in rule.unknown]
        some = products[0]
        assert stored.found[some.sku].key == rule.found[some.sku].key
    finally:
        led.close()


def counting(monkeypatch) -> list[str]:
    """The rule's reads, by listing name (the rule's own cache of shapes is cleared)."""
    seen: list[str] = []
    real = offer_parse._read

    def read(name, *args, **kw):   # noqa: ANN001, ANN002, ANN003
        seen.append(name)
        return real(name, *args, **kw)

    offer_parse._shape.cache_clear()
    monkeypatch.setattr(offer_parse, "_read", read)
    return seen


def test_a_resync_reads_only_new_or_changed_listings(tmp_path, monkeypatch):
    led = open_ledger(tmp_path / "data")
    try:
        products = generate_catalog(200, "demo")
        seen = counting(monkeypatch)
        led.catalog.upsert(products, [p.name for p in products], at=T0)
        assert len(seen) > 100
        seen.clear()
        offer_parse._shape.cache_clear()
        first = products[0]
        renamed = dataclasses.replace(first, name=first.name + " 慢充")
        cheaper = dataclasses.replace(products[1], unit_cost=products[1].unit_cost / 2)
        again = [renamed, cheaper, *products[2:]]
        led.catalog.upsert(again, [p.name for p in again], at=T1)
        assert seen == [renamed.name]                 # a cost change is not a new reading
        m = service(led).match()
        assert seen == [renamed.name]                 # the matching reads nothing
        assert m.product_of[renamed.sku] == match_offers([renamed]).product_of[renamed.sku]
        assert m.product_of[renamed.sku] != match_offers([first]).product_of[first.sku]
    finally:
        led.close()


def test_a_reading_made_by_an_older_rule_is_read_again(tmp_path, monkeypatch):
    led = open_ledger(tmp_path / "data")
    try:
        products = generate_catalog(120, "demo")
        led.catalog.upsert(products, [p.name for p in products], at=T0)
        target = products[0]
        # what an older rule would have stored: another id, by the version before this one
        with led.unchained_write() as c:
            c.execute("UPDATE catalog SET offer_id = 'OLD-RULE-ID', offer_rule = ? WHERE sku = ?",
                      (offer_parse.RULE_VERSION - 1, target.sku))
        m = service(led).match()
        assert m.product_of[target.sku] == match_offers([target]).product_of[target.sku] != "OLD-RULE-ID"
        rows = led._conn.execute("SELECT DISTINCT offer_rule FROM catalog").fetchall()
        assert rows == [(offer_parse.RULE_VERSION,)]
        # the rule changes (its version bumped): an unchanged listing is read again at the next sync
        seen = counting(monkeypatch)
        monkeypatch.setattr(offer_parse, "RULE_VERSION", offer_parse.RULE_VERSION + 1)
        led.catalog.upsert(products[:10], [p.name for p in products[:10]], at=T1)
        assert len(seen) == len({p.name for p in products[:10]})
        assert led._conn.execute("SELECT COUNT(*) FROM catalog WHERE offer_rule = ?",
                                 (offer_parse.RULE_VERSION,)).fetchone()[0] == 10
        service(led).match()                          # and the rest when the matching next runs
        assert led._conn.execute("SELECT COUNT(*) FROM catalog WHERE offer_rule != ?",
                                 (offer_parse.RULE_VERSION,)).fetchone()[0] == 0
    finally:
        led.close()
