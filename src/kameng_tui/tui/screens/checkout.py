"""One-key checkout: account fields validated as you type, recent accounts on up/down,
the total on the button, an optional shop order number (店铺单号, the CLI's --ref),
then progress until final and the result with 再来一单 (tui/widgets/order_outcome.py).
The order itself runs in an App-owned task: Esc closes this modal at any time and the
order carries on."""

from __future__ import annotations

from decimal import Decimal

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from kameng_tui.domain.accounts import CarrierMismatch, validate_quantity
from kameng_tui.domain.choice_errors import NextOfferPricier
from kameng_tui.domain.errors import AnchorMismatch, BadInput, KamengError, NoDataKey
from kameng_tui.domain.models import Delivery, Order, Product, Rule
from kameng_tui.domain.field_names import field_label
from kameng_tui.domain.money import AmountError, fmt, money, parse_amount
from kameng_tui.domain.order_text import LIMITS
from kameng_tui.domain.text_fit import fit_name
from kameng_tui.services.checkout import SEALED_RULES, OrderInput
from kameng_tui.services.checkout_flow import NeedsConfirmation, Placed
from kameng_tui.services.offer_checkout import by_policy
from kameng_tui.services.order_progress import read_status, started
from kameng_tui.tui.app_messages import BalancesChanged, DataKeyChanged, OrderUpdated
from kameng_tui.tui.cards import copy_card
from kameng_tui.tui.keys import CHECKOUT_KEYS, bindings
from kameng_tui.tui import demo_mark
from kameng_tui.tui.text import Texts
from kameng_tui.tui.textual_compat import install_bindings
from kameng_tui.tui.order_runner import OrderChanged
from kameng_tui.tui.checkout_questions import ask_again
from kameng_tui.tui.widgets.checkout_fields import AccountInput, check_fields, field_widget, tail
from kameng_tui.tui.widgets.order_outcome import OrderOutcome


CHECKOUT_WIDTH = 70
"""Cells for text in the dialog (76 wide in app.tcss, less its border, padding and scrollbar)."""


class CheckoutScreen(ModalScreen[None]):
    SCOPE = "checkout"

    def __init__(self, product: Product, again: Order | None = None) -> None:
        super().__init__()
        self.ctx = self.app.ctx
        self.lang = self.app.lang
        self.t = Texts(self.lang)
        # Textual's own tab / shift+tab (focus next / previous) stay beside our bindings.
        install_bindings(self, [*ModalScreen.BINDINGS, *bindings(CHECKOUT_KEYS, self.lang)])
        self.product = product
        self.again = again
        self.seen_cost = product.unit_cost
        self.allow_repeat = again is not None
        self.order_no: str | None = None
        self.busy = False
        self.unit_price = self.ctx.catalog.price_for(product, product.unit_cost, again.customer if again else None)
        self.typed_price: Decimal | None = None      # the price field, when it holds an amount
        self.loss_ok: Decimal | None = None          # the price below cost confirmed by a second Enter
        self.mismatches: tuple[CarrierMismatch, ...] = ()   # numbers of another carrier, as typed now
        self.carrier_ok: tuple[CarrierMismatch, ...] = ()   # ...and those confirmed by a second Enter
        self.recent: list[Order] = []        # read in a worker once mounted (_read_recent)
        self.placing: OrderInput | None = None   # what Enter placed: the next offer's input on a failover

    # --- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        t, p = self.t, self.product
        with VerticalScroll(id="checkout-box"):
            yield Static(self._title(CHECKOUT_WIDTH), id="checkout-title")
            yield Static("", id="key-notice")      # no data key: said under the title (data_key_changed)
            if self.again is not None:
                yield Static(t("checkout.again", account=tail(self.again.account_text)), id="again")
            for f in p.account_fields:
                yield Static(t.show(field_label(f)), classes="label")
                yield field_widget(f, p, self.again, self.recent, t)
                yield Static("", id=f"msg-{f.key}", classes="field-msg")
            # Two fields a line from here on: at 80x24 the total and the button stay in view.
            with Horizontal(classes="row"):
                yield Static(t("checkout.quantity"), classes="label")
                yield Input(value=str(p.min_qty), id="quantity", restrict=r"[0-9]*", max_length=4)
                yield Input(placeholder=t("checkout.price", price=fmt(self.unit_price)), id="price", max_length=24)
            with Horizontal(classes="msgs"):
                yield Static("", id="msg-quantity", classes="field-msg")
                yield Static("", id="msg-price", classes="field-msg")
            with Horizontal(classes="row"):
                yield Input(placeholder=t("checkout.customer"), id="customer", max_length=LIMITS["customer"],
                            value=(self.again.customer or "") if self.again else "")
                yield Input(placeholder=t("checkout.note"), id="note", max_length=LIMITS["note"])
                yield Input(placeholder=t("checkout.ref"), id="ref", max_length=LIMITS["ref"])
            yield Static("", id="summary")
            yield Button("", id="place", variant="success")
            yield OrderOutcome(self.lang, id="outcome")

    def _title(self, width: int) -> Text:
        """The title on one line: a long name cut in the middle, its last words kept."""
        room = width - cell_len(self.t("checkout.title", name=""))
        demo = self.ctx.supplier_view().is_demo(self.product.supplier)      # beside a real supplier: a demo card
        room -= demo_mark.CELLS + 1 if demo else 0
        title = Text(self.t("checkout.title", name=fit_name(self.product.name, max(8, room))), style="bold")
        return demo_mark.marked(self.t, title) if demo else title

    def on_mount(self) -> None:
        self.set_focus(self._first_widget(), scroll_visible=False)
        self.validate()
        self.data_key_changed()
        self.call_after_refresh(self._top)
        first = self._first_widget()
        if isinstance(first, AccountInput):
            first.recent_loader = self.run_worker(self._read_recent, thread=True, group="checkout-recent",
                                            exit_on_error=False)

    def _read_recent(self) -> None:
        """The recent accounts for the first field, read in a worker thread."""
        recent = self.ctx.checkout.recent_accounts(self.product)
        self.app.call_from_thread(self._got_recent, recent)

    def _got_recent(self, recent: list[Order]) -> None:
        self.recent = recent
        first = self.query_one(f"#f-{self.product.account_fields[0].key}")
        if isinstance(first, AccountInput):
            first.recent = recent
            if recent:
                first.placeholder = self.t("checkout.recent")

    def _top(self) -> None:
        """Title and first field in view, whatever focus asked for (a reorder focuses the button)."""
        self.query_one("#checkout-box", VerticalScroll).scroll_home(animate=False, immediate=True)

    def on_resize(self) -> None:
        box = self.query_one("#checkout-box", VerticalScroll)
        self.call_after_refresh(lambda: self.query_one("#checkout-title", Static).update(
            self._title(box.scrollable_content_region.width or CHECKOUT_WIDTH)))

    # --- no data key: said before the first Enter, the dialog offered on a refusal ------------------
    def on_data_key_changed(self, _: DataKeyChanged) -> None:
        self.data_key_changed()

    def data_key_changed(self) -> None:
        """The app learnt whether a data key is there (start-up probe, the dialog)."""
        p = self.product
        if p.delivery is not Delivery.CARD and not any(f.rule in SEALED_RULES for f in p.account_fields):
            return
        notice = self.query_one("#key-notice", Static)
        missing = self.app.data_key_missing()
        st = self.app.data_key_status
        said = "checkout.no_team_key" if st is not None and st.team else "checkout.no_data_key"
        notice.update(Text(self.t(said, key=self.app.data_key_key("checkout.data_key")),
                           style="bold yellow") if missing else "")
        notice.display = missing

    def _no_data_key(self) -> None:
        """Refused before the intent: say so in the app's words and offer the key file (the
        status read again first, in a thread; the notice follows it)."""
        self.data_key_changed()
        self.app.open_data_key(lambda made: self.data_key_changed(), fresh=True)

    def _first_widget(self):
        first = self.product.account_fields[0].key if self.product.account_fields else None
        if first is not None and not self.again:
            return self.query_one(f"#f-{first}")
        return self.query_one("#place", Button)

    def on_key(self, event) -> None:
        """Keys typed before focus landed (fast typists, pastes) go to the first field."""
        if self.focused is None and self.order_no is None and event.is_printable and event.character:
            widget = self._first_widget()
            self.set_focus(widget)
            if isinstance(widget, Input):
                widget.insert_text_at_cursor(event.character)
            event.stop()

    # --- validation as you type ---------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        out = {}
        for f in self.product.account_fields:
            w = self.query_one(f"#f-{f.key}")
            v = w.value if not isinstance(w, Select) else ("" if w.value is Select.NULL else str(w.value))
            out[f.key] = v
        return out

    def validate(self) -> list[str]:
        """Show every field's message; return the keys still invalid."""
        t, values = self.t, self.values()
        checked = check_fields(self.product, values, t)
        for key, said in checked.said.items():
            self.query_one(f"#msg-{key}", Static).update(said)
        bad = list(checked.bad)
        qty = self.quantity()
        qerr = validate_quantity(self.product, qty if qty is not None else self.query_one("#quantity", Input).value)
        qmsg = self.query_one("#msg-quantity", Static)
        if qerr is not None:
            qmsg.update(Text(t.show(qerr.msg), style="red"))
            bad.append("quantity")
        else:
            qmsg.update("")
        if not self._check_price():
            bad.append("price")
        self.mismatches = checked.mismatches
        self._summary(qty or 0, values)
        return bad

    def _check_price(self) -> bool:
        """The price field: empty = the priced default; else one strict amount (NFKC, so
        fullwidth digits from an IME are read; `10,00` says to use a dot)."""
        raw = self.query_one("#price", Input).value
        pmsg = self.query_one("#msg-price", Static)
        self.typed_price = None
        if not raw.strip():
            pmsg.update("")
            return True
        try:
            self.typed_price = parse_amount(raw)
        except AmountError as exc:
            pmsg.update(Text(self.t.show(exc.msg), style="red"))
            return False
        pmsg.update("")
        return True

    def quantity(self) -> int | None:
        raw = self.query_one("#quantity", Input).value
        return int(raw) if raw.isdigit() else None

    def _summary(self, qty: int, values: dict[str, str]) -> None:
        t = self.t
        # The customer's level may pick another markup rule (domain/markup.py).
        customer = self.query_one("#customer", Input).value.strip() or None
        default = self.ctx.catalog.price_for(self.product, self.seen_cost, customer)
        self.query_one("#price", Input).placeholder = t("checkout.price", price=fmt(default))
        self.unit_price = default if self.typed_price is None else self.typed_price
        total, cost = money(self.unit_price * qty), money(self.seen_cost * qty)
        available = self.app.available(self.product.supplier)
        after = "-" if available is None else fmt(available - cost)
        self.query_one("#summary", Static).update(
            t("checkout.summary", total=fmt(total), cost=fmt(cost), profit=fmt(total - cost), after=after))
        account = values.get(self.product.account_fields[0].key, "") if self.product.account_fields else ""
        label = t("checkout.place", total=fmt(total), tail=account[-4:]) if account else t("checkout.place_plain", total=fmt(total))
        if self.mismatches:
            label = t("checkout.place_ported", short=self.mismatches[0].short, total=fmt(total))
        self.query_one("#place", Button).label = label

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event) -> None:
        if self.order_no is not None:
            return
        widget_id = getattr(event.control, "id", "") or ""
        if widget_id.startswith("f-"):
            self._update_dependents(widget_id[2:])
        self.validate()
        if isinstance(event, Select.Changed) and not event.control.is_blank():
            self._focus_after(widget_id)

    def _focus_after(self, widget_id: str) -> None:
        """A pick made: on to the next field, as in a form (Tab would enter the picker's list)."""
        order = [f"f-{f.key}" for f in self.product.account_fields] + ["quantity", "price", "customer", "note", "ref",
                                                                        "place"]
        if widget_id in order:
            nxt = order[order.index(widget_id) + 1]
            self.set_focus(self.query_one(f"#{nxt}"))

    def _update_dependents(self, key: str) -> None:
        values = self.values()
        for f in self.product.account_fields:
            if f.depends_on == key and f.rule is Rule.CHOICE and f.option_tree:
                sel = self.query_one(f"#f-{f.key}", Select)
                sel.set_options([(o, o) for o in f.option_tree.get(values.get(key, ""), ())])

    # --- placing ------------------------------------------------------------------------------
    @on(Input.Submitted)
    @on(Button.Pressed, "#place")
    def _submit(self) -> None:
        self.action_place()

    def action_place(self) -> None:
        if self.order_no is not None or self.busy:
            return
        bad = self.validate()
        if bad:
            self.notify(self.t("checkout.invalid"), severity="warning")
            target = f"#f-{bad[0]}" if bad[0] not in ("quantity", "price") else f"#{bad[0]}"
            self.set_focus(self.query_one(target))
            return
        self.busy = True
        self.run_worker(self._place(), group="checkout-prepare", exit_on_error=False)

    def _input(self) -> OrderInput:
        text = lambda wid: self.query_one(f"#{wid}", Input).value.strip() or None  # noqa: E731
        return OrderInput(sku=self.product.sku, fields=self.values(), quantity=self.quantity() or 1,
                          ref=text("ref"), customer=text("customer"), note=text("note"),
                          seen_unit_cost=self.seen_cost, again=self.allow_repeat, price=self.typed_price,
                          allow_loss=self.typed_price is not None and self.typed_price == self.loss_ok)

    async def _place(self) -> None:
        """The one checkout use case (services/checkout_flow.py): a question is asked
        here (Enter again answers it), a recorded order is sent by the App's runner."""
        try:
            self.placing = await by_policy(self.ctx.checkout, self._input())
            outcome = await self.ctx.checkout.flow.place(self.placing, carrier_ok=self.carrier_ok,
                                                         handoff=self._hand_off)
        except NextOfferPricier as exc:           # nothing recorded: Enter again orders at the new cost
            self.seen_cost = exc.unit_cost
            self.outcome.say(Text(self.t.error(exc), style="yellow"))
            return
        except NoDataKey:                         # nothing recorded; the dialog is the way on
            self._no_data_key()
            return
        except BadInput as exc:
            self._show_error(exc)
            return
        except AnchorMismatch as exc:             # nothing recorded; the header and Settings → Ledger say why
            self.app.writes_refused(exc)
            return
        except KamengError as exc:
            self.notify(self.t.error(exc), severity="error", timeout=10)
            return
        finally:
            self.busy = False
        if isinstance(outcome, NeedsConfirmation):
            ask_again(self, outcome)
        else:
            self._follow(outcome)

    def _hand_off(self, order_no: str) -> None:
        """The flow recorded the order (or found a pending one under the ref): from here
        the dialog follows it, and the App's runner sends it."""
        self.order_no = order_no
        self.app.start_order(order_no, self.placing)

    def _follow(self, placed: Placed) -> None:
        """From here the form is the order's: its fields locked, its progress shown until
        final, from the OrderChanged messages its runner posts (tui/order_runner.py)."""
        self.order_no = placed.order_no
        for w in self.query("Input, Select"):
            w.disabled = True
        self.query_one("#place", Button).disabled = True
        self.set_focus(None)
        self.post_message(OrderChanged(started(placed.order)))
        if placed.existed:
            self.order_changed(placed.order_no)        # where it went before: its steps, read in a worker
        self.refresh_bindings()

    @property
    def outcome(self) -> OrderOutcome:
        return self.query_one("#outcome", OrderOutcome)

    def _show_error(self, exc: BadInput, message: str | None = None) -> None:
        """The error on its field; `message` in place of the error's own words where the
        app has its own way on (the CLI's words name flags). The shop order number has
        no line of its own: its error is said under the button, the field focused."""
        text = Text(message or self.t.error(exc), style="red")
        field = exc.field if exc.field in {f.key for f in self.product.account_fields} else None
        if field:
            self.query_one(f"#msg-{field}", Static).update(text)
            self.set_focus(self.query_one(f"#f-{field}"))
        elif exc.field in ("quantity", "price"):
            self.query_one(f"#msg-{exc.field}", Static).update(text)
        else:
            self.outcome.say(text)
            if exc.field == "ref":
                self.set_focus(self.query_one("#ref", Input))

    def on_order_changed(self, message: OrderChanged) -> None:
        """The order's states until final; then its result, 再来一单 focused (Enter there
        opens a new form, never a second order)."""
        if message.status.order_no != self.order_no:
            return
        if self.outcome.show(message.status):
            self.set_focus(self.query_one("#again-new", Button), scroll_visible=False)

    def on_order_updated(self, message: OrderUpdated) -> None:
        self.order_changed(message.order_no)

    def order_changed(self, order_no: str) -> None:
        """The order changed where no runner of ours saw it (another process, cron's
        reconcile): read it in a worker and show it as its runner would have."""
        if order_no != self.order_no:
            return
        orders = self.ctx.orders

        def read() -> None:
            status = read_status(orders, order_no)
            if status is not None:
                self.post_message(OrderChanged(status))

        self.run_worker(read, thread=True, group="checkout-status", exit_on_error=False)

    def on_balances_changed(self, _: BalancesChanged) -> None:
        """The App read the balances or the unsettled costs again: the summary's 余额 follows."""
        if self.order_no is None and self.is_mounted:
            self._summary(self.quantity() or 0, self.values())

    # --- the result, cards and closing ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "place":
            return self.order_no is None          # the footer offers no second order from the result
        return True

    @on(Button.Pressed, "#again-new")
    def action_again_new(self) -> None:
        """再来一单: the same product in a fresh form, the account empty and focused. The
        repeat window still guards the same account."""
        app, product = self.app, self.product
        self.dismiss()
        app.push_screen(CheckoutScreen(product))

    @on(Button.Pressed, "#close-result")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_reveal(self) -> None:
        self.outcome.toggle_reveal()

    def action_copy(self) -> None:
        order = self.outcome.order
        if order is not None:
            copy_card(self.app, order)

    def action_close(self) -> None:
        if self.order_no is not None and self.app.runner.in_flight:
            self.app.notify(self.t("checkout.closed", order_no=self.order_no))
        self.dismiss()
