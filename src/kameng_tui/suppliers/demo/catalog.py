"""The demo catalog: deterministic, realistic, any size.

The same SKUs on every machine (no randomness, only hashes of ids). A fixed core of
the trade's goods comes first — 话费, game point cards, video memberships, software
keys — then standard physical goods (phone cases by 机型/颜色/材质/款式, snacks by
品牌/口味/规格) fill the catalog up to the requested size, so 100,000 SKUs are
100,000 distinct, plausible products.
"""

from __future__ import annotations

import hashlib
import itertools
from decimal import Decimal
from typing import Iterator

from kameng_tui.domain.models import AccountField, Delivery, Product, Rule, SaleStatus

MOBILE = AccountField("account", "手机号", Rule.MOBILE)
QQ = AccountField("account", "QQ号", Rule.QQ)
GAME_ID = AccountField("account", "游戏账号", Rule.GAME)
ADDRESS = (AccountField("address", "收货地址（收件人,电话,地址）", Rule.ADDRESS),)
Q4 = Decimal("0.0001")


def h(text: str) -> int:
    """A stable 64-bit number from text (never Python's salted hash())."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def frac(text: str) -> float:
    return (h(text) % 10_000) / 10_000


def cost_of(face: Decimal, pid: str, low: str, high: str) -> Decimal:
    """A cost between face*low and face*high, 4 places, stable per product."""
    lo, hi = Decimal(low), Decimal(high)
    ratio = lo + (hi - lo) * Decimal(h(pid) % 1000) / Decimal(1000)
    return (face * ratio).quantize(Q4)


CARRIERS = (("CM", "中国移动", "移动"), ("LT", "中国联通", "联通"), ("DX", "中国电信", "电信"))
HF_FACES = (10, 20, 30, 50, 100, 200, 300, 500)


def huafei(supplier: str) -> Iterator[Product]:
    for code, full, short in CARRIERS:
        for face in HF_FACES:
            pid = f"HF-{code}-{face}"
            fv = Decimal(face)
            yield Product(
                sku=f"{supplier}:{pid}", supplier=supplier, product_id=pid,
                name=f"{short}话费{face}元 直充", category=("话费", full), delivery=Delivery.DIRECT,
                unit_cost=cost_of(fv, pid, "0.9850", "0.9960"), face_value=fv, stock=None,
                account_fields=(MOBILE,), attributes=(("运营商", short), ("面值", f"{face}元")),
                max_qty=1, sales_rank=HF_FACES.index(face) + 1,
            )


WZRY_REGIONS = ("安卓QQ", "苹果QQ", "安卓微信", "苹果微信")
LOL_SERVERS = {"电信": ("艾欧尼亚", "祖安", "诺克萨斯", "班德尔城"), "网通": ("比尔吉沃特", "德玛西亚", "弗雷尔卓德")}
YS_SERVERS = ("天空岛", "世界树")

# (id, name, unit, publisher path, faces, delivery kinds, account field set)
GAMES = (
    ("WZRY", "王者荣耀", "点券", ("游戏", "腾讯", "王者荣耀"), (6, 30, 60, 68, 128, 198, 328, 648), "D", "wzry"),
    ("HPJY", "和平精英", "UC", ("游戏", "腾讯", "和平精英"), (6, 30, 68, 128, 328, 648), "D", "wzry"),
    ("LOL", "英雄联盟", "点券", ("游戏", "腾讯", "英雄联盟"), (10, 20, 50, 100, 200, 500), "D", "lol"),
    ("QQB", "QQ币", "Q币", ("游戏", "腾讯", "QQ币"), (1, 5, 10, 30, 50, 100, 200), "DK", "qq"),
    ("YS", "原神", "创世结晶", ("游戏", "米哈游", "原神"), (6, 30, 98, 198, 328, 648), "D", "ys"),
    ("BT", "崩坏：星穹铁道", "古老梦华", ("游戏", "米哈游", "崩坏：星穹铁道"), (6, 30, 98, 198, 328, 648), "D", "ys"),
    ("STEAM", "Steam", "充值卡", ("游戏", "平台", "Steam"), (20, 50, 100, 200, 500), "K", "card"),
    ("WY", "网易一卡通", "点卡", ("游戏", "网易", "网易一卡通"), (10, 15, 30, 50, 100, 300), "K", "card"),
    ("WOW", "魔兽世界", "点卡", ("游戏", "网易", "魔兽世界"), (15, 30, 75, 150), "K", "card"),
    ("JW3", "剑网3", "通宝", ("游戏", "西山居", "剑网3"), (15, 30, 50, 100, 200), "DK", "game"),
    ("MC", "我的世界", "钻石", ("游戏", "网易", "我的世界"), (6, 30, 68, 128, 328), "D", "game"),
    ("SJ", "盛趣一卡通", "点卡", ("游戏", "盛趣", "盛趣一卡通"), (10, 30, 50, 100), "K", "card"),
)


def game_fields(kind: str) -> tuple[AccountField, ...]:
    if kind == "wzry":
        return (QQ, AccountField("region", "大区", Rule.CHOICE, options=WZRY_REGIONS))
    if kind == "lol":
        return (QQ, AccountField("region", "大区", Rule.CHOICE, options=tuple(LOL_SERVERS)),
                AccountField("server", "服务器", Rule.CHOICE, depends_on="region",
                             options=tuple(s for v in LOL_SERVERS.values() for s in v), option_tree=LOL_SERVERS))
    if kind == "ys":
        return (AccountField("account", "UID", Rule.GAME),
                AccountField("server", "服务器", Rule.CHOICE, options=YS_SERVERS))
    if kind == "qq":
        return (QQ,)
    if kind == "game":
        return (GAME_ID,)
    return (MOBILE,)   # a card is delivered to us; the phone is the customer's contact


def games(supplier: str) -> Iterator[Product]:
    for gid, game, unit, cat, faces, kinds, fields in GAMES:
        for face in faces:
            for kind in kinds:
                delivery = Delivery.DIRECT if kind == "D" else Delivery.CARD
                pid = f"GM-{gid}-{face}-{kind}"
                fv = Decimal(face)
                acct = game_fields(fields) if delivery is Delivery.DIRECT else (MOBILE,)
                stock = None if delivery is Delivery.DIRECT else (h(pid) % 400)
                yield Product(
                    sku=f"{supplier}:{pid}", supplier=supplier, product_id=pid,
                    name=f"{game}{unit}{face}元" + ("" if delivery is Delivery.DIRECT else " 卡密"),
                    category=cat, delivery=delivery, unit_cost=cost_of(fv, pid, "0.9000", "0.9900"), face_value=fv,
                    stock=stock, stock_alarm=stock is not None and stock < 10,
                    account_fields=acct, attributes=(("面值", f"{face}元"),),
                    max_qty=1 if delivery is Delivery.DIRECT else 20,
                    sales_rank=faces.index(face) + 1,
                    tiers=() if delivery is Delivery.DIRECT else ((10, (cost_of(fv, pid, "0.9000", "0.9900") * Decimal("0.99")).quantize(Q4)),),
                )


VIDEO = (("TX", "腾讯视频", ("VIP", "SVIP")), ("IQ", "爱奇艺", ("黄金", "星钻")), ("YK", "优酷", ("VIP", "SVIP")),
         ("BZ", "B站大会员", ("普通", "PLUS")), ("MG", "芒果TV", ("VIP", "全屏")))
PERIODS = (("M", "月", Decimal(25), "月卡"), ("Q", "季", Decimal(68), "季卡"), ("Y", "年", Decimal(238), "年卡"))


def video(supplier: str) -> Iterator[Product]:
    for vid, platform, levels in VIDEO:
        for li, level in enumerate(levels):
            for pcode, period, base, label in PERIODS:
                for kind in ("K", "D"):
                    pid = f"VM-{vid}-{pcode}-{li}-{kind}"
                    face = (base * (Decimal("1.8") if li else 1)).quantize(Decimal(1))
                    delivery = Delivery.CARD if kind == "K" else Delivery.DIRECT
                    grade = "PLUS" if li else "普通"
                    stock = (h(pid) % 60) if delivery is Delivery.CARD else None
                    yield Product(
                        sku=f"{supplier}:{pid}", supplier=supplier, product_id=pid,
                        name=f"{platform}{level}会员{label}" + (" 卡密" if kind == "K" else " 直充"),
                        category=("视频会员", platform), delivery=delivery,
                        unit_cost=cost_of(face, pid, "0.6000", "0.8500"), face_value=face, stock=stock,
                        stock_alarm=stock is not None and stock < 5,
                        account_fields=(MOBILE,) if vid in ("TX", "IQ", "YK") or kind == "K" else (QQ,) if vid == "MG" else (MOBILE,),
                        attributes=(("周期", period), ("等级", grade), ("平台", platform)),
                        max_qty=1 if delivery is Delivery.DIRECT else 10,
                        sales_rank=(h(pid) % 30) + 1,
                    )


SOFTWARE = (("办公", "Windows 11 家庭版", 98), ("办公", "Windows 11 专业版", 128), ("办公", "Office 2021 专业增强版", 168),
            ("办公", "Microsoft 365 个人版 1年", 298), ("办公", "WPS 超级会员 1年", 89), ("安全", "卡巴斯基安全软件 1年", 99),
            ("安全", "诺顿 360 标准版 1年", 119), ("安全", "火绒企业版 1年", 150), ("工具", "WinRAR 个人授权", 75),
            ("工具", "Typora 永久授权", 89), ("工具", "XMind 1年", 119), ("设计", "CorelDRAW 2024 1年", 1099),
            ("网盘", "百度网盘超级会员 月卡", 30), ("网盘", "百度网盘超级会员 年卡", 298), ("网盘", "夸克网盘 SVIP 年卡", 188))


def software(supplier: str) -> Iterator[Product]:
    for i, (cat, name, face) in enumerate(SOFTWARE):
        pid = f"SW-{i:03d}"
        fv = Decimal(face)
        stock = h(pid) % 150
        yield Product(
            sku=f"{supplier}:{pid}", supplier=supplier, product_id=pid, name=f"{name} 激活码",
            category=("软件", cat), delivery=Delivery.CARD, unit_cost=cost_of(fv, pid, "0.3000", "0.7000"),
            face_value=fv, stock=stock, stock_alarm=stock < 10, account_fields=(MOBILE,),
            attributes=(("授权", "1年" if "1年" in name or "年卡" in name else "永久"),), max_qty=10,
            sales_rank=(h(pid) % 15) + 1,
            sale_status=SaleStatus.MAINTENANCE if i == 11 else SaleStatus.ON,
        )


MODELS = ("iPhone 16 Pro Max", "iPhone 16 Pro", "iPhone 16", "iPhone 15 Pro Max", "iPhone 15 Pro", "iPhone 15",
          "iPhone 14", "iPhone 13", "华为 Mate 70 Pro", "华为 Mate 60 Pro", "华为 Pura 70", "华为 nova 12",
          "小米 15 Pro", "小米 14", "小米 Civi 4", "红米 K80", "红米 Note 13", "OPPO Find X8", "OPPO Reno 12",
          "vivo X200", "vivo S19", "荣耀 Magic 7", "荣耀 90", "一加 13", "三星 Galaxy S24", "realme GT 6")
COLOURS = ("黑色", "白色", "透明", "深空灰", "远峰蓝", "樱花粉", "薄荷绿", "暗夜紫", "奶油黄", "酒红")
MATERIALS = ("硅胶", "TPU", "皮革", "碳纤维", "亚克力", "液态硅胶")
STYLES = ("简约", "磁吸", "防摔", "支架", "卡通", "镜面", "指环", "编织", "电镀", "磨砂")
PATTERNS = ("纯色", "大理石", "星空", "猫咪", "熊猫", "国潮", "山水", "樱花", "几何", "字母", "恐龙", "宇航员",
            "向日葵", "格纹", "迷彩", "渐变", "水墨", "锦鲤", "祥云", "故宫")
SNACK_BRANDS = ("乐事", "三只松鼠", "良品铺子", "百草味", "旺旺", "卫龙", "好丽友", "奥利奥", "盼盼", "来伊份")
SNACKS = ("薯片", "坚果礼盒", "牛肉干", "辣条", "饼干", "鱼豆腐", "瓜子", "果干")
FLAVOURS = ("原味", "黄瓜味", "番茄味", "烧烤味", "麻辣味", "海苔味", "芝士味", "五香味", "蜂蜜黄油味", "青柠味")
SIZES = ("小包装", "家庭装", "整箱")


def physical(supplier: str) -> Iterator[Product]:
    """Phone cases and snacks, interleaved so any cut of the catalog has both."""
    cases = itertools.product(PATTERNS, STYLES, MATERIALS, COLOURS, MODELS)
    snacks = itertools.product(SIZES, FLAVOURS, SNACKS, SNACK_BRANDS)
    i = 0
    for pair in itertools.zip_longest(cases, cases, cases, cases, snacks):
        for item in pair:
            if item is None:
                continue
            i += 1
            yield _case(supplier, *item) if len(item) == 5 else _snack(supplier, *item)
    # Past the combinations (~314k) the catalog stops growing: enough for every benchmark.


def _case(supplier: str, pattern: str, style: str, material: str, colour: str, model: str) -> Product:
    pid = (f"PC-{MODELS.index(model):02d}{COLOURS.index(colour)}{MATERIALS.index(material)}{STYLES.index(style)}"
           f"{PATTERNS.index(pattern):02d}")
    price = Decimal(19 + (h(pid) % 60))
    stock = h(pid + "s") % 300
    return Product(
        sku=f"{supplier}:{pid}", supplier=supplier, product_id=pid, name=f"{model} {pattern}{style}{material}手机壳 {colour}",
        category=("实物", "手机壳", model.split()[0]), delivery=Delivery.PHYSICAL,
        unit_cost=(price * Decimal("0.45")).quantize(Q4), face_value=None, stock=stock, stock_alarm=stock < 8,
        account_fields=ADDRESS, attributes=(("机型", model), ("颜色", colour), ("材质", material), ("款式", style), ("图案", pattern)),
        max_qty=5, sales_rank=(h(pid) % 200) + 1,
        sale_status=SaleStatus.OFF if h(pid) % 97 == 0 else SaleStatus.ON,
    )


def _snack(supplier: str, size: str, flavour: str, snack: str, brand: str) -> Product:
    pid = f"SN-{SNACK_BRANDS.index(brand)}{SNACKS.index(snack)}{FLAVOURS.index(flavour)}{SIZES.index(size)}"
    price = Decimal(9 + (h(pid) % 40)) * (1 + SIZES.index(size))
    stock = h(pid + "s") % 500
    return Product(
        sku=f"{supplier}:{pid}", supplier=supplier, product_id=pid, name=f"{brand}{snack} {flavour} {size}",
        category=("实物", "零食", snack), delivery=Delivery.PHYSICAL, unit_cost=(price * Decimal("0.6")).quantize(Q4),
        stock=stock, stock_alarm=stock < 8, account_fields=ADDRESS,
        attributes=(("品牌", brand), ("口味", flavour), ("规格", size)), max_qty=10, sales_rank=(h(pid) % 100) + 1,
    )


def generate_catalog(size: int = 2000, supplier: str = "demo") -> list[Product]:
    """The first `size` products (the virtual-goods core always comes first)."""
    out: list[Product] = []
    for family in (huafei, games, video, software, physical):
        for product in family(supplier):
            if len(out) >= size:
                return out
            out.append(product)
    return out
