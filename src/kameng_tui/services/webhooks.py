"""Webhooks from suppliers that can send them (`kameng-tui supplier listen`).

Polling by client order number stays the primary path; a webhook only makes it
faster. A webhook is applied only when its signature checks out (the adapter's
`parse_callback`) and only to an order still in flight, through the same
compare-and-set as every other transition: duplicates are no-ops, and an older update
arriving after a final one is ignored (a settled order is never re-opened); another
final state after a final one is recorded as an anomaly (evidence, never an overwrite).
A webhook that repeats the recorded state is checked too (an overcharge told in a
"still processing" webhook is an anomaly, though nothing moves). A
compare-and-set lost to another in-flight move (the sending process marking the order
unknown) is tried again from the state now recorded.

While the ledger refuses chained writes (it no longer holds its anchor: a restore not
yet accepted), every webhook is answered 503 and nothing is recorded: the supplier
sends it again later, and `reconcile` settles the order once the restore is accepted.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Protocol

from kameng_tui.domain.errors import AnchorMismatch, AuthFailed, KamengError
from kameng_tui.domain.states import IN_FLIGHT, OrderState
from kameng_tui.ledger.ports import MetaStore, OrderStore
from kameng_tui.services.engine import OrderEngine
from kameng_tui.services.supplier_set import SupplierSet
from kameng_tui.suppliers.base import OrderResult, RemoteState
from kameng_tui.suppliers.factory import ParsesCallbacks

log = logging.getLogger(__name__)


class HookLedger(OrderStore, MetaStore, Protocol):
    """The orders a callback moves, and the anchor that may refuse every write."""


@dataclass(frozen=True)
class HookDeps:
    """What applying a webhook needs: the supplier that verifies it, the ledger, the engine that records it."""

    ledger: HookLedger
    suppliers: SupplierSet
    engine: OrderEngine


MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class HookOutcome:
    status: int
    text: str


def apply_callback(deps: HookDeps, supplier_name: str, headers: dict[str, str], body: bytes) -> HookOutcome:
    supplier = deps.suppliers.get(supplier_name)
    if not isinstance(supplier, ParsesCallbacks):
        return HookOutcome(404, "this supplier sends no webhooks")
    try:
        result = supplier.parse_callback(headers, body)
    except KamengError as exc:
        log.warning("webhook from %s refused: %s", supplier_name, exc.message_en)
        return HookOutcome(401 if isinstance(exc, AuthFailed) else 400, exc.message_en)
    if result is None:
        return HookOutcome(200, "pong")
    refused = deps.ledger.anchor_problem()
    if refused is not None:
        return _refused(supplier_name, refused)
    try:
        return _apply(deps, supplier_name, result)
    except AnchorMismatch as exc:         # the anchor went while this one was applied
        return _refused(supplier_name, exc)


def _refused(supplier_name: str, exc: AnchorMismatch) -> HookOutcome:
    log.warning("webhook from %s not recorded, the ledger refuses writes: %s", supplier_name, exc.message_en)
    return HookOutcome(503, "ledger refuses writes until the restore is accepted (kameng-tui ledger accept-restore)")


def _apply(deps: HookDeps, supplier_name: str, result: OrderResult) -> HookOutcome:
    wanted = WANTED.get(result.state)
    for _ in range(3):
        order = deps.ledger.get(result.client_order_no)
        if order is None or order.supplier != supplier_name:
            log.warning("webhook from %s for an order the ledger lacks: %s", supplier_name, result.client_order_no)
            return HookOutcome(200, "unknown order (see reconcile --diff)")
        if order.state in FINAL and wanted in FINAL and wanted is not order.state:
            # A webhook that contradicts a final state: evidence (an anomaly), never an overwrite.
            deps.engine.note_anomaly(order.order_no, "final_contradicted",
                                    {"recorded": order.state.value, "said": wanted.value}, result.reason)
            return HookOutcome(200, "contradicts the recorded state (anomaly recorded)")
        if wanted is order.state and (order.state in IN_FLIGHT or order.state in FINAL):
            # Nothing to move, yet what it says is checked: a lie in a repeated state is
            # evidence too (an anomaly; the same one is recorded once).
            deps.engine.checked(order, result)
            return HookOutcome(200, "no change")
        if order.state not in IN_FLIGHT or wanted is None:
            return HookOutcome(200, "ignored")
        after = deps.engine.apply(order, order.state, result)
        log.info("webhook %s: %s -> %s", order.order_no, order.state.value, after.state.value)
        if after.state is wanted or after.state not in IN_FLIGHT:
            return HookOutcome(200, after.state.value)
        # The sender moved it meanwhile (submitted -> unknown when its reply was lost):
        # read it again rather than drop news that would settle it now.
    return HookOutcome(200, after.state.value)


WANTED = {RemoteState.PROCESSING: OrderState.PROCESSING, RemoteState.SUCCEEDED: OrderState.SUCCEEDED,
          RemoteState.FAILED: OrderState.FAILED}
"""The state a webhook's news moves an in-flight order to."""
FINAL = (OrderState.SUCCEEDED, OrderState.FAILED)


class WebhookListener:
    """A small HTTP/1.1 receiver on 127.0.0.1 (asyncio streams, no framework)."""

    def __init__(self, deps: HookDeps, supplier_name: str, port: int = 0) -> None:
        deps.suppliers.get(supplier_name)              # a clear error now, not at the first webhook
        self.deps, self.name, self.port = deps, supplier_name, port
        self.server: asyncio.base_events.Server | None = None
        self.received = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def serve_until_stopped(self) -> None:
        assert self.server is not None
        async with self.server:
            await self.server.serve_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    line = await asyncio.wait_for(reader.readline(), 30)
                except (asyncio.TimeoutError, ConnectionError):
                    return
                if not line:
                    return
                parts = line.decode("latin-1").split()
                headers: dict[str, str] = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip()] = v.strip()
                length = int(headers.get("Content-Length") or headers.get("content-length") or 0)
                if length > MAX_BODY or len(parts) < 2:
                    await self._send(writer, 413 if length > MAX_BODY else 400, "bad request", close=True)
                    return
                body = await reader.readexactly(length) if length else b""
                if parts[0] != "POST":
                    out = HookOutcome(405, "POST only")
                else:
                    self.received += 1
                    try:
                        out = apply_callback(self.deps, self.name, headers, body)
                    except Exception as exc:  # a webhook must never take the listener down
                        log.exception("webhook handling failed")
                        out = HookOutcome(500, type(exc).__name__)
                close = headers.get("Connection", headers.get("connection", "")).lower() == "close"
                await self._send(writer, out.status, out.text, close=close)
                if close:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            return
        finally:
            writer.close()

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, status: int, text: str, close: bool = False) -> None:
        body = text.encode("utf-8")
        head = (f"HTTP/1.1 {status} X\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
                + ("Connection: close\r\n" if close else "") + "\r\n").encode()
        writer.write(head + body)
        await writer.drain()

    async def aclose(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
