"""Markup rules: what a reseller adds on top of cost, per category and customer level.

A 卡盟 reseller prices by member level (普通 / VIP / 代理) and by category (话费 sells
thin, game cards thick). One rule names a category path prefix, a level, or both;
the most specific rule that matches wins: category + level, then category alone,
then level alone, then the `[pricing] markup` default. Among rules of one kind the
deeper category wins (`话费/移动` over `话费`). Pure: no config, no IO.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Iterable, Mapping

from kameng_tui.domain.errors import BadInput
from kameng_tui.messages import Msg

MAX_MARKUP = Decimal("10")        # 1000 %: past this it is a typo, not a price


@dataclass(frozen=True)
class MarkupRule:
    markup: Decimal
    category: str = ""                 # path prefix, "" = every category
    level: str = ""                    # customer level, "" = every customer
    use_face_value: bool = False       # a rule prices by its markup unless it says so

    @property
    def key(self) -> tuple[str, str]:
        return (self.category, self.level)

    def matches(self, category_path: str, level: str) -> bool:
        if self.level and self.level != level:
            return False
        if not self.category:
            return True
        return category_path == self.category or category_path.startswith(self.category + "/")

    def rank(self) -> tuple[int, int]:
        """Higher is more specific: (kind, category depth)."""
        kind = 3 if self.category and self.level else 2 if self.category else 1 if self.level else 0
        return (kind, self.category.count("/") + 1 if self.category else 0)


def category_path(text: str) -> str:
    """A category as typed (" 话费 / 中国移动/ ") in the form rules use ("话费/中国移动")."""
    return "/".join(part.strip() for part in text.strip().strip("/").split("/")) if text.strip() else ""


def pick_rule(rules: Iterable[MarkupRule], category_path: str, level: str) -> MarkupRule | None:
    """The most specific matching rule, or None (the default applies)."""
    best: MarkupRule | None = None
    for rule in rules:
        if rule.matches(category_path, level) and (best is None or rule.rank() > best.rank()):
            best = rule
    return best


def level_of(customers: Mapping[str, str], customer: str | None) -> str:
    """A customer's level ("" for none). Names compare as typed, less outer spaces."""
    if not customer:
        return ""
    return customers.get(customer.strip(), "")


def parse_markup(text: str) -> Decimal:
    """"2%", "2 %", "0.02" -> Decimal("0.02"). A reseller thinks in percent; the file
    keeps the fraction, as `[pricing] markup` always has."""
    raw = str(text).strip().replace("％", "%")            # a fullwidth percent sign, as typed with a Chinese IME
    if not raw:
        raise BadInput(Msg("err.markup.empty"), field="markup")
    percent = raw.endswith("%")
    try:
        value = Decimal(raw.rstrip("%").strip())
    except InvalidOperation:
        raise BadInput(Msg("err.markup.unreadable", raw=raw), field="markup") from None
    if percent:
        value = value / 100
    if not value.is_finite() or value < 0:
        raise BadInput(Msg("err.markup.negative", raw=raw), field="markup")
    if value > MAX_MARKUP:
        raise BadInput(Msg("err.markup.too_big", raw=raw), field="markup")
    return value.normalize() if value != value.to_integral() else value.quantize(Decimal(1))


def percent(markup: Decimal) -> str:
    """0.025 -> "2.5%": how the screen shows a markup."""
    value = (markup * 100).normalize()
    text = f"{value:f}"
    return f"{text}%"


def factor(markup: Decimal) -> str:
    """0.2 -> "1.20", 0.005 -> "1.005": what the cost is multiplied by, as on a price tag."""
    value = Decimal(1) + markup
    cents = value.quantize(Decimal("0.01"))
    return f"{cents:f}" if cents == value else f"{value.normalize():f}"


def formula(markup: Decimal, use_face_value: bool, capped: bool) -> Msg:
    """What a rule does, in words: "售价 = 进价 x 1.20，不超过面值". Every rule is capped
    at a face value that covers the cost; the default only where the config says so."""
    if use_face_value:
        return Msg("markup.formula.face", factor=factor(markup))
    return Msg("markup.formula.capped" if capped else "markup.formula.plain", factor=factor(markup))
