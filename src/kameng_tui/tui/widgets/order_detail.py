"""The history's detail pane for one order: what it is, what it cost and made, its reason,
which offer it used and why (when the offer policy chose it), its cards (masked unless
revealed) and its event timeline with hashes, an anomaly in red."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text

from kameng_tui.domain.event_names import event_label
from kameng_tui.domain.money import fmt
from kameng_tui.domain.offer_record import record_in, skip_msgs, why_of
from kameng_tui.domain.reasons import reason_msg
from kameng_tui.domain.reply_check import anomaly_msg
from kameng_tui.domain.states import OrderState
from kameng_tui.tui.cards import card_lines
from kameng_tui.tui.history_reads import OrderDetail
from kameng_tui.tui.text import Texts


def detail_lines(detail: OrderDetail, t: Texts, lang: str, zone_name: str, next_key: str = "n") -> list[Text]:
    order, zone = detail.order, ZoneInfo(zone_name)
    parts = [Text(order.order_no, style="bold"), Text(f"{order.product_name}  x{order.quantity}"),
             Text(f"{order.account_text}  {order.customer or ''}"),
             Text(f"{t('hcol.total')} {fmt(order.total_price)}  {t('col.cost')} {fmt(order.total_cost)}  "
                  f"{t('hcol.profit')} {fmt(order.profit)}")]
    if order.reason:
        parts.append(Text(t.show(reason_msg(order.reason) or ""), style="red"))
    offer = record_in(detail.events)            # which offer the policy chose, and why (issue 18)
    why = why_of(offer)
    if why is not None:
        parts.append(Text(t("offer.order_line", why=why)))
        parts.extend(Text(t("offer.order_skip", line=line), style="dim") for line in skip_msgs(offer))
    if order.attempt_of:                         # a re-order (or failover) of a failed order
        parts.append(Text(t("reorder.next.attempt_of", order_no=order.attempt_of), style="dim"))
    nxt = detail.next_offer                      # a failure: the next offer, or why there is none
    if nxt is not None and nxt.failed_free:
        if nxt.ready and nxt.choice is not None:
            parts.append(Text(t("reorder.next.line", key=next_key, why=t.show(nxt.choice.why)), style="bold yellow"))
        elif nxt.followed is not None or (nxt.choice is not None and len(nxt.choice.ranked) > 1):
            parts.append(Text(t.show(nxt.refusal or ""), style="dim"))   # a product of one offer: nothing to say
    if order.state is OrderState.PENDING:
        parts.append(Text(t("history.pending_keys"), style="bold yellow"))
    parts.extend(card_lines(detail.cards, t))
    parts.append(Text(t("history.timeline"), style="bold underline"))
    for e in detail.events:
        label = t.show(event_label(e.kind))
        said = anomaly_msg(e.body) if e.kind == "anomaly" else None
        if said is not None:
            label = f"! {said.text(lang)}"
        parts.append(Text(f"{e.at.astimezone(zone):%m-%d %H:%M:%S} #{e.seq} {label}",
                          style="bold red" if said is not None else ""))
        parts.append(Text(f"  {e.hash[:16]}", style="dim"))
    return parts
