"""Supplier balances: fetched on demand, kept as snapshots in the ledger, so the
last known balance shows offline, and a low balance warns before a batch.

Balance drift (issue 14): between two snapshots with no order in flight at either, the
balance must fall by what the ledger's orders settled in between were charged (net of
refunds). Money gone beyond that is an `anomaly` (and a claim): the one check that
catches an order a supplier holds and never told us about, where it cannot list orders.
A rise (a top-up) is not flagged."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Callable, Protocol, TypeVar

from kameng_tui.domain.errors import (AnchorMismatch, AuthFailed, ClockSkew, ConfigError, KamengError,
                                      SecretMissing, SecretsUnavailable)
from kameng_tui.domain.team_errors import SupplierIdentityMismatch
from kameng_tui.domain.money import fmt, money
from kameng_tui.domain.states import IN_FLIGHT, OrderState
from kameng_tui.ledger.ports import BalanceStore, OrderStore
from kameng_tui.services.supplier_set import SupplierSet
from kameng_tui.services.engine import OrderEngine
from kameng_tui.domain.clock import Clock
from kameng_tui.messages import Localized
from kameng_tui.services.config_cell import ConfigCell, ReadsConfig

log = logging.getLogger(__name__)
T = TypeVar("T")


def available_of(balance: Decimal | None, unsettled: Decimal) -> Decimal | None:
    """What can still be spent at a supplier: its balance less what unsettled orders
    (pending and in flight) may still take; None without a balance. The one definition:
    the checkout's balance check, `balance`'s available column and the TUI's summaries
    (App.available) all come here."""
    return None if balance is None else balance - unsettled


class BalanceLedger(OrderStore, BalanceStore, Protocol):
    """The balance snapshots, and the orders whose cost the supplier has not settled yet."""


@dataclass(frozen=True)
class BalanceView:
    supplier: str
    amount: Decimal | None
    at: datetime | None
    live: bool                     # False = last snapshot (supplier unreachable or refusing us)
    unsettled: Decimal             # what pending/in-flight orders may still take
    low: bool
    error: str | None = None       # "unreachable"; "no_secret" (never asked: none stored here); or it answered but
    #                                refused our key ("refused") or clock ("clock");
    #                                "identity": a team ledger's supplier this terminal may not ask (another account)
    problem: Localized | None = None   # why not live, in words (the error's own message; None: a timeout)
    code: str | None = None        # why not live, as the shared error code (docs/cli-json.md); None when live

    @property
    def refused(self) -> bool:
        """It answered, but refused us: fixed in our settings or clock, not by waiting."""
        return self.error in ("refused", "clock", "identity")

    @property
    def available(self) -> Decimal | None:
        return available_of(self.amount, self.unsettled)


@dataclass(frozen=True)
class WhyNot:
    """Why a supplier's balance is not live: BalanceView's `error`, `code` and `problem`."""

    word: str                      # "unreachable", "no_secret", "refused", "clock", "identity"
    code: str                      # the shared error code: supplier_unavailable, auth_failed, ...
    message: Localized | None


def why_not(exc: BaseException) -> WhyNot:
    """A failed balance call in the words and code the faces show: a supplier that refused
    our key or clock, a team ledger's supplier configured here as another account (the
    same message `order` and `reconcile` give, naming what differs), else unreachable."""
    message = exc.msg if isinstance(exc, KamengError) else None
    if isinstance(exc, SupplierIdentityMismatch):
        return WhyNot("identity", exc.code, message)
    if isinstance(exc, ClockSkew):
        return WhyNot("clock", exc.code, message)
    if isinstance(exc, AuthFailed):
        return WhyNot("refused", exc.code, message)
    if isinstance(exc, SecretMissing):                          # never asked: no secret stored here
        return WhyNot("no_secret", exc.code, message)
    if isinstance(exc, (ConfigError, SecretsUnavailable)):      # ours to fix: its own code (as `supplier test`)
        return WhyNot("unreachable", exc.code, message)
    return WhyNot("unreachable", "supplier_unavailable", message)


class BalanceService(ReadsConfig):
    def __init__(self, ledger: BalanceLedger, suppliers: SupplierSet, engine: OrderEngine, clock: Clock,
                 config: ConfigCell) -> None:
        self.ledger, self.suppliers, self.engine, self.clock, self._config = ledger, suppliers, engine, clock, config

    async def fetch(self, supplier: str) -> Decimal | None:
        """The live balance (recorded as a snapshot), or None if unavailable."""
        return (await self._fetch(supplier))[0]

    async def _fetch(self, supplier: str) -> tuple[Decimal | None, WhyNot | None]:
        """(balance, None), or (None, why not)."""
        amount, why = await self._ask(supplier)
        if amount is not None:
            await asyncio.to_thread(self._snapshot, supplier, amount)     # the ledger off the event loop
        return amount, why

    async def _ask(self, supplier: str) -> tuple[Decimal | None, WhyNot | None]:
        """The supplier's answer alone (nothing recorded)."""
        try:
            sup = self.suppliers.get(supplier)
            async with asyncio.timeout(self.engine.call_deadline_s):
                amount = money(await sup.balance())
        except (KamengError, TimeoutError, asyncio.TimeoutError) as exc:
            log.info("balance of %s unavailable: %s", supplier, exc)
            return None, why_not(exc)
        return amount, None

    def _snapshot(self, supplier: str, amount: Decimal) -> None:
        """Check the drift since the last snapshot and record this balance as the new one."""
        last = self.ledger.last_balance(supplier)
        if last is not None:
            try:
                self._check_drift(supplier, last[0], last[1], amount)
            except AnchorMismatch:
                # The ledger refuses chained writes (a restore not yet accepted): the drift
                # cannot be recorded now, so keep the older snapshot that shows it, and the
                # check finds it again once the restore is accepted.
                return
        if last is None or last[0] != amount:
            self.ledger.record_balance(supplier, amount, at=self.clock.now())

    def _check_drift(self, supplier: str, before: Decimal, since: datetime, after: Decimal) -> None:
        if self.ledger.in_flight(supplier):
            return                                   # in flight now: its charge may land any moment
        orders = self.ledger.sent_since(supplier, since)
        if any(o.state in IN_FLIGHT for o in orders):
            return                                   # in flight now: its charge may land any moment
        if any(o.state is not OrderState.PENDING and o.submitted_at is not None and o.submitted_at <= since
               for o in orders):
            return                                   # in flight at the earlier snapshot
        settled = [o for o in orders if o.settled_at is not None and o.settled_at > since]
        if any(o.state is OrderState.REFUNDED for o in settled):
            return                                   # a refund of an older charge: the window says nothing
        charged = sum((o.net_cost for o in settled), Decimal("0"))
        missing = money(before - charged - after)
        if missing <= 0:
            return
        params = {"supplier": supplier, "before": fmt(before), "after": fmt(after), "charged": fmt(charged),
                  "missing": fmt(missing), "since": since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if any(e.body.get("code") == "balance_drift" and e.body.get("params") == params
               for e in self.ledger.ledger_anomalies()):
            return
        log.warning("balance of %s fell %s more than the ledger charged", supplier, fmt(missing))
        self.engine.note_anomaly(None, "balance_drift", params)

    async def available(self, supplier: str) -> Decimal | None:
        """The live balance less what unsettled orders may still take (`available_of`)."""
        return (await self.available_and(supplier, None))[0]

    async def available_and(self, supplier: str, also: Callable[[], T] | None) -> tuple[Decimal | None, T | None]:
        """`available`, and the caller's own ledger read `also` in the same trip off the
        event loop (the checkout's repeat check): one thread hop a checkout, not two.
        Without a live balance only `also` is read (no trip when there is none)."""
        balance, _ = await self._ask(supplier)
        if balance is None and also is None:
            return None, None

        def trip() -> tuple[Decimal | None, T | None]:
            unsettled = None
            if balance is not None:
                self._snapshot(supplier, balance)
                unsettled = self.ledger.unsettled_cost(supplier)
            return unsettled, (also() if also is not None else None)

        unsettled, extra = await asyncio.to_thread(trip)
        return (None if balance is None or unsettled is None else available_of(balance, unsettled)), extra

    async def view(self, supplier: str) -> BalanceView:
        amount, why = await self._fetch(supplier)
        unsettled = self.ledger.unsettled_cost(supplier)
        low_line = self.config.balance.low_warning
        if amount is not None or why is None:
            assert amount is not None                 # _ask gives a balance or why not, never neither
            return BalanceView(supplier, amount, self.clock.now(), True, unsettled, amount - unsettled < low_line)
        last = self.ledger.last_balance(supplier)
        if last is None:
            return BalanceView(supplier, None, None, False, unsettled, False, why.word, why.message, why.code)
        return BalanceView(supplier, last[0], last[1], False, unsettled, last[0] - unsettled < low_line,
                           why.word, why.message, why.code)

    async def all(self) -> list[BalanceView]:
        return list(await asyncio.gather(*(self.view(n) for n in self.suppliers.names)))
