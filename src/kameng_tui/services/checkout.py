"""One order: validate -> re-quote -> intent -> submitted -> outcome.

Nothing is recorded until every check passed; from the intent on, nothing is lost:
the client order number is the idempotency key the supplier sees on every retry.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from decimal import Decimal
from typing import Callable, Mapping

from kameng_tui.domain.accounts import norm, validate_account, validate_quantity
from kameng_tui.domain.errors import (AccountInvalid, BadInput, BalanceShort, KamengError, NoDataKey, NoSuchOrder,
                                      NotOnSale, PriceBelowCost, PriceRose, QuoteFailed, OffShelf, RefConflict,
                                      RepeatOrder, StockShort, SupplierError)
from kameng_tui.domain.event_names import state_label
from kameng_tui.domain.field_names import field_label
from kameng_tui.domain.idempotency import ref_fingerprint
from kameng_tui.domain.models import Delivery, Order, Product, Rule
from kameng_tui.domain.money import fmt, money
from kameng_tui.domain.models import SaleStatus
from kameng_tui.domain.order_no import new_order_no
from kameng_tui.domain.order_text import LIMITS, text_problem
from kameng_tui.domain.states import IN_FLIGHT, OrderState
from kameng_tui.ledger.store import NewOrder, RepeatGuard
from kameng_tui.messages import Joined, Localized, Msg
from kameng_tui.ledger.ports import OrderStore
from kameng_tui.services.supplier_set import SupplierSet
from kameng_tui.services.engine import OrderEngine
from kameng_tui.domain.clock import Clock
from kameng_tui.services.config_cell import ConfigCell, ReadsConfig
from kameng_tui.ledger.ports import SendGate
from kameng_tui.services.command_orders import CommandOrders
from kameng_tui.services.balances import BalanceService
from kameng_tui.services.reconcile import ReconcileService
from typing import Any
from kameng_tui.services.crash import crash_point, pause_point
from kameng_tui.services.pricing import price_for
from kameng_tui.services.checkout_flow import CheckoutFlow, Placed, place_or_raise
from kameng_tui.services.failover import Failover, Offers
from kameng_tui.services.order_input import OrderInput, Prepared
from kameng_tui.services.offer_pick import OfferPicker, is_product_id
from kameng_tui.domain.offer_values import shown_id

from kameng_tui.suppliers.base import PlaceRequest, Quote, sanitize_quote

__all__ = ["CheckoutService", "OrderInput", "Prepared", "Placed", "SEALED_RULES", "Quotes"]

SEALED_RULES = (Rule.ADDRESS,)
"""Account fields kept encrypted at rest (shipping addresses), like card secrets."""



# Quotes fetched once per (supplier, product id, quantity) and shared by the lines of one check.
Quotes = dict[tuple[str, str, int], Quote]

class CheckoutService(ReadsConfig):
    def __init__(self, ledger: OrderStore, suppliers: SupplierSet, engine: OrderEngine, send_lock: SendGate,
                 balances: BalanceService, reconcile: ReconcileService, clock: Clock, config: ConfigCell,
                 sealer: Callable[[], Any], install_id: Callable[[], str], orders: CommandOrders) -> None:
        self.ledger, self.suppliers, self.engine, self.send_lock = ledger, suppliers, engine, send_lock
        self.balances, self.reconcile, self.clock, self._config = balances, reconcile, clock, config
        self.sealer, self._install_id, self.orders = sealer, install_id, orders
        # Did you mean, for an unknown SKU (CatalogService.suggest_skus; set where the graph is built).
        self.suggest: Callable[[str], tuple[str, ...]] = lambda sku: ()
        # Why a 卡密 order is refused without a usable key (DataKeyService.refusal; set there too).
        self.no_key: Callable[[], Msg] = lambda: Msg("err.checkout.no_data_key")
        # The offer policy (services/offer_pick.py; set where the graph is built): `order @ID`
        # and the guards keyed on the product. None: every order is its SKU, as before offers.
        self.picker: OfferPicker | None = None
        # An order's ranked offers from the local catalog (services/failover_offers.py; set
        # there too): what `order @ID` fails over to. None: no next offer is known.
        self.offers_of: Callable[[Order], Offers | None] = lambda order: None

    @property
    def install_id(self) -> str:
        return self._install_id()

    def _quote_failed(self, inp: OrderInput, exc: SupplierError) -> QuoteFailed:
        """The quote failed; a SKU the supplier does not have (OffShelf) that is near
        ones it does gets up to 3 suggestions, in the message and in `suggestions`."""
        msg: Localized = Msg("err.checkout.quote", sku=inp.sku, reason=exc.msg)
        suggestions = self.suggest(inp.sku) if isinstance(exc, OffShelf) else ()
        if suggestions:
            msg = Joined([msg, Msg("sku.did_you_mean", options=Joined(suggestions, "sep.enum"))])
        failed = QuoteFailed.of(exc, msg, field="sku", line=inp.line_no)
        failed.suggestions = suggestions
        return failed

    # --- validate and re-quote ---------------------------------------------------------
    async def prepare(
        self,
        inp: OrderInput,
        *,
        reserved: Decimal = Decimal("0"),
        check_balance: bool = True,
        quotes: Quotes | None = None,
        lenient: bool = False,
        early_repeat: bool = False,
    ) -> Prepared:
        """Validate and re-quote. `lenient`: only the fields and the price are worked out
        (an order asked for again under its ref is not refused for stock or sale status).
        `early_repeat`: the repeat window's early answer too, in `Prepared.repeat` (read
        with the balance's unsettled sum in one trip off the event loop)."""
        line = inp.line_no
        supplier_name, pid = self.suppliers.resolve_sku(inp.sku)
        supplier = self.suppliers.get(supplier_name)
        key = (supplier_name, pid, max(int(inp.quantity), 1))
        try:
            if quotes is not None and key in quotes:
                quote = quotes[key]
            else:
                quote = sanitize_quote(await supplier.quote(pid, key[2]), supplier_name)   # supplier text is untrusted
                if quotes is not None:
                    quotes[key] = quote
        except SupplierError as exc:
            raise self._quote_failed(inp, exc) from None
        product = quote.product
        if product.sale_status is not SaleStatus.ON and not lenient:
            raise NotOnSale(Msg("err.checkout.not_on_sale", name=product.name, status=product.sale_status.label),
                            status=product.sale_status.value, line=line)
        qerr = validate_quantity(product, inp.quantity)
        if qerr is not None:
            raise BadInput(qerr.msg, field="quantity", line=line)
        if product.stock is not None and product.stock < inp.quantity and not lenient:
            raise StockShort(Msg("err.checkout.stock", name=product.name, stock=product.stock), stock=product.stock,
                             quantity=inp.quantity, line=line)
        check = validate_account(product, inp.fields)
        if check.errors:
            raise AccountInvalid(Joined([e.msg for e in check.errors]), fields=tuple(e.field for e in check.errors),
                                 line=line, asks=tuple((f.key, field_label(f)) for f in product.account_fields))
        if product.delivery is Delivery.CARD or any(f.rule in SEALED_RULES for f in product.account_fields):
            if self.sealer() is None:
                raise NoDataKey(self.no_key())
        unit_cost = money(quote.unit_cost)
        rise = self.config.checkout.max_price_rise
        if inp.seen_unit_cost is not None and unit_cost - money(inp.seen_unit_cost) > rise and not lenient:
            raise PriceRose(Msg("err.checkout.price_rose", name=product.name, old=fmt(inp.seen_unit_cost),
                                new=fmt(unit_cost)), old=inp.seen_unit_cost, new=unit_cost, line=line)
        unit_price = money(inp.price) if inp.price is not None else price_for(self.config, product, unit_cost, inp.customer)
        self.check_input_text(inp)
        self.check_loss(inp, unit_cost, unit_price)
        sealed_keys = {f.key for f in product.account_fields if f.rule in SEALED_RULES}
        values = dict(check.values)
        prepared = Prepared(
            input=inp, product=product, unit_cost=unit_cost, unit_price=unit_price,
            account={k: v for k, v in values.items() if k not in sealed_keys},
            sealed={k: v for k, v in values.items() if k in sealed_keys},
            hints=tuple(getattr(check, "hints", ()) or ()),
            mismatches=check.mismatches,
        )
        repeat_of = (lambda: self._repeat_of(prepared)) if early_repeat else None
        repeat: RepeatOrder | None = None
        if check_balance:
            available, repeat = await self.balances.available_and(supplier_name, repeat_of)
            if available is not None and prepared.total_cost + reserved > available:
                raise BalanceShort(Msg("err.checkout.balance", needed=fmt(prepared.total_cost + reserved),
                                       available=fmt(available)),
                                   needed=prepared.total_cost + reserved, available=available, line=line)
        elif repeat_of is not None:
            repeat = await asyncio.to_thread(repeat_of)
        if early_repeat:
            prepared = dataclasses.replace(prepared, repeat=repeat)
        return prepared

    def _repeat_of(self, p: Prepared) -> RepeatOrder | None:
        """The repeat window's early answer for a prepared order (check_repeat), as a value."""
        try:
            self.check_repeat(p.input, p.product.sku, p.account.get("account", ""), self.account_view(p))
        except RepeatOrder as exc:
            return exc
        return None

    @staticmethod
    def check_input_text(inp: OrderInput) -> None:
        """ref, customer and note: lengths and printable characters (domain/order_text.py)."""
        for key in LIMITS:
            problem = text_problem(key, getattr(inp, key))
            if problem is not None:
                raise BadInput(problem, field=key, line=inp.line_no)

    @staticmethod
    def check_loss(inp: OrderInput, unit_cost: Decimal, unit_price: Decimal) -> None:
        """An explicit price below the fresh cost needs `allow_loss`: the CLI, a batch and the
        TUI all pass here, so none of them can sell at a loss by a typo."""
        if inp.price is None or inp.allow_loss or unit_price >= unit_cost:
            return
        raise PriceBelowCost(Msg("err.checkout.below_cost", price=fmt(unit_price), cost=fmt(unit_cost),
                                 loss=fmt(unit_cost - unit_price)),
                             cost=unit_cost, price=unit_price, field="price", line=inp.line_no)

    async def available(self, supplier_name: str) -> Decimal | None:
        """The live balance less what unsettled orders may still take (BalanceService.available)."""
        return await self.balances.available(supplier_name)

    def recent_accounts(self, product: Product, limit: int = 8) -> list[Order]:
        """Latest order per distinct account that fits this product's first account
        field (a phone number for 话费, a QQ number for QQ goods), newest first."""
        from kameng_tui.domain.accounts import check_value
        from kameng_tui.domain.history import HistoryFilter

        if not product.account_fields:
            return []
        first = product.account_fields[0]
        seen: dict[str, Order] = {}
        page = self.ledger.history(HistoryFilter(), limit=300)
        for order in page.items:
            account = order.account_text
            if not account or account in seen or account.startswith("****"):
                continue
            if order.sku == product.sku or check_value(first, account, order.account)[1] is None:
                seen[account] = order
                if len(seen) >= limit:
                    break
        return list(seen.values())

    def last_order(self, sku: str) -> Order | None:
        from kameng_tui.domain.history import HistoryFilter

        page = self.ledger.history(HistoryFilter(sku=sku), limit=1)
        return page.items[0] if page.items else None

    # --- record the intent and send -----------------------------------------------------------
    def new_intent(self, p: Prepared, *, line_id: int | None = None) -> NewOrder:
        order_no = new_order_no(self.clock.now(), self.install_id, self.config.general.timezone)
        sealer = self.sealer()
        sealed_blobs = {k: sealer.seal(v, f"{order_no}:{k}") for k, v in p.sealed.items()} if p.sealed else {}
        account_view = self.account_view(p)
        request = PlaceRequest(
            client_order_no=order_no,
            product_id=p.product.product_id,
            quantity=p.quantity,
            account={**p.account, **p.sealed},
            max_unit_cost=p.unit_cost + self.config.checkout.max_price_rise,
        )
        return NewOrder(
            order_no=order_no, sku=p.product.sku, supplier=p.product.supplier, product_id=p.product.product_id,
            product_name=p.product.name, category=p.product.category_path, delivery=p.product.delivery,
            quantity=p.quantity, account=account_view, unit_cost=p.unit_cost, unit_price=p.unit_price,
            request_json=request.to_json(), ref=p.input.ref, customer=p.input.customer, note=p.input.note,
            line_id=line_id, attempt_of=p.input.attempt_of, sealed=sealed_blobs,
            fingerprint=self.fingerprint(p) if p.input.ref else None,
            offer=None if p.choice is None else p.choice.record(),
            repeat_skus=tuple(s for s in self.siblings(p.product.sku) if s != p.product.sku),
        )

    def repeat_guard(self, again: bool) -> RepeatGuard | None:
        """The repeat window the store checks inside the intent's transaction; None only
        for an explicit `again` (or a window of 0 in the config). Each intent names the
        other SKUs of its product (`NewOrder.repeat_skus`): they count too."""
        window = self.config.checkout.repeat_window_s
        if again or window <= 0:
            return None
        return RepeatGuard(since=self.clock.now() - timedelta(seconds=window), window_s=window)

    def siblings(self, sku: str) -> tuple[str, ...]:
        """The SKUs of `sku`'s product (itself included; itself alone without a picker)."""
        return (sku,) if self.picker is None else self.picker.siblings(sku)

    def check_repeat(self, inp: OrderInput, sku: str, account: str, fields: Mapping[str, str] | None = None) -> None:
        """An early answer before asking to confirm (RepeatOrder); the store decides again
        inside the intent's transaction, where two processes cannot both pass."""
        guard = self.repeat_guard(inp.again)
        if guard is None:
            return
        found = (self.ledger.last_for(s, account, guard.since, fields) for s in self.siblings(sku))
        prev = max((o for o in found if o is not None), key=lambda o: o.created_at, default=None)
        if prev is not None:
            raise RepeatOrder(Msg("err.checkout.repeat", window=guard.window_s, account=account, sku=prev.sku,
                                  order_no=prev.order_no, state=state_label(prev.state)),
                              previous=prev.order_no, field="account", line=inp.line_no)

    @staticmethod
    def account_view(p: Prepared) -> dict[str, str]:
        """The account fields as the ledger keeps them: sealed ones (an address) masked."""
        view = dict(p.account)
        for k, v in p.sealed.items():
            view[k] = "****" + v[-4:] if len(v) > 4 else "****"
        return view

    @staticmethod
    def fingerprint(p: Prepared, key: str | None = None) -> str:
        """What a ref stands for: the product (its `@` id; the resolved SKU outside the
        catalog), every account field, quantity, the price if given."""
        price = money(p.input.price) if p.input.price is not None else None
        return ref_fingerprint(key or p.product_key or p.product.sku, {**p.account, **p.sealed}, p.quantity, price)

    async def _input_fingerprints(self, inp: OrderInput) -> set[str]:
        """The fingerprints an order asked for again under a ref may have been recorded
        with: validated like a new order, but not refused for stock, sale status, balance
        or a price rise (the order under the ref exists already). Keyed on the product,
        and on each of its SKUs as an order recorded before offers keyed it (its
        fingerprint stays as recorded: a retry of it is not new). If the supplier cannot
        be asked, the fields as typed (NFKC, trimmed) under the resolved SKU."""
        target = inp.sku
        skus: tuple[str, ...] = ()
        if self.picker is not None and is_product_id(inp.sku):
            skus = await asyncio.to_thread(self.picker.skus_of, inp.sku)
            if skus:
                target = skus[0]
        try:
            p = await self.prepare(dataclasses.replace(inp, sku=target), check_balance=False, lenient=True)
        except KamengError:
            price = money(inp.price) if inp.price is not None else None
            fields = {k: norm(v) for k, v in inp.fields.items() if norm(v)}
            if is_product_id(target):
                keys = {shown_id(inp.sku), *skus}
            else:
                supplier, pid = self.suppliers.resolve_sku(target)
                keys = {f"{supplier}:{pid}"}
                product = None if self.picker is None else \
                    await asyncio.to_thread(self.picker.product_key, f"{supplier}:{pid}")
                keys |= {product} if product else set()
            return {ref_fingerprint(k, fields, inp.quantity, price) for k in keys}
        if self.picker is None:
            return {self.fingerprint(p)}
        key = shown_id(inp.sku) if is_product_id(inp.sku) else \
            await asyncio.to_thread(self.picker.product_key, p.product.sku)
        olds = skus or await asyncio.to_thread(self.picker.siblings, p.product.sku)
        return {self.fingerprint(p, key), *(self.fingerprint(p, s) for s in olds)}

    def _named_by_ref(self, ref: str) -> tuple[str | None, list[Order]]:
        have = self.ledger.ref_fingerprint(ref)
        return have, (self.ledger.by_ref(ref) if have is not None else [])

    async def order_for_ref(self, inp: OrderInput) -> Order | None:
        """The order the ref already names (its latest attempt), None if the ref is free;
        RefConflict if it names other values. Nothing is sent here. An early answer: the
        store decides again in the intent's transaction (RefExists, RefConflict). The
        ledger is read in a worker thread (the TUI's event loop draws the screen)."""
        if not inp.ref or inp.attempt_of is not None:
            return None
        have, existing = await asyncio.to_thread(self._named_by_ref, inp.ref)
        if not existing:
            return None
        latest = existing[0]
        if have not in await self._input_fingerprints(inp):
            raise RefConflict(Msg("err.ref.conflict", ref=inp.ref, order_no=latest.order_no),
                              order_no=latest.order_no, field="ref")
        return latest

    @property
    def flow(self) -> CheckoutFlow:
        """The one entry point both faces call (services/checkout_flow.py)."""
        return CheckoutFlow(self)

    async def place(self, inp: OrderInput, *, wait_s: float = 0.0,
                    confirm: Callable[[Prepared], bool] | None = None, offers: Offers | None = None) -> Placed:
        """The flow for a caller with no one to ask: a question is its refusal, a number
        of another carrier only a warning (services/checkout_flow.place_or_raise);
        `offers`: the product's ranked offers, for failover (services/failover.py)."""
        return await place_or_raise(self.flow, inp, wait_s=wait_s, confirm=confirm, offers=offers)

    @property
    def failover(self) -> Failover:
        """What follows a sent order that failed with nothing created (services/failover.py),
        with the order's local offers (`offers_of`, set where the graph is built)."""
        return Failover(self, self.offers_of)

    def commit_intent(self, prepared: Prepared) -> str:
        """Record the order as `pending` (never sent) and return its number. The TUI
        commits in the modal and sends from an App-owned task, so closing the modal
        never loses or cancels an order.

        The store checks the ref and the repeat window in the same transaction:
        RefExists / RefConflict / RepeatOrder, and nothing is recorded."""
        intent = self.new_intent(prepared)
        self.orders.touch(intent.order_no)
        self.ledger.create_intents([intent], at=self.clock.now(), repeat=self.repeat_guard(prepared.input.again))
        crash_point("after-intent")
        pause_point("after-intent")
        return intent.order_no

    async def send(self, order_no: str, wait_s: float = 0.0, on_move: Callable[[Order], None] | None = None) -> Order:
        """Send a pending order under its own number, then wait up to `wait_s` for it to
        settle. `on_move(order)` is told each state it reaches (the TUI's runner posts it)."""
        self.orders.touch(order_no)      # a busy send lock must still name it (not sent)
        async with self.send_lock.held():
            order = await self.engine.send(order_no, on_move=on_move)
        if on_move is not None:
            on_move(order)
        return await self.wait(order, wait_s, on_move)

    async def resume(self, order_no: str, wait_s: float = 0.0) -> Order:
        """Send a pending order under its own number (an explicit act)."""
        order = self.ledger.get(order_no)
        if order is None:
            raise NoSuchOrder(Msg("err.order.none", order_no=order_no), order_no=order_no)
        if order.state is OrderState.PENDING:
            return await self.send(order_no, wait_s)
        return await self.wait(order, wait_s)

    async def wait(self, order: Order, wait_s: float, on_move: Callable[[Order], None] | None = None) -> Order:
        if wait_s <= 0 or order.state not in IN_FLIGHT:
            return order
        return await self.reconcile.settle(order.order_no, wait_s, on_move)
