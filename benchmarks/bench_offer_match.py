"""Offer matching (issue 18) on 3 suppliers x 100,000 cached SKUs: target <= 5 s.

Each supplier's 100,000 listings: 70% virtual goods (话费 by carrier, province, face
and speed; game top-ups and cards by face; memberships by platform, level, period and
form) in that supplier's own wording (the demo's, a reworded wholesaler's with game
currencies in 点券/UC, a names-only Fulu-style list), and 30% physical goods (which the
rule does not know). The rule's cache of listings that read the same is cleared before
every run. Baseline in the same run: building the catalog index (domain/catalog_index.py)
over the same 300,000 products, what every sync already pays.

`--catalog demo`: instead, the demo catalog as the reference server's three styles
publish it (demo, reworded, names only): 166 virtual goods, the rest physical.

    .venv/bin/python benchmarks/bench_offer_match.py [--per-supplier 100000] [--runs 5] [--catalog demo]
"""

from __future__ import annotations

import argparse
import statistics
import time
from decimal import Decimal

from kameng_tui.domain.catalog_index import CatalogColumns, CatalogIndex
from kameng_tui.domain.models import AccountField, Delivery, Product, Rule
from kameng_tui.domain.offer_match import match_offers
from kameng_tui.domain.offer_parse import _shape
from kameng_tui.suppliers.demo.catalog import physical

CARRIERS = (("移动", "中国移动"), ("联通", "中国联通"), ("电信", "中国电信"))
PROVINCES = ("广东", "江苏", "浙江", "山东", "河南", "四川", "湖北", "湖南", "河北", "福建", "", "", "", "", "", "")
GAMES = (("王者荣耀", "点券", 10), ("和平精英", "UC", 10), ("原神", "创世结晶", 10), ("QQ币", "", 1),
         ("英雄联盟", "", 1), ("Steam", "", 1), ("网易一卡通", "", 1), ("我的世界", "", 1))
VIDEO = (("腾讯视频", ("VIP", "超级影视VIP")), ("爱奇艺", ("黄金VIP", "白金VIP", "星钻VIP")), ("优酷", ("VIP", "SVIP")),
         ("芒果TV", ("VIP", "全屏影视")), ("网易云音乐", ("黑胶VIP", "黑胶SVIP")), ("京东PLUS", ("",)))
PERIODS = (("月卡", "1个月"), ("季卡", "3个月"), ("年卡", "12个月"), ("连续包月", "连续包月"), ("周卡", "7天"))
MOBILE = (AccountField("account", "手机号", Rule.MOBILE),)


def virtual(i: int, style: int) -> tuple[str, tuple[str, ...], Delivery, Decimal | None]:
    kind = i % 3
    if kind == 0:
        short, full = CARRIERS[(i // 3) % 3]
        prov = PROVINCES[(i // 9) % len(PROVINCES)]
        face = 10 + (i // 144) % 491
        slow = (i // 7) % 4 == 0
        speed = "慢充" if slow else ""
        names = (f"{prov}{short}话费{face}元 直充 {speed}", f"中国{short} {prov or '全国'}话费 {face}元 {speed or '快充'}",
                 f"{prov}{full}话费{face}元{speed}")
        return names[style], (("话费", full), ("充值中心", "话费"), ())[style], Delivery.DIRECT, Decimal(face)
    if kind == 1:
        game, unit, rate = GAMES[(i // 3) % len(GAMES)]
        face = 1 + (i // 24) % 1000
        card = (i // 5) % 3 == 0
        tail = " 卡密" if card else " 直充"
        names = (f"{game}{face}元{tail}", f"{game} {face * rate}{unit}{tail}" if unit and not card else
                 f"{game} {face}元{tail}", f"{game}{face}元{tail.strip()}")
        return names[style], (("游戏", game), ("充值中心", game), ())[style], Delivery.CARD if card else Delivery.DIRECT, \
            Decimal(face)
    platform, levels = VIDEO[(i // 3) % len(VIDEO)]
    level = levels[(i // 18) % len(levels)]
    period = PERIODS[(i // 54) % len(PERIODS)]
    card = (i // 270) % 2 == 0
    names = (f"{platform}{level}会员{period[0]}" + (" 卡密" if card else " 直充"),
             f"{platform} {level} {period[1]} " + ("激活码" if card else "直充"),
             f"{platform}{level}{period[0]}" + ("卡密" if card else ""))
    return names[style], (("视频会员", platform), ("充值中心", platform), ())[style], \
        Delivery.CARD if card else Delivery.DIRECT, None


def supplier_catalog(style: int, size: int) -> list[Product]:
    name = ("demo", "refa", "refb")[style]
    out = []
    n_virtual = size * 7 // 10
    for i in range(n_virtual):
        text, cat, delivery, face = virtual(i, style)
        out.append(Product(sku=f"{name}:V{i}", supplier=name, product_id=f"V{i}", name=text, category=cat,
                           delivery=delivery, unit_cost=Decimal("1.0000"), face_value=face, account_fields=MOBILE))
    for p in physical(name):
        if len(out) >= size:
            break
        out.append(p)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-supplier", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--catalog", choices=("virtual", "demo"), default="virtual")
    args = ap.parse_args()
    if args.catalog == "demo":
        from kameng_tui.refserver.ref_catalogs import styled
        from kameng_tui.suppliers.demo.catalog import generate_catalog

        products = [p for name, style in (("demo", "demo"), ("refa", "reworded"), ("refb", "names"))
                    for p in styled(generate_catalog(args.per_supplier, name), style, name)]
    else:
        products = [p for style in range(3) for p in supplier_catalog(style, args.per_supplier)]
    print(f"catalog: 3 suppliers x {args.per_supplier} = {len(products)} SKUs; runs {args.runs}")
    times, cpu, base = [], [], []
    m = None
    for _ in range(args.runs):
        _shape.cache_clear()
        t, c = time.perf_counter(), time.process_time()
        m = match_offers(products)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        t = time.perf_counter()
        CatalogIndex(CatalogColumns.from_products(products, [p.name for p in products]), lambda i: products[i])
        base.append(time.perf_counter() - t)
    assert m is not None
    merged = sum(1 for skus in m.offers.values() if len(skus) > 1)
    p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
    print(f"products: {len(m.offers)}, with several offers: {merged}, unsure: {len(m.unsure)}, "
          f"unknown goods: {len(m.unknown)}")
    print(f"matching:            median {statistics.median(times):6.2f} s  p95 {p95:6.2f} s  (target <= 5 s)  "
          f"CPU median {statistics.median(cpu):6.2f} s (wall > CPU: a shared machine)")
    print(f"baseline index build: median {statistics.median(base):6.2f} s  "
          f"ratio {statistics.median(times) / statistics.median(base):.2f}x")


if __name__ == "__main__":
    main()
