"""Errors that reach people: a stable English code plus a message from the catalog.

    raise BadInput(Msg("err.cli.port", value=port), field="port")

The message is a `Msg` (key + parameters, kameng_tui.messages) rendered in the
reader's language by `.text(lang)`; `.message` (zh) and `.message_en` stay for code
that reads them. An order's reason in the ledger is data, never this text
(domain/reasons.py).

A handler tells errors apart by class (`except PriceRose`), never by comparing or
setting `code`: `code` is a class attribute, the stable English name faces print.

Two families share some codes and must not be confused:
- Pre-check (a `BadInput`, exit 2): our own checks before anything is recorded
  found the order cannot go (`PriceRose`, `StockShort`, ...; `QuoteFailed` when the
  fresh quote itself failed). Nothing was recorded or sent.
- Supplier refusal (a `SupplierError`, exit 1 when `final`): the supplier answered a
  sent order with no (`PriceChanged`, `OutOfStock`, ...). The order is recorded.
Supplier adapters map their upstream's errors onto the shared supplier set below;
services decide what each means for an order (see `SupplierError.final` and
`SupplierError.nothing_created`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from kameng_tui.messages import HasMsg, Localized, Msg, Plain

if TYPE_CHECKING:
    from decimal import Decimal


class KamengError(HasMsg, Exception):
    """Base for every error a user may see. Never carries a secret: no secret goes
    into a message's parameters."""

    code = "error"
    exit_code = 2

    def __init__(
        self,
        message: Localized | str,
        *,
        message_en: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> None:
        # A str (with `message_en=`) is for third-party adapters without catalog keys;
        # ours pass a Msg (tests/test_messages.py fails on any inline CJK in src).
        self.msg: Localized = message if isinstance(message, Localized) else Plain(message, message_en)
        super().__init__(self.msg.text("zh"))
        self.field = field
        self.line = line

    def text(self, lang: str = "zh") -> str:
        return self.msg.text(lang)

    def details(self) -> dict[str, object]:
        """Typed fields a face shows next to the code (the CLI's JSON error object)."""
        return {}


class BadInput(KamengError):
    """Bad user input: nothing recorded, exit 2."""

    code = "bad_input"


class PriceBelowCost(BadInput):
    """An explicit sale price below the unit cost, without `allow_loss` (`--allow-loss`,
    a batch line's `allow_loss` column, the TUI's second confirmation). `--yes` does not
    imply it: a typo in a price must not become a sale at a loss."""

    code = "price_below_cost"

    def __init__(self, message: Localized | str, *, cost: "Decimal", price: "Decimal", **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords, passed on
        self.cost = cost
        self.price = price


# --- idempotency guards, raised by the store inside the intent's write transaction ---


class RefTaken(BadInput):
    """The ref already names an order (`order_no`, its latest attempt)."""

    code = "ref_taken"

    def __init__(self, message: Localized | str, *, order_no: str, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords, passed on
        self.order_no = order_no

    def details(self) -> dict[str, object]:
        return {"order_no": self.order_no}


class RefExists(RefTaken):
    """The ref already names an order with the same values: nothing new was recorded;
    the caller answers with that order (`existed`), it is no error for the user."""

    code = "ref_exists"


class RefConflict(RefTaken):
    """The ref already names an order with other values (SKU, account, quantity or price)."""

    code = "ref_conflict"


class RepeatOrder(BadInput):
    """The same SKU for the same account within the repeat window; `again` overrides."""

    code = "repeat_order"

    def __init__(self, message: Localized | str, *, previous: str, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords, passed on
        self.previous = previous

    def details(self) -> dict[str, object]:
        return {"previous": self.previous}


class RepeatBatch(BadInput):
    """The same batch (same lines) was recorded before as `batch_id`; `again` overrides."""

    code = "repeat_batch"

    def __init__(self, message: Localized | str, *, batch_id: int, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords, passed on
        self.batch_id = batch_id

    def details(self) -> dict[str, object]:
        return {"batch_id": self.batch_id}


class RepeatBatchUnsettled(RepeatBatch):
    """`again` while the earlier run of the same batch still has unsettled lines."""

    code = "repeat_batch_unsettled"


class ConfigError(KamengError):
    code = "config_error"


class NotFound(KamengError):
    code = "not_found"


class LedgerBusy(KamengError):
    code = "ledger_busy"
    exit_code = 5


class LedgerTampered(KamengError):
    code = "ledger_tampered"
    exit_code = 4


class AnchorMismatch(LedgerTampered):
    """A chained write refused by the store: the ledger no longer holds the anchored
    seq with the anchored hash (an older copy restored, events removed, an anchor
    deleted). Raised inside the write transaction, so nothing was recorded. `where`
    is the copy that disagrees ("head": ledger.head beside the database, "state": the
    copy in the state directory); `reason` is missing, unreadable, other_ledger,
    ahead (the chain ends before the anchored seq) or other_hash. The way on is
    `ledger accept-restore` (services/restore.py)."""

    code = "anchor_mismatch"

    def __init__(self, *, where: str, reason: str, anchored_seq: int, anchored_hash: str, chain_seq: int,
                 chain_hash: str | None) -> None:
        self.where, self.reason = where, reason
        self.anchored_seq, self.anchored_hash = anchored_seq, anchored_hash
        self.chain_seq, self.chain_hash = chain_seq, chain_hash
        super().__init__(Msg("err.ledger.anchor_mismatch", why=self.why()))

    def why(self) -> Msg:
        """What is wrong, without saying what to do: each face adds its own way on."""
        return Msg(f"anchor.{self.reason}", where=Msg(f"anchor.where.{self.where}"), seq=self.anchored_seq,
                   chain_seq=self.chain_seq, hash=self.anchored_hash[:8])


class ChainBroken(LedgerTampered):
    """accept-restore refused: the chain itself is broken (edited or missing events, a
    projection that differs, a damaged file), so there is nothing valid to move on to."""

    code = "chain_broken"

    def __init__(self, message: Localized, *, problems: tuple[Localized, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems              # verify's (ledger/problems.py), each naming a seq, an order or the anchor


class SecretsUnavailable(KamengError):
    code = "secrets_unavailable"


class SecretMissing(SecretsUnavailable):
    """A configured supplier with no secret stored for it, nor in the environment: the fix
    is on this machine (`supplier secret NAME`). Same code as any SecretsUnavailable."""


class NoDataKey(SecretsUnavailable):
    """A 卡密 (or address) order refused before the intent: no data key to seal it with.
    Same code; the TUI answers it with its key-file dialog instead of the CLI's fix."""


class BadEnvValue(BadInput):
    """An environment variable we read (KAMENG_TUI_NOW, ...) holds a value we cannot use;
    `field` names the variable."""

    code = "bad_env"


class StorageError(KamengError):
    """The machine failed us: a write to the data dir or a file did not happen (I/O error).

    `path` is the file or directory concerned. Exit 2 when nothing was ordered; the CLI
    says what happened to the orders of the command when some were (cli/failures.py)."""

    code = "storage_error"

    def __init__(self, message: Localized | str, *, path: str | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords, passed on
        self.path = path


class DiskFull(StorageError):
    """SQLITE_FULL or ENOSPC/EDQUOT."""

    code = "disk_full"


class ReadOnlyStorage(StorageError):
    """SQLITE_READONLY or EROFS/EACCES/EPERM: reads still work, writes cannot."""

    code = "read_only"


class Interrupted(KamengError):
    """Ctrl-C (SIGINT)."""

    code = "interrupted"
    exit_code = 130


class InternalError(KamengError):
    """A bug: anything that is not one of the errors above. Exit 70 only when no order
    was submitted during the command (cli/failures.py)."""

    code = "internal"
    exit_code = 70


# --- the shared supplier error set (DESIGN.md "Suppliers are plugins") ----------


class SupplierError(KamengError):
    """An upstream said no, or could not be understood.

    final:           the supplier refused the order definitively; nothing charged.
    nothing_created: rejected before the order was read (auth, skew, rate limit);
                     the same number may be sent again later.
    Neither:         the outcome is unknown -> reconcile by query.
    """

    code = "supplier_error"
    exit_code = 1
    final = False
    nothing_created = False
    upstream_code: str | None = None   # the upstream's own error code, when an adapter keeps it (Fulu: "3001")

    def __init__(self, message: Localized | str, *, raw: str | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords, passed on
        self.raw = raw

    def supplier_text(self) -> str | None:
        """The upstream's own words in this error, where it gave some: the `said`
        parameter our adapters put them in, or a third-party adapter's plain message.
        Not cleaned here (domain/reasons.py cleans what goes into an event)."""
        said = self.msg.params.get("said") if isinstance(self.msg, Msg) else None
        if isinstance(said, str):
            return said or None
        if isinstance(self.msg, Plain):
            return self.msg.zh or self.msg.en or None
        return None


class InsufficientBalance(SupplierError):
    """Supplier refusal: our balance at the supplier does not cover the order.
    Its pre-check twin is BalanceShort (our own balance check before recording)."""

    code = "insufficient_balance"
    final = True


class OutOfStock(SupplierError):
    """Supplier refusal: not enough stock for a sent order. Its pre-check twin
    is StockShort (the quoted stock, before recording)."""

    code = "out_of_stock"
    final = True


class OffShelf(SupplierError):
    """Supplier refusal: the product is not on sale (a sent order, or a quote).
    Its pre-check twin is NotOnSale (the quoted sale status, before recording)."""

    code = "off_shelf"
    final = True


class BadAccount(SupplierError):
    """Supplier refusal: the supplier rejects the account fields of a sent
    order. Its pre-check twin is AccountInvalid (our own field rules, before recording)."""

    code = "bad_account"
    final = True


class PriceChanged(SupplierError):
    """Supplier refusal: the unit cost rose above the request's `max_unit_cost`
    at the supplier. Its pre-check twin is PriceRose (the fresh quote, before recording)."""

    code = "price_changed"
    final = True


class DuplicateOrderNo(SupplierError):
    """The number already exists upstream: the first attempt arrived. Query it."""

    code = "duplicate_order_no"


class RateLimited(SupplierError):
    code = "rate_limited"
    nothing_created = True

    def __init__(self, message: Localized | str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords, passed on
        self.retry_after = retry_after


class AuthFailed(SupplierError):
    code = "auth_failed"
    nothing_created = True


class ClockSkew(SupplierError):
    code = "clock_skew"
    nothing_created = True

    def __init__(self, message: Localized | str, *, skew_s: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords, passed on
        self.skew_s = skew_s


REFUSED_US = (AuthFailed, ClockSkew)
"""The supplier answered but refused our key id, secret or clock: every further request
would be refused the same way until we fix it (a batch stops, settings say so)."""


class OutcomeUnknown(SupplierError):
    """Timeout after send, connection lost, malformed or badly signed reply."""

    code = "outcome_unknown"
    exit_code = 3


class SupplierUnavailable(SupplierError):
    """The request provably never left (connect refused, DNS): safe to retry later."""

    code = "supplier_unavailable"
    nothing_created = True


# --- pre-checks: the checkout's own checks before anything is recorded (exit 2) ---------


class PriceRose(BadInput):
    """Pre-check: the fresh quote `new` is above the unit cost the reseller saw (`old`)
    by more than `[checkout] max_price_rise`; nothing recorded. The TUI shows the new
    price and lets Enter order at it. Its supplier-refusal twin is PriceChanged."""

    code = "price_changed"

    def __init__(self, message: Localized, *, old: Decimal, new: Decimal, field: str | None = "price",
                 line: int | None = None) -> None:
        super().__init__(message, field=field, line=line)
        self.old = old
        self.new = new


class StockShort(BadInput):
    """Pre-check: the quoted stock is below the quantity; nothing recorded. Its
    supplier-refusal twin is OutOfStock."""

    code = "out_of_stock"

    def __init__(self, message: Localized, *, stock: int, quantity: int, field: str | None = "quantity",
                 line: int | None = None) -> None:
        super().__init__(message, field=field, line=line)
        self.stock = stock
        self.quantity = quantity


class NotOnSale(BadInput):
    """Pre-check: the quoted product is not on sale (`status`, the SaleStatus value);
    nothing recorded. Its supplier-refusal twin is OffShelf."""

    code = "off_shelf"

    def __init__(self, message: Localized, *, status: str, field: str | None = "sku", line: int | None = None) -> None:
        super().__init__(message, field=field, line=line)
        self.status = status


class AccountInvalid(BadInput):
    """Pre-check: the account fields break the product's rules (domain/accounts.py);
    `field` is the first bad one, `fields` all of them; nothing recorded. Its
    supplier-refusal twin is BadAccount."""

    code = "bad_account"

    def __init__(self, message: Localized, *, fields: tuple[str, ...], line: int | None = None,
                 asks: tuple[tuple[str, Localized], ...] = ()) -> None:
        super().__init__(message, field=fields[0] if fields else None, line=line)
        self.fields = fields
        self.asks = asks        # the product's fields as (key, label in either language): what a face tells the user to give


class BalanceShort(BadInput):
    """Pre-check: `needed` (this order plus what unsettled orders may still take) is
    above the supplier balance `available`; nothing recorded. Its supplier-refusal
    twin is InsufficientBalance."""

    code = "insufficient_balance"

    def __init__(self, message: Localized, *, needed: Decimal, available: Decimal, field: str | None = "quantity",
                 line: int | None = None) -> None:
        super().__init__(message, field=field, line=line)
        self.needed = needed
        self.available = available


class QuoteFailed(BadInput):
    """Pre-check: asking the supplier for a fresh quote failed (`cause`, the supplier's
    error); nothing recorded, exit 2 whatever the cause. The code is the cause's
    (`off_shelf`, `supplier_unavailable`, ...) so scripts see what the supplier said:
    `QuoteFailed.of` makes one subclass per supplier error class, once, whose `code`
    is that class's, so `code` stays a class attribute and `except QuoteFailed`
    catches every one."""

    code = "supplier_error"
    cause_class: ClassVar[type[SupplierError]] = SupplierError

    def __init__(self, message: Localized, *, cause: SupplierError, field: str | None = None,
                 line: int | None = None) -> None:
        super().__init__(message, field=field, line=line)
        self.cause = cause
        self.suggestions: tuple[str, ...] = ()      # did you mean: SKUs near an unknown one

    def details(self) -> dict[str, object]:
        return {"suggestions": list(self.suggestions)} if self.suggestions else {}

    @classmethod
    def of(cls, cause: SupplierError, message: Localized, *, field: str | None = None,
           line: int | None = None) -> QuoteFailed:
        kind = _QUOTE_FAILED.get(type(cause))
        if kind is None:
            name = f"QuoteFailed_{type(cause).__name__}"
            kind = type(name, (QuoteFailed,), {"code": type(cause).code, "cause_class": type(cause),
                                               "__doc__": f"QuoteFailed with the code of {type(cause).__name__}.",
                                               "__module__": __name__})
            _QUOTE_FAILED[type(cause)] = kind
        return kind(message, cause=cause, field=field, line=line)


_QUOTE_FAILED: dict[type[SupplierError], type[QuoteFailed]] = {SupplierError: QuoteFailed}


class Declined(BadInput):
    """The person said no at the confirmation prompt; nothing recorded."""

    code = "cancelled"


class NoSuchOrder(BadInput):
    """An order number given as input names no order (`order resume`); exit 2. Unlike
    NotFound, it is the person's input that is wrong."""

    code = "not_found"

    def __init__(self, message: Localized, *, order_no: str, field: str | None = "order_no") -> None:
        super().__init__(message, field=field)
        self.order_no = order_no


class NoSuchBatch(BadInput):
    """A batch id given as input names no batch (`batch show|resume|cancel`); exit 2."""

    code = "not_found"

    def __init__(self, message: Localized, *, batch_id: int, field: str | None = "batch") -> None:
        super().__init__(message, field=field)
        self.batch_id = batch_id
