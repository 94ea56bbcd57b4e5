"""What `ledger verify` found, as values: a kind and where (seq, order, column), with
the data that names it, rendered in the reader's language only when shown.

Scripts read `kind` (`--json`), people read `text(lang)`: the two never drift, since
the text is made from the same fields (messages/verify.py, `verify.<kind>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from kameng_tui.messages import Localized, Msg

ProblemKind = Literal[
    "event_missing",        # seq: the first missing one; detail: the seq that follows it
    "chain_break",          # seq: its prev_hash is not the hash of the event before it
    "hash_mismatch",        # seq (order_no): its content does not hash to its stored hash; detail: the event's kind
    "projection_diff",      # order_no, column: the orders row differs; detail: "orders / events" values
    "order_missing",        # order_no: created in the events, no orders row
    "order_unfounded",      # order_no: an orders row no event created
    "order_created_twice",  # order_no
    "attempt_diff",         # order_no (the attempt); detail: "attempt_of: table / events" of an order_attempts row
    "link_diff",            # detail: "sku: table / events" of an offer_links row the events do not make
    "projection_error",     # the events cannot be folded (detail: SQLite's message), e.g. a body that is not JSON
    "quick_check",          # detail: what SQLite's PRAGMA quick_check said
    "anchor_missing",       # detail: the copy (head, state)
    "anchor_unreadable",    # detail: the copy
    "anchor_other_ledger",  # detail: the copy
    "anchor_ahead",         # seq: the copy's seq, past the chain's end; detail: the copy
    "anchor_mismatch",      # seq: the chain's hash there is not the copy's; detail: the copy
    "checkpoint_mismatch",  # seq: the checkpoint's; detail: unreadable, other_ledger, ahead or other_hash
]
KINDS: tuple[str, ...] = get_args(ProblemKind)
CHAIN_KINDS = frozenset({"event_missing", "chain_break", "hash_mismatch"})
ANCHOR_KINDS = frozenset(k for k in KINDS if k.startswith("anchor_"))


@dataclass(frozen=True)
class Problem(Localized):
    kind: ProblemKind
    seq: int | None = None
    order_no: str | None = None
    column: str | None = None
    detail: str | None = None

    def msg(self) -> Msg:
        where = Msg(f"verify.where.{self.detail}") if self.kind in ANCHOR_KINDS else ""
        of_order = Msg("verify.of_order", order_no=self.order_no) if self.order_no else ""
        return Msg(f"verify.{self.kind}", seq=self.seq, order_no=self.order_no or "", column=self.column or "",
                   detail=self.detail or "", where=where, of_order=of_order)

    def text(self, lang: str = "zh") -> str:
        return self.msg().text(lang)

    def as_doc(self) -> dict[str, str | int | None]:
        """`--json`'s form (docs/cli-json.md)."""
        return {"kind": self.kind, "seq": self.seq, "order_no": self.order_no, "column": self.column,
                "detail": self.detail}
