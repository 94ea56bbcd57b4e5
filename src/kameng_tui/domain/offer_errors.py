"""The refusals of `match link` / `match unlink` (issue 18): typed, with the field a
script reads, exit 2 (nothing recorded)."""

from __future__ import annotations

from kameng_tui.domain.errors import BadInput, NotFound
from kameng_tui.messages import Joined, Localized, Msg


class UnknownSku(NotFound):
    """A SKU the synced catalog does not hold; `suggestions` are the nearest ones."""

    def __init__(self, sku: str, suggestions: tuple[str, ...], *, field: str = "sku") -> None:
        msg: Localized = Msg("err.catalog.no_sku", sku=sku)
        if suggestions:
            msg = Joined([msg, Msg("sku.did_you_mean", options=Joined(suggestions, "sep.enum"))])
        super().__init__(msg, field=field)
        self.suggestions = suggestions

    def details(self) -> dict[str, object]:
        return {"suggestions": list(self.suggestions)} if self.suggestions else {}


class LinkRefused(BadInput):
    """Two listings that state different values of a never-merge field: linking them
    would send the wrong goods. `field` names it (brand, face, delivery, ...)."""

    code = "link_refused"

    def __init__(self, name: str, sku: str, target: str, mine: str | None, theirs: str | None) -> None:
        super().__init__(Msg("err.match.field", field=Msg(f"offer.field.{name}"), sku=sku, target=target,
                             mine=mine or "-", theirs=theirs or "-"), field=name)
        self.values = (mine, theirs)

    def details(self) -> dict[str, object]:
        return {"values": list(self.values)}
