"""What did I sell, what did I earn, what is due: totals, claims, suggestions, refunds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from kameng_tui.domain.history import Event, GroupTotals, HistoryFilter, Totals
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.reply_check import anomaly_msg
from kameng_tui.domain.states import OrderState, once_submitted
from kameng_tui.messages import Joined, Localized, Msg
from kameng_tui.ledger.ports import OrderStore
from kameng_tui.domain.clock import Clock
from kameng_tui.services.config_cell import ConfigCell, ReadsConfig
from kameng_tui.services.balances import BalanceService
from kameng_tui.services.reconcile import ReconcileService
from kameng_tui.services.catalog import CatalogService

# The 周期 attribute's values and the 月卡/季卡/年卡 in product names (catalog data).
PERIOD_DAYS = {"月": 30, "季": 90, "年": 365}
MEMBERSHIP_CATEGORY = "视频会员"          # the demo and Fulu catalogs' top category of memberships
DUE_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class Claim:
    order: Order
    kind: str                    # anomaly | charged_but_failed | short_delivered | pending_once_submitted | unknown_past_grace
    reason: Localized
    events: tuple[Event, ...]


@dataclass(frozen=True)
class SupplierClaim:
    """A claim on no single order: a supplier's balance moved by more than the ledger charged."""

    supplier: str
    kind: str                    # balance_drift
    reason: Localized
    event: Event


@dataclass(frozen=True)
class Renewal:
    account: str
    sku: str
    product_name: str
    last_order: str
    last_at: datetime
    due_at: datetime
    overdue: bool
    customer: str | None = None


@dataclass
class Suggestions:
    renewals: list[Renewal] = field(default_factory=list)
    frequent: list[tuple[str, str, int]] = field(default_factory=list)     # sku, name, times
    low_balance: list[tuple[str, Decimal]] = field(default_factory=list)   # supplier, available


def period_of(order: Order, attrs: dict[str, str] | None) -> int | None:
    """Days a membership lasts: from the product's 周期 attribute, else its name."""
    if attrs and attrs.get("周期") in PERIOD_DAYS:
        return PERIOD_DAYS[attrs["周期"]]
    m = re.search(r"(月|季|年)卡", order.product_name)
    return PERIOD_DAYS[m.group(1)] if m else None


class ReportService(ReadsConfig):
    def __init__(self, ledger: OrderStore, reconcile: ReconcileService, catalog: CatalogService,
                 balances: BalanceService, clock: Clock, config: ConfigCell) -> None:
        self.ledger, self.reconcile, self.catalog, self.balances = ledger, reconcile, catalog, balances
        self.clock, self._config = clock, config

    def totals(self, flt: HistoryFilter) -> Totals:
        return self.ledger.totals(flt)

    def without_demo(self, flt: HistoryFilter) -> tuple[HistoryFilter, int]:
        """The filter reports use, and how many demo orders it leaves out: with a real
        supplier enabled, the demo's orders are no sale. A filter naming a supplier keeps
        what it names: the demo's orders when asked for, none otherwise."""
        demo = sorted(self.catalog.suppliers.view().demo)
        if not demo or flt.supplier:
            return flt, 0
        left_out = sum(self.ledger.totals(replace(flt, supplier=name)).orders for name in demo)
        return replace(flt, exclude_suppliers=tuple(demo)), left_out

    def grouped(self, flt: HistoryFilter, by: str) -> list[GroupTotals]:
        return self.ledger.grouped(flt, by, self.config.general.timezone)

    def claims(self) -> list[Claim]:
        out = []
        for o in self.ledger.needs_attention():
            events = tuple(self.ledger.events(o.order_no))
            said = [m for m in (anomaly_msg(e.body) for e in events if e.kind == "anomaly") if m is not None]
            if said:
                # what the supplier said against what we asked: evidence first, whatever the state
                out.append(Claim(o, "anomaly", said[0] if len(said) == 1 else Joined(dict.fromkeys(said)), events))
                continue
            if o.state is OrderState.FAILED:
                kind, reason = "charged_but_failed", Msg("claim.charged_but_failed", amount=fmt(o.charged - o.refunded))
            elif o.state is OrderState.SUCCEEDED:
                kind, reason = "short_delivered", Msg("claim.short_delivered", delivered=o.delivered_qty, quantity=o.quantity)
            elif once_submitted(o):
                if not self.reconcile.is_claim(o):
                    continue     # refused a moment ago: a resume is the usual answer
                kind = "pending_once_submitted"
                reason = Msg("claim.pending_once_submitted",
                             minutes=max(1, self.config.checkout.pending_claim_after_s // 60))
            elif self.reconcile.is_claim(o):
                kind, reason = "unknown_past_grace", Msg("claim.unknown_past_grace")
            else:
                continue     # unknown but still within grace: reconcile will settle it
            out.append(Claim(o, kind, reason, events))
        return out

    def supplier_claims(self) -> list[SupplierClaim]:
        """Anomalies of no single order (balance drift), newest last."""
        out = []
        for e in self.ledger.ledger_anomalies():
            msg = anomaly_msg(e.body)
            params = e.body.get("params") if isinstance(e.body, dict) else None
            supplier = params.get("supplier") if isinstance(params, dict) else None
            if msg is None or not isinstance(supplier, str):
                continue
            out.append(SupplierClaim(supplier, str(e.body.get("code")), msg, e))
        return out

    async def suggestions(self) -> Suggestions:
        now = self.clock.now()
        s = Suggestions()
        latest: dict[tuple[str, str], Order] = {}
        for o in self.ledger.find([OrderState.SUCCEEDED], since=now - timedelta(days=400), category_prefix=MEMBERSHIP_CATEGORY):
            latest[(o.sku, o.account_text)] = o      # seq order: the last one wins
        for (sku, account), o in latest.items():
            try:
                attrs = dict(self.catalog.product(sku).attributes)
            except Exception:    # a product gone from the catalog still has its name
                attrs = None
            days = period_of(o, attrs)
            if days is None:
                continue
            due = o.created_at + timedelta(days=days)
            if due - now <= DUE_WITHIN:
                s.renewals.append(Renewal(account, sku, o.product_name, o.order_no, o.created_at, due, due < now, o.customer))
        s.renewals.sort(key=lambda r: r.due_at)
        s.frequent = [r for r in self.ledger.sku_counts([OrderState.SUCCEEDED], since=now - timedelta(days=90)) if r[2] >= 3][:10]
        for v in await self.balances.all():
            if v.low and v.available is not None:
                s.low_balance.append((v.supplier, v.available))
        return s

    def refund(self, order_no: str, amount: Decimal, reason: str) -> Order:
        return self.ledger.customer_refund(order_no, amount, reason, at=self.clock.now())
