"""One class decorator for both stores: every public method turns a driver's exception
that is a failure of the machine or the server into its typed error (domain/errors.py),
so nothing outside ledger/ meets sqlite3's or psycopg's exceptions. Any other driver
error (a bug) is raised as it is. Context managers (and `skip`) are left alone: what
fails inside their block is a method's own."""

from __future__ import annotations

import functools
import inspect
import logging
from typing import Any, Callable, TypeVar

from kameng_tui.domain.errors import KamengError

log = logging.getLogger(__name__)
T = TypeVar("T")
Classify = Callable[[BaseException, Any], "KamengError | None"]


def typed_errors(driver_error: Callable[[], type[BaseException]], classify: Classify, where: Callable[[Any], Any],
                 skip: tuple[str, ...] = ()) -> Callable[[type[T]], type[T]]:
    """`driver_error()`: the driver's base exception class (a function, so the driver is
    imported only when a method fails); `classify(exc, where(self))`: the typed error, or
    None for a bug; `where(self)`: the place the message names."""

    def decorate(cls: type[T]) -> type[T]:
        for name in dir(cls):
            if name.startswith("_") or name in skip:
                continue
            fn = inspect.getattr_static(cls, name)
            if inspect.isfunction(fn) and not hasattr(fn, "__wrapped__"):
                setattr(cls, name, _typed(fn, driver_error, classify, where))
        return cls

    return decorate


def _typed(fn: Callable[..., Any], driver_error: Callable[[], type[BaseException]], classify: Classify,
           where: Callable[[Any], Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except Exception as exc:
            if not isinstance(exc, driver_error()):
                raise
            found = classify(exc, where(self))
            if found is None:
                raise
            code = getattr(exc, "sqlite_errorname", None) or getattr(exc, "sqlstate", None) or ""
            log.warning("storage failure: %s %s", type(exc).__name__, code)   # never the text: it may name data
            raise found from None

    return method          # functools.wraps set __wrapped__: a second decoration skips it
