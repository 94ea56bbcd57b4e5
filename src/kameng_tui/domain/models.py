"""Values shared by every layer: products, account schemas, orders, cards.

All frozen: a Product from a sync or an Order from the ledger is a snapshot, and a
change is a new value (or, for orders, a new event in the ledger).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Mapping, NoReturn

from kameng_tui.domain.states import OrderState
from kameng_tui.messages import Msg


# The delivery facet's values in the catalog index: identifiers that `catalog facets
# --json` prints and `catalog --delivery` accepts, kept as they always were. People read
# `Delivery.label` (delivery.* in the catalog) instead.
DELIVERY_FACET_VALUES = {"direct": "直充", "card": "卡密", "physical": "实物"}


class Delivery(str, Enum):
    DIRECT = "direct"      # 直充: topped up straight into the account
    CARD = "card"          # 卡密: card number/password delivered to us
    PHYSICAL = "physical"  # 实物: shipped to an address

    @property
    def facet(self) -> str:
        """The value of the delivery facet (an identifier, see DELIVERY_FACET_VALUES)."""
        return DELIVERY_FACET_VALUES[self.value]

    @classmethod
    def from_facet(cls, value: str) -> "Delivery | None":
        return next((d for d in cls if d.facet == value), None)

    @property
    def label(self) -> Msg:
        return Msg(f"delivery.{self.value}")


class SaleStatus(str, Enum):
    ON = "on"                  # 上架
    OFF = "off"                # 下架
    MAINTENANCE = "maintenance"  # 维护中

    @property
    def label(self) -> Msg:
        return Msg(f"sale.{self.value}")


class Rule(str, Enum):
    """How an account field is validated (see domain/accounts.py)."""

    MOBILE = "mobile"    # 11 digits, 1[3-9]...; carrier from prefix is a hint
    QQ = "qq"            # 5-11 digits, no leading 0
    GAME = "game"        # game account id: 4-32 visible characters
    EMAIL = "email"
    TEXT = "text"        # free text, 1-64 characters
    CHOICE = "choice"    # one of `options` (区服, charge_type)
    ADDRESS = "address"  # 收件人/电话/地址, encrypted at rest like card secrets


@dataclass(frozen=True)
class AccountField:
    key: str                          # account | region | server | role | charge_type | address
    label: str                        # what the reseller sees: 手机号, QQ号, 大区, 服务器 ...
    rule: Rule = Rule.TEXT
    required: bool = True
    options: tuple[str, ...] = ()     # for Rule.CHOICE
    depends_on: str | None = None     # e.g. server options depend on region
    option_tree: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # region -> servers


@dataclass(frozen=True)
class Product:
    sku: str                          # "<supplier>:<product_id>"
    supplier: str
    product_id: str
    name: str
    category: tuple[str, ...]         # ("游戏", "腾讯", "王者荣耀")
    delivery: Delivery
    unit_cost: Decimal                # what the supplier charges us, 4 places
    face_value: Decimal | None = None
    stock: int | None = None          # None = unknown / unlimited
    stock_alarm: bool = False         # the supplier's own low-stock flag
    sale_status: SaleStatus = SaleStatus.ON
    account_fields: tuple[AccountField, ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()   # (("周期", "月"), ("等级", "PLUS"))
    min_qty: int = 1
    max_qty: int = 1
    sales_rank: int | None = None     # supplier's rank in its leaf category, 1 = best
    tiers: tuple[tuple[int, Decimal], ...] = ()    # quantity tiers: (min qty, unit cost)

    @property
    def category_path(self) -> str:
        return "/".join(self.category)

    @property
    def attrs(self) -> dict[str, str]:
        return dict(self.attributes)

    def field(self, key: str) -> AccountField | None:
        return next((f for f in self.account_fields if f.key == key), None)


def make_sku(supplier: str, product_id: str) -> str:
    return f"{supplier}:{product_id}"


def split_sku(sku: str) -> tuple[str | None, str]:
    """("demo", "HF-CM-100") for "demo:HF-CM-100"; (None, id) for a bare id."""
    if ":" in sku:
        supplier, pid = sku.split(":", 1)
        return supplier, pid
    return None, sku


class SecretText(str):
    """A string whose repr and str never show the value (card passwords, keys).

    Use `.reveal()` at the one place a value must leave: the encryptor, the screen
    on request, an export with --reveal.
    """

    _value: str

    def __new__(cls, value: str) -> "SecretText":
        obj = super().__new__(cls, "********")
        obj._value = value
        return obj

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretText('********')"

    def __reduce__(self) -> NoReturn:  # pragma: no cover - refuse pickling the plain value
        raise TypeError("SecretText cannot be pickled")


def mask(secret: str) -> str:
    """ABCD****WXYZ: first and last four; short values show fewer."""
    if len(secret) <= 4:
        return "*" * len(secret)
    if len(secret) <= 8:
        return secret[:2] + "****" + secret[-2:]
    return secret[:4] + "****" + secret[-4:]


@dataclass(frozen=True)
class Card:
    """One delivered card. number may be empty (password-only cards)."""

    number: str
    password: SecretText
    expires: str | None = None

    def __repr__(self) -> str:
        return f"Card(number={mask(self.number)!r}, password='********', expires={self.expires!r})"


@dataclass(frozen=True)
class Order:
    """The projection of an order's events (the `orders` row)."""

    order_no: str
    sku: str
    supplier: str
    product_id: str
    product_name: str
    category: str
    delivery: Delivery
    quantity: int
    account: Mapping[str, str]        # account fields; address values are masked here
    state: OrderState
    unit_cost: Decimal
    total_cost: Decimal
    unit_price: Decimal
    total_price: Decimal
    charged: Decimal
    refunded: Decimal                 # refunded to us by the supplier
    customer_refunded: Decimal        # refunded by us to our customer (reduces revenue)
    revenue: Decimal                  # total_price once succeeded, less customer refunds
    created_at: datetime
    updated_at: datetime
    ref: str | None = None
    customer: str | None = None
    note: str | None = None
    batch_id: int | None = None
    line_id: int | None = None
    attempt_of: str | None = None
    supplier_order_no: str | None = None
    reason: str | None = None
    submitted_at: datetime | None = None
    settled_at: datetime | None = None
    delivered_qty: int = 0
    request_json: str = ""            # the canonical request, re-sent byte for byte

    @property
    def account_text(self) -> str:
        return self.account.get("account", "")

    @property
    def net_cost(self) -> Decimal:
        return self.charged - self.refunded

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.net_cost


def replace_product(p: Product, **changes: Any) -> Product:
    """A copy with fields changed (a product from today's quote, say)."""
    from dataclasses import replace

    return replace(p, **changes)
