"""The product detail pane: price history as a chart, tiers, why each badge was
earned, delivery stats, "you bought this N times", the account fields it needs."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.widgets import Static

from kameng_tui.domain.field_names import attribute_label, field_label
from kameng_tui.domain.money import fmt
from kameng_tui.domain.text_fit import cells, wrap_spans
from kameng_tui.messages import Joined
from kameng_tui.services.catalog import ProductDetail
from kameng_tui.services.offer_board import ProductOffers
from kameng_tui.tui import demo_mark
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.bar_chart import bars
from kameng_tui.tui.widgets.offer_lines import offer_parts


class Unbroken:
    """A Text wrapped to the pane's width without breaking inside "60.00 元" or before a
    closing bracket (domain.text_fit.wrap_spans); Rich would break at any space."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plain = self.text.plain
        for start, end in wrap_spans(plain, options.max_width):
            line = self.text[start:end]
            line.no_wrap = True
            line.overflow = "crop"
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, cells(self.text.plain))


def seconds(s: float | None, t: Texts) -> str:
    if s is None:
        return "-"
    return t("unit.seconds", n=f"{s:.0f}") if s < 120 else t("unit.minutes", n=f"{s / 60:.0f}")


class DetailPane(Static):
    def __init__(self, *, lang: str = "zh", zone: str = "Asia/Shanghai", id: str | None = None) -> None:
        super().__init__(id=id)
        self.t = Texts(lang)
        self.lang = lang
        self.zone = ZoneInfo(zone)

    def show_detail(self, d: ProductDetail | None, offers: ProductOffers | None = None) -> None:
        self.update(self.build(d, offers), layout=False)   # a fixed pane: no layout pass per keystroke

    def build(self, d: ProductDetail | None, offers: ProductOffers | None = None) -> Group | Text:
        t = self.t
        if d is None:
            return Text(t("detail.empty"), style="dim")
        p = d.product
        name = Text(p.name, style="bold")
        if d.demo:                                   # beside a real supplier: not a product to sell
            name = demo_mark.marked(t, name)
        parts: list[Text] = [name, Text("/".join(p.category), style="dim"),
                             Text(p.sku, style="dim"),
                             Text(t("detail.cost", cost=fmt(p.unit_cost), price=fmt(d.sale_price)))]
        if offers is not None:                       # several offers: each, and why this one (issue 18)
            parts += offer_parts(offers, t, self.zone)
        if p.face_value:
            disc = f"{p.unit_cost * 10 / p.face_value:.2f}"
            parts.append(Text(t("detail.face", face=fmt(p.face_value), disc=disc)))
        if p.stock == 0:
            parts.append(Text(t("detail.sold_out"), style="bold red"))
        else:
            parts.append(Text(t("detail.stock", stock=p.stock) if p.stock is not None else t("detail.stock_unknown")))
        parts.append(Text(t("detail.status", status=p.sale_status.label)))
        if p.attributes:
            parts.append(Text("  ".join(f"{t.show(attribute_label(k))}:{v}" for k, v in p.attributes), style="cyan"))
        if p.tiers:
            parts.append(Text(t("detail.tiers"), style="bold"))
            parts += [Text(t("detail.tier", qty=q, cost=fmt(c))) for q, c in p.tiers]
        parts.append(Text(t("detail.tags"), style="bold"))
        tags = d.tags if offers is None else offers.tags     # several offers: the product's badges
        if tags:
            for tag in tags:
                line = Text("  ")
                line.append(t.show(tag.label_msg), style="bold reverse")
                line.append(" " + t.show(tag.why))
                parts.append(line)
        else:
            parts.append(Text(t("detail.no_tags"), style="dim"))
        s = d.stats
        if s.count:
            rate = "-" if s.success_rate is None else f"{s.success_rate * 100:.0f}%"
            parts.append(Text(t("detail.delivery", median=seconds(s.median_s, t), p95=seconds(s.p95_s, t), rate=rate, n=s.count)))
        else:
            parts.append(Text(t("detail.no_delivery"), style="dim"))
        if d.bought:
            parts.append(Text(t("detail.bought", n=d.bought), style="green"))
        if p.account_fields:
            parts.append(Text(t("detail.fields", fields=Joined([field_label(f) for f in p.account_fields], "sep.enum"))))
        parts.append(Text(t("detail.history"), style="bold"))
        if len(d.history) >= 2:
            points = [(at.astimezone(self.zone).strftime("%m-%d"), cost) for at, cost in d.history]
            parts += bars(points[-8:], width=14)
        else:
            parts.append(Text(t("detail.no_history"), style="dim"))
        parts.append(Text(t("detail.keys"), style="dim"))
        return Group(*(Unbroken(part) for part in parts))



