"""The app's header, drawn again after each change it shows (folded to the width by
tui/header_fold.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from rich.text import Text

from kameng_tui.domain.money import price
from kameng_tui.tui import ledger_notices
from kameng_tui.tui.team_header import team_segment

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.app import KamengApp


def yuan2(amount: Decimal) -> str:
    """A balance in the header: always two decimals (4321.5678 reads 4321.57)."""
    return f"{price(amount):.2f}"


def header_parts(app: "KamengApp") -> tuple[Text, ...]:
    """The header, most important first, each part with its leading separator
    (tui/header_fold.py keeps each whole when the width folds it onto more lines): the
    title, writes refused, the team ledger's server and mirror (offline, stopped), its
    connection (clock, TLS mode), no data key, orders in flight, claims, each
    supplier's balance."""
    t = app.t
    parts = [Text(" kameng-tui ", style="bold reverse")]
    if app.refused is not None:
        parts.append(Text("  " + t("header.writes_refused", short=t(f"header.anchor.{app.refused.reason}")),
                          style="bold red"))
    watch = getattr(app, "team_watch", None)
    if watch is not None:
        parts.extend(team_segment(watch.last, app.ctx.settings_view.general.timezone, t))
    parts.extend(ledger_notices.parts(app))
    if app.data_key_missing():
        other = app.data_key_status is not None and app.data_key_status.team
        parts.append(Text("  " + t("header.other_data_key" if other else "header.no_data_key", key=app.data_key_key()),
                          style="bold yellow"))
    flying = app.runner.in_flight + len(app.batch_runner.running)
    if flying:
        parts.append(Text(f"   [{flying}]", style="bold yellow"))
    if app.claims_count:
        parts.append(Text("   " + t("header.claims", n=app.claims_count), style="bold red"))
    # the balances last: at a narrow width only they are cropped (tui/header_fold.py)
    balances: list[Text] = []
    low = app.ctx.settings_view.balance.low_warning
    for name in app.ctx.supplier_names():
        out = Text(f"  {t('header.supplier')} {name}  ")
        balances.append(out)
        view = app.balances.get(name)
        if view is None:
            continue
        if view.amount is not None:
            out.append(t("header.amount", amount=yuan2(view.amount)), style="bold red" if view.low else "bold green")
        if view.refused:
            word = {"clock": "header.clock", "identity": "header.identity"}.get(view.error or "", "header.refused")
            out.append(f" ({t(word)})", style="bold red")
        elif not view.live:        # never asked for want of a secret: not the network's fault
            word = "header.no_secret" if view.error == "no_secret" else "header.offline"
            out.append(f" ({t(word)})", style="yellow")
        elif view.low:
            out.append("  " + t("header.low", amount=yuan2(low)), style="red")
    return (*parts, *balances)

