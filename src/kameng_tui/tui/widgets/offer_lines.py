"""Every offer of a product in the detail pane (issue 18): why the chosen one wins,
then each offer best first with its cost, stock, when it was synced, its supplier's
balance and health, our delivery figures (样本不足 under 10 orders) and, for an offer
not chosen, why. Short lines: the pane is 30 cells wide at any terminal size."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from kameng_tui.domain.money import fmt
from kameng_tui.services.offer_board import OfferLine, ProductOffers
from kameng_tui.tui.text import Texts

CHOSEN, OTHER = "> ", "  "


def _at(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%m-%d %H:%M")


def _line(line: OfferLine, t: Texts, zone: ZoneInfo) -> list[Text]:
    o, state = line.offer, line.supplier
    stock = t("detail.offer.plenty") if o.stock is None else \
        t("detail.offer.sold_out") if o.stock == 0 else t("detail.offer.stock", n=o.stock)
    head = Text(t("detail.offer.head", mark=CHOSEN if line.chosen else OTHER, supplier=o.supplier,
                  cost=fmt(o.unit_cost), stock=stock), style="bold" if line.chosen else "")
    out = [head, Text(t("detail.offer.synced", at=_at(o.synced_at, zone)) if o.synced_at else
                      t("detail.offer.never_synced"), style="dim")]
    health = t.show(state.health.msg)
    if state.balance is None:
        out.append(Text(t("detail.offer.no_balance", health=health)))
    else:
        at = _at(line.balance_at, zone) if line.balance_at else "-"
        out.append(Text(t("detail.offer.balance", amount=fmt(state.balance), at=at, health=health)))
    out.append(Text(t("detail.offer.stats", stats=t.show(line.stats.msg)),
                    style="yellow" if line.stats.insufficient else ""))
    if line.skip is not None:
        out.append(Text(t("detail.offer.skip", reason=t.show(line.skip.msg)), style="red"))
    return out


def offer_parts(offers: ProductOffers, t: Texts, zone: ZoneInfo) -> list[Text]:
    parts = [Text(t("detail.offers", n=len(offers.lines)), style="bold"),
             Text(t("detail.offer.why", why=t.show(offers.why)), style="green")]
    for line in offers.lines:
        parts += _line(line, t, zone)
    return parts
