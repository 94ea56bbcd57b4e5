"""Catalog styles of the reference server (`supplier serve --catalog-style`), so that
tests match offers across suppliers on catalogs built to tempt the rule (issue 18),
not on catalogs that match themselves:

- `demo`: the demo catalog as it is (the demo's product ids, names and attributes);
- `reworded`: the same goods under other product ids (`R000001`), worded as another
  wholesaler writes them (王者荣耀 600点券 直充, 腾讯视频 超级影视VIP 1个月, 中国移动 全国话费
  100元 快充), without attributes, plus goods one letter away from the demo's that are
  NOT the same (慢充, 省内, 连续包月) and one the rule cannot know (空月祝福);
- `names`: names only, as Fulu's goods list (name, 直充/卡密, face value): no category,
  no attributes, numeric ids, plus Fulu's auto-channel 话费 that has no carrier.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Callable

from kameng_tui.domain.models import AccountField, Delivery, Product, Rule

if TYPE_CHECKING:
    from kameng_tui.refserver.faults import Faults

STYLES = ("demo", "reworded", "names")
UNITS = {"WZRY": ("点券", 10), "HPJY": ("UC", 10), "YS": ("创世结晶", 10), "BT": ("古老梦华", 10)}
PERIOD_WORDS = {"M": ("1个月", "月卡"), "Q": ("3个月", "季卡"), "Y": ("12个月", "年卡")}
# (platform id, level index) -> (reworded level word, names-only level word)
LEVELS = {("TX", 0): ("VIP", "VIP会员"), ("TX", 1): ("超级影视VIP", "超级影视VIP"),
          ("IQ", 0): ("黄金VIP", "黄金VIP会员"), ("IQ", 1): ("星钻VIP", "星钻VIP会员"),
          ("YK", 0): ("VIP", "VIP会员"), ("YK", 1): ("SVIP", "酷喵VIP"),
          ("BZ", 0): ("", "普通"), ("BZ", 1): ("PLUS", "PLUS"), ("MG", 0): ("VIP", "VIP会员"), ("MG", 1): ("全屏影视", "全屏影视会员")}
PLATFORMS = {"TX": "腾讯视频", "IQ": "爱奇艺", "YK": "优酷", "BZ": "B站大会员", "MG": "芒果TV"}
NAMES_PLATFORMS = {**PLATFORMS, "BZ": "哔哩哔哩大会员"}
MOBILE = AccountField("account", "手机号", Rule.MOBILE)


def styled(catalog: list[Product], style: str, supplier: str) -> list[Product]:
    """The catalog as a wholesaler of this style publishes it (the same goods, in order)."""
    if style == "demo":
        return catalog
    word: Callable[[Product], str] = _reworded if style == "reworded" else _named
    out = []
    for i, p in enumerate(catalog, 1):
        pid = f"R{i:06d}" if style == "reworded" else str(10_000_000 + i)
        name = word(p)
        out.append(replace(p, sku=f"{supplier}:{pid}", product_id=pid, name=name,
                           attributes=() if name != p.name or style == "names" else p.attributes,
                           category=p.category if style == "reworded" and name == p.name else
                           (() if style == "names" else ("充值中心", *p.category[-1:]))))
    extra = _tempting(supplier) if style == "reworded" else _auto_channel(supplier)
    return out + extra


def on_terms(catalog: list[Product], faults: "Faults") -> list[Product]:
    """The catalog on this wholesaler's terms (`--faults cost_rise=0.01,stock=3`): dearer by
    a share, and a stock on every product that states none, so tests see offers of one
    product differ in cost and run out at one supplier first."""
    if not faults.cost_rise and not faults.stock:
        return catalog
    rise = Decimal(1) + Decimal(str(faults.cost_rise))
    stock = int(faults.stock) or None
    return [replace(p, unit_cost=(p.unit_cost * rise).quantize(Decimal("0.0001")),
                    tiers=tuple((q, (c * rise).quantize(Decimal("0.0001"))) for q, c in p.tiers),
                    stock=p.stock if p.stock is not None or stock is None else stock) for p in catalog]


def _parts(p: Product) -> list[str]:
    return p.product_id.split("-")


def _reworded(p: Product) -> str:
    parts = _parts(p)
    if parts[0] == "HF":
        return f"中国{_carrier(p)} 全国话费 {parts[2]}元 快充"
    if parts[0] == "GM":
        game, face, kind = p.category[-1], int(parts[2]), parts[3]
        if kind == "D" and parts[1] in UNITS:
            unit, rate = UNITS[parts[1]]
            return f"{game} {face * rate}{unit} 直充"
        if parts[1] == "QQB":
            return f"Q币{face}个 直充" if kind == "D" else f"QQ币 {face}元 卡密"
        return f"{game} {face}元 {'直充' if kind == 'D' else '卡密'}"
    if parts[0] == "VM":
        level = LEVELS[(parts[1], int(parts[3]))][0]
        return f"{PLATFORMS[parts[1]]} {level} {PERIOD_WORDS[parts[2]][0]} {'直充' if parts[4] == 'D' else '激活码'}"
    return p.name


def _named(p: Product) -> str:
    parts = _parts(p)
    if parts[0] == "HF":
        return f"中国{_carrier(p)}话费{parts[2]}元"
    if parts[0] == "GM":
        game, face, kind = p.category[-1], parts[2], parts[3]
        if parts[1] == "QQB":
            return f"腾讯Q币{face}元" + ("" if kind == "D" else "卡密")
        return f"{game}{face}元" + ("直充" if kind == "D" else "卡密")
    if parts[0] == "VM":
        level = LEVELS[(parts[1], int(parts[3]))][1]
        return f"{NAMES_PLATFORMS[parts[1]]}{level}{PERIOD_WORDS[parts[2]][1]}" + ("" if parts[4] == "D" else "卡密")
    return p.name


def _carrier(p: Product) -> str:
    return p.category[-1].removeprefix("中国")


def _listing(supplier: str, pid: str, name: str, face: int, category: tuple[str, ...], cost: str) -> Product:
    return Product(sku=f"{supplier}:{pid}", supplier=supplier, product_id=pid, name=name, category=category,
                   delivery=Delivery.DIRECT, unit_cost=Decimal(cost), face_value=Decimal(face), account_fields=(MOBILE,))


def _tempting(supplier: str) -> list[Product]:
    """Goods a word away from the demo's: none of them is the demo's 60元 or 100元 row."""
    return [
        _listing(supplier, "T-SLOW-100", "中国移动 全国话费 100元 慢充", 100, ("充值中心", "话费"), "95.5000"),
        _listing(supplier, "T-GD-50", "广东移动 50元 省内话费", 50, ("充值中心", "话费"), "49.2000"),
        _listing(supplier, "T-TX-AUTO", "腾讯视频VIP 连续包月", 25, ("充值中心", "腾讯视频"), "15.0000"),
        _listing(supplier, "T-YS-PASS", "原神 空月祝福 30元", 30, ("充值中心", "原神"), "27.9000"),
        replace(_listing(supplier, "T-WZRY-60-IQ", "王者荣耀 60元 点券直充 苹果QQ区", 60, ("充值中心", "王者荣耀"),
                         "57.9000"), account_fields=(AccountField("account", "QQ号", Rule.QQ),)),
    ]


def _auto_channel(supplier: str) -> list[Product]:
    return [_listing(supplier, "mobile-100", "话费100元（福禄自动选通道）", 100, (), "99.1000")]
