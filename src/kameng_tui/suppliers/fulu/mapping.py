"""Fulu's products, replies and errors mapped onto the domain and the shared error set.

The safety rule of an add call: code 0 -> processing; a short list of known refusals
(balance, stock, off shelf) -> the matching final error; anything else — another code,
non-JSON, a bad reply sign — is OutcomeUnknown, settled by query. An unrecognized code
never becomes failed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from kameng_tui.domain.errors import (
    AuthFailed, InsufficientBalance, OffShelf, OutcomeUnknown, OutOfStock, SupplierError,
)
from kameng_tui.domain.models import AccountField, Delivery, Product, Rule, SaleStatus
from kameng_tui.suppliers.base import OrderResult, RemoteState
from kameng_tui.messages import Msg

MOBILE_FACES = (10, 20, 30, 50, 100, 200, 300, 500)
SALE = {"上架": SaleStatus.ON, "下架": SaleStatus.OFF, "维护中": SaleStatus.MAINTENANCE, "库存维护": SaleStatus.MAINTENANCE}
STATES = {"untreated": RemoteState.PROCESSING, "processing": RemoteState.PROCESSING,
          "success": RemoteState.SUCCEEDED, "failed": RemoteState.FAILED}
# Codes a Go integration treats as "this product cannot be bought, nothing placed". The
# split between off shelf and out of stock is NOT CONFIRMED; the message decides.
UNAVAILABLE_CODES = frozenset({3001, 3002, 3003, 3004, 3005, 3008})
BALANCE_WORDS = ("余额不足",)
STOCK_WORDS = ("库存不足", "断货", "缺货")
SHELF_WORDS = ("下架", "维护", "不存在", "暂停销售")
AUTH_WORDS = ("签名", "sign", "app_key", "AppKey", "密钥", "授权")
NOT_FOUND_WORDS = ("订单不存在", "未找到订单", "查无此订单")


def money_of(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.0001"))
    except InvalidOperation:
        return None


def product(name: str, raw: Mapping[str, Any]) -> Product:
    pid = str(raw["product_id"])
    card = raw.get("product_type") == "卡密"
    stock_status = raw.get("stock_status", "")
    account = () if card else (AccountField("account", "充值账号", Rule.TEXT),)
    return Product(
        sku=f"{name}:{pid}", supplier=name, product_id=pid, name=str(raw.get("product_name", pid)),
        category=("福禄", str(raw.get("product_type", "直充"))), delivery=Delivery.CARD if card else Delivery.DIRECT,
        unit_cost=money_of(raw.get("purchase_price")) or Decimal("0"), face_value=money_of(raw.get("face_value")),
        stock=0 if stock_status == "断货" else None, stock_alarm=stock_status == "警报",
        sale_status=SALE.get(str(raw.get("sales_status", "上架")), SaleStatus.MAINTENANCE),
        account_fields=account, attributes=(("类型", str(raw.get("product_type", ""))),),
        max_qty=50 if card else 1,
    )


def mobile_products(name: str) -> list[Product]:
    """话费 at Fulu is ordered by phone + face value (no product id): one SKU per face."""
    return [Product(sku=f"{name}:mobile-{f}", supplier=name, product_id=f"mobile-{f}", name=f"话费{f}元（福禄自动选通道）",
                    category=("话费", "福禄"), delivery=Delivery.DIRECT, unit_cost=Decimal(f), face_value=Decimal(f),
                    account_fields=(AccountField("account", "手机号", Rule.MOBILE),), attributes=(("面值", f"{f}元"),))
            for f in MOBILE_FACES]


def refusal(code: int, message: str, *, adding: bool) -> SupplierError:
    """The shared error for a non-zero reply code, keeping the code (`upstream_code`)."""
    err = _refusal(code, message, adding=adding)
    err.upstream_code = str(code)
    return err


def created_nothing(code: str, upstream_code: str | None) -> bool:
    """The add-call refusals after which Fulu holds no order: the product-unavailable
    codes a Go integration fails over on (suppliers.md 1.11), whatever the message
    mapped them to. Any other refusal is never failed over."""
    return upstream_code is not None and upstream_code.isdigit() and int(upstream_code) in UNAVAILABLE_CODES


def _refusal(code: int, message: str, *, adding: bool) -> SupplierError:
    if any(w in message for w in BALANCE_WORDS):
        return InsufficientBalance(Msg("err.fulu.refused.balance", code=code, said=message))
    if any(w in message for w in STOCK_WORDS):
        return OutOfStock(Msg("err.fulu.refused.stock", code=code, said=message))
    if code in UNAVAILABLE_CODES or any(w in message for w in SHELF_WORDS):
        return OffShelf(Msg("err.fulu.refused.shelf", code=code, said=message))
    if not adding and any(w in message for w in AUTH_WORDS):
        return AuthFailed(Msg("err.fulu.refused.auth", code=code, said=message))
    if adding:
        return OutcomeUnknown(Msg("err.fulu.refused.unknown_code", code=code, said=message))
    return SupplierError(Msg("err.fulu.refused", code=code, said=message))


def order_result(client_no: str, raw: Mapping[str, Any], cards: tuple = ()) -> OrderResult:
    state = STATES.get(str(raw.get("order_state", "")))
    if state is None:
        raise OutcomeUnknown(Msg("err.fulu.order_state", state=repr(raw.get("order_state"))))
    buy = int(raw.get("buy_num") or 0)
    return OrderResult(
        client_order_no=client_no, state=state, supplier_order_no=str(raw.get("order_id") or "") or None,
        charged=money_of(raw.get("order_price")) if state is not RemoteState.FAILED else Decimal("0"),
        delivered_qty=(len(cards) or buy) if state is RemoteState.SUCCEEDED else 0, cards=cards,
        reason=str(raw.get("recharge_description") or "failed") if state is RemoteState.FAILED else None,
        raw={k: v for k, v in raw.items() if k != "cards"},
    )


def template_fields(raw: Mapping[str, Any]) -> tuple[tuple[AccountField, ...], str | None]:
    """A direct product's template -> its account fields, and the game name to send.

    Inputs map by Id: ChargeAccount -> account (QQ / phone rule when the label says so),
    ChargeRegion / ChargeServer -> region / server pickers filled from the game list,
    ChargeType -> charge_type. Other inputs (password, contact) are not asked for.
    """
    inputs = {str(i.get("Id")): i for i in ((raw.get("ElementInfo") or {}).get("Inputs") or [])}
    games = raw.get("GameTempaltePreviewList") or []          # (sic) upstream's spelling
    game_name = None
    tree: dict[str, tuple[str, ...]] = {}
    types: list[str] = []
    if games:
        game = games[0]
        game_name = game.get("ChargeGame")
        for region in ((game.get("gameList") or {}).get("ChargeRegion") or []):
            servers = region.get("ChargeServer") or []
            tree[str(region.get("name"))] = tuple(str(s.get("name")) for s in servers)
            for s in servers:
                types += [str(t) for t in (s.get("ChargeType") or []) if str(t) not in types]
    fields: list[AccountField] = []
    account = inputs.get("ChargeAccount")
    label = str((account or {}).get("Name") or "充值账号")
    rule = Rule.QQ if "QQ" in label.upper() else Rule.MOBILE if "手机" in label else Rule.TEXT
    fields.append(AccountField("account", label, rule))
    if "ChargeRegion" in inputs or tree:
        fields.append(AccountField("region", str((inputs.get("ChargeRegion") or {}).get("Name") or "区"),
                                   Rule.CHOICE, options=tuple(tree)))
    if "ChargeServer" in inputs and tree:
        fields.append(AccountField("server", str(inputs["ChargeServer"].get("Name") or "服"), Rule.CHOICE,
                                   options=tuple(s for v in tree.values() for s in v), depends_on="region",
                                   option_tree=tree))
    if "ChargeType" in inputs and types:
        fields.append(AccountField("charge_type", str(inputs["ChargeType"].get("Name") or "充值类型"), Rule.CHOICE,
                                   options=tuple(types)))
    return tuple(fields), game_name
