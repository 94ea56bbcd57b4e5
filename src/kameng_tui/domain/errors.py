"""Errors that reach people: a stable English code plus a message from the catalog.

    raise BadInput(Msg("err.cli.port", value=port), field="port")

The message is a `Msg` (key + parameters, kameng_tui.messages) rendered in the
reader's language by `.text(lang)`; `.message` (zh) and `.message_en` stay for code
that reads them, and `.message` is what goes into the ledger as an order's reason.

Supplier adapters map their upstream's errors onto the shared set below; services
decide what each means for an order (see `SupplierError.final` and
`SupplierError.nothing_created`).
"""

from __future__ import annotations

from kameng_tui.messages import HasMsg, Localized, Plain


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


# --- idempotency guards, raised by the store inside the intent's write transaction ---


class RefTaken(BadInput):
    """The ref already names an order (`order_no`, its latest attempt)."""

    code = "ref_taken"

    def __init__(self, message: Localized | str, *, order_no: str, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
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
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.previous = previous

    def details(self) -> dict[str, object]:
        return {"previous": self.previous}


class RepeatBatch(BadInput):
    """The same batch (same lines) was recorded before as `batch_id`; `again` overrides."""

    code = "repeat_batch"

    def __init__(self, message: Localized | str, *, batch_id: int, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
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


class SecretsUnavailable(KamengError):
    code = "secrets_unavailable"


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

    def __init__(self, message: Localized | str, *, raw: str | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.raw = raw


class InsufficientBalance(SupplierError):
    code = "insufficient_balance"
    final = True


class OutOfStock(SupplierError):
    code = "out_of_stock"
    final = True


class OffShelf(SupplierError):
    code = "off_shelf"
    final = True


class BadAccount(SupplierError):
    code = "bad_account"
    final = True


class PriceChanged(SupplierError):
    code = "price_changed"
    final = True


class DuplicateOrderNo(SupplierError):
    """The number already exists upstream: the first attempt arrived. Query it."""

    code = "duplicate_order_no"


class RateLimited(SupplierError):
    code = "rate_limited"
    nothing_created = True

    def __init__(self, message: Localized | str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class AuthFailed(SupplierError):
    code = "auth_failed"
    nothing_created = True


class ClockSkew(SupplierError):
    code = "clock_skew"
    nothing_created = True

    def __init__(self, message: Localized | str, *, skew_s: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
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
