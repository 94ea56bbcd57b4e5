"""The checkout form's parts: a line that takes no room while empty, the account
fields (the first walks recent accounts) and what each says as you type, an account
as labels show it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, Select, Static
from textual.worker import Worker

from kameng_tui.domain.accounts import CarrierMismatch, carrier_label, carrier_mismatch, carrier_of, check_value
from kameng_tui.domain.field_names import field_label
from kameng_tui.domain.models import AccountField, Order, Product, Rule, mask
from kameng_tui.tui.text import Texts


class Note(Static):
    """A line that takes no room while it is empty: at 80x24 every row counts."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.display = False

    def update(self, content: Any = "", **kwargs: Any) -> None:
        super().update(content, **kwargs)
        self.display = bool(content)


class AccountInput(Input):
    """The account field: up/down walk the recent accounts for this product's rule."""

    BINDINGS = [Binding("up", "recent(-1)", show=False), Binding("down", "recent(1)", show=False)]

    def __init__(self, recent: list[Order], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.recent = recent
        self.recent_loader: Worker[None] | None = None
        """The worker reading the recent accounts (the ledger, off the UI thread)."""
        self._at = -1

    async def action_recent(self, step: int) -> None:
        if self.recent_loader is not None and not self.recent_loader.is_finished:
            await self.recent_loader.wait()            # a key pressed before they were read: wait, not block
        if not self.recent:
            return
        self._at = max(0, min(len(self.recent) - 1, self._at + step))
        self.value = self.recent[self._at].account_text
        self.cursor_position = len(self.value)


def tail(account: str) -> str:
    """An account as shown in labels: 138****1234 for a phone number."""
    if len(account) == 11 and account.isdigit():
        return f"{account[:3]}****{account[-4:]}"
    return mask(account) if len(account) >= 8 else account


def field_widget(f: AccountField, product: Product, again: Order | None, recent: list[Order], t: Texts) -> Widget:
    """A picker for a choice (its options under the field it depends on), the recent
    accounts on the first field, prefilled from the order asked for again."""
    prefill = (again.account.get(f.key, "") if again else "") or ""
    if f.rule is Rule.CHOICE:
        options = f.options
        if f.depends_on and f.option_tree:
            parent = again.account.get(f.depends_on, "") if again else ""
            options = f.option_tree.get(parent, ())
        return Select([(o, o) for o in options], id=f"f-{f.key}", prompt=t.show(field_label(f)),
                      value=prefill if prefill in options else Select.NULL)
    if f.key == product.account_fields[0].key:
        hint = t("checkout.recent") if recent else t.show(field_label(f))
        return AccountInput(recent, placeholder=hint, id=f"f-{f.key}", value=prefill)
    return Input(placeholder=t.show(field_label(f)), id=f"f-{f.key}", value=prefill)


@dataclass(frozen=True)
class FieldsChecked:
    said: dict[str, Text | str]                 # field key -> its line under the field
    bad: tuple[str, ...]                        # keys still invalid (or required and empty)
    mismatches: tuple[CarrierMismatch, ...]     # numbers of another carrier (a warning)


def check_fields(product: Product, values: Mapping[str, str], t: Texts) -> FieldsChecked:
    """Each account field as typed: an error in red, a number of another carrier in the
    warning colour, the carrier or OK in green, nothing while empty."""
    said: dict[str, Text | str] = {}
    bad: list[str] = []
    mismatches: list[CarrierMismatch] = []
    for f in product.account_fields:
        raw = values[f.key]
        if not raw.strip():
            said[f.key] = ""
            if f.required:
                bad.append(f.key)
            continue
        value, err = check_value(f, raw, values)
        mismatch = carrier_mismatch(product, f.key, value) if err is None and f.rule is Rule.MOBILE else None
        if err is not None:
            said[f.key] = Text(t.show(err.msg), style="red")
            bad.append(f.key)
        elif mismatch is not None:
            mismatches.append(mismatch)
            said[f.key] = Text(t.show(mismatch.msg), style="bold yellow")
        elif f.rule is Rule.MOBILE and carrier_of(value):
            said[f.key] = Text(t("checkout.carrier", carrier=carrier_label(carrier_of(value) or "")), style="green")
        else:
            said[f.key] = Text(t("checkout.field_ok"), style="green")
    return FieldsChecked(said, tuple(bad), tuple(mismatches))
