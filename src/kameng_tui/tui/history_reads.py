"""What the history screen shows, read in one go in a worker thread: the first keyset page
of the filtered orders, which of them carry an anomaly, the totals and the per-day chart
of exactly that set, and for the selected order its cards and timeline.

The screen never reads the ledger on the UI thread (issue 17): it asks for one of these
values in a thread worker (`exclusive`: the latest keystroke wins) and draws it when it
comes back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Sequence

from kameng_tui.domain.history import Event, HistoryFilter, Page, Totals
from kameng_tui.domain.models import Order
from kameng_tui.domain.states import OrderState
from kameng_tui.services.shop import Shop
from kameng_tui.tui.next_offer import NextOffer, read_next_offer

PAGE = 100


@dataclass(frozen=True)
class Figures:
    """The totals line and the chart: the filter as reports see it (no demo sales)."""

    totals: Totals
    demo_left_out: int
    drift: tuple[Any, ...]                     # supplier claims (balance drift), with claims on
    days: tuple[tuple[str, Decimal], ...]      # (MM-DD, revenue), the last ten days with orders


@dataclass(frozen=True)
class HistoryView:
    flt: HistoryFilter                         # with claims on: narrowed to the claims' orders
    page: Page
    marked: frozenset[str]
    figures: Figures


@dataclass(frozen=True)
class OrderDetail:
    order: Order
    cards: tuple[dict[str, Any], ...]
    events: tuple[Event, ...]
    next_offer: NextOffer | None = None        # a failed order: what a re-order from the next offer takes


def read_figures(ctx: Shop, flt: HistoryFilter, claims: bool) -> Figures:
    shown, demo_left_out = ctx.reports.without_demo(flt)       # a demo sale is no sale
    totals = ctx.reports.totals(shown)
    drift = tuple(ctx.reports.supplier_claims()) if claims else ()
    days = ctx.reports.grouped(shown, "day")
    points = tuple((g.key[5:], g.totals.revenue) for g in sorted(days, key=lambda g: g.key))[-10:]
    return Figures(totals, demo_left_out, drift, points)


def read_view(ctx: Shop, flt: HistoryFilter, claims: bool) -> HistoryView:
    """Blocking: call it from a worker thread."""
    if claims:      # the claims among the filtered orders: list, totals, chart and export agree
        flt = replace(flt, order_nos=tuple(c.order.order_no for c in ctx.reports.claims()))
    page = ctx.orders.history(flt, limit=PAGE, cursor=None, with_total=True)
    return HistoryView(flt, page, frozenset(ctx.orders.anomaly_orders()), read_figures(ctx, flt, claims))


def read_detail(ctx: Shop, order: Order, revealed: bool, record: bool = False) -> OrderDetail:
    """The selected order's cards (masked unless revealed) and events; `record`: a reveal
    the user asked for just now, chained first (a `revealed` event). Blocking."""
    cards = ctx.orders.reveal(order, "reveal") if record else ctx.orders.cards(order, revealed)
    nxt = read_next_offer(ctx, order.order_no) if order.state is OrderState.FAILED else None
    return OrderDetail(order, tuple(cards), tuple(ctx.orders.events(order.order_no)), nxt)


def read_changed(ctx: Shop, order_no: str, flt: HistoryFilter, claims: bool) -> tuple[Order | None, frozenset[str],
                                                                                       Figures]:
    """One order changed: it, the anomaly marks and the figures again. Blocking."""
    return ctx.orders.get(order_no), frozenset(ctx.orders.anomaly_orders()), read_figures(ctx, flt, claims)


def page_after(ctx: Shop, flt: HistoryFilter) -> Any:
    """The next pages, fetched by the list as its cursor nears the end of what is loaded."""
    def fetch(cursor: str | None) -> Page:
        return ctx.orders.history(flt, limit=PAGE, cursor=cursor, with_total=cursor is None)
    return fetch


__all__: Sequence[str] = ("HistoryView", "OrderDetail", "read_view", "read_detail", "read_changed", "page_after")
