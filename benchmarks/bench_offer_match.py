"""Offer matching (issue 18) on 3 suppliers x 100,000 cached SKUs: target <= 5 s.

Each supplier's 100,000 listings: 70% virtual goods (话费 by carrier, province, face
and speed; game top-ups and cards by face; memberships by platform, level, period and
form) in that supplier's own wording (the demo's, a reworded wholesaler's with game
currencies in 点券/UC, a names-only Fulu-style list), and 30% physical goods (which the
rule does not know).

The listings are stored in a real ledger's catalog cache (a temporary SQLite file) as a
sync stores them, which reads each one by the rule and keeps the reading (migration 6).
The matching step is then what `OfferService.match` does: the stored readings grouped,
plus the links. Baseline in the same run: the matching step as it was before readings
were stored (every cached listing parsed and read by the rule, its cache of listings
that read the same cleared first). Reported separately: the one-time cost of reading
every listing (paid at sync, once per new or changed listing). CPU time beside wall:
the machine is shared.

`--catalog demo`: instead, the demo catalog as the reference server's three styles
publish it (demo, reworded, names only): 166 virtual goods, the rest physical.

    .venv/bin/python benchmarks/bench_offer_match.py [--per-supplier 100000] [--runs 5] [--baseline-runs 3] [--catalog demo]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Callable, TypeVar

from kameng_tui.domain.models import AccountField, Delivery, Product, Rule
from kameng_tui.domain.offer_match import OfferMatch, match_offers
from kameng_tui.domain.offer_parse import _shape
from kameng_tui.domain.offer_reading import match_readings
from kameng_tui.suppliers.demo.catalog import physical

T = TypeVar("T")

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


def timed(fn: Callable[[], T], runs: int) -> tuple[T, list[float], list[float]]:
    """fn's result, and its wall and CPU seconds per run."""
    wall, cpu, out = [], [], None
    for _ in range(runs):
        _shape.cache_clear()
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    assert out is not None
    return out, wall, cpu


def figures(label: str, wall: list[float], cpu: list[float], target: str = "") -> str:
    p95 = sorted(wall)[max(0, round(0.95 * len(wall)) - 1)]
    return (f"{label:<34} median {statistics.median(wall):6.2f} s  p95 {p95:6.2f} s  "
            f"CPU median {statistics.median(cpu):6.2f} s{target}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-supplier", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline-runs", type=int, default=3)
    ap.add_argument("--catalog", choices=("virtual", "demo"), default="virtual")
    args = ap.parse_args()
    if args.catalog == "demo":
        from kameng_tui.refserver.ref_catalogs import styled
        from kameng_tui.suppliers.demo.catalog import generate_catalog

        products = [p for name, style in (("demo", "demo"), ("refa", "reworded"), ("refb", "names"))
                    for p in styled(generate_catalog(args.per_supplier, name), style, name)]
    else:
        products = [p for style in range(3) for p in supplier_catalog(style, args.per_supplier)]
    print(f"catalog: 3 suppliers x {args.per_supplier} = {len(products)} SKUs; runs {args.runs}, "
          f"baseline runs {args.baseline_runs}")
    from kameng_tui.ledger import offer_readings
    from kameng_tui.ledger.sqlite import open_ledger

    _, read_wall, read_cpu = timed(lambda: [offer_readings.read(p) for p in products], 1)
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_ledger(Path(tmp) / "data")
        try:
            at = datetime(2026, 12, 7, tzinfo=timezone.utc)
            for i in range(0, len(products), 500):           # stored as a sync stores them, page by page
                page = products[i:i + 500]
                ledger.catalog.upsert(page, [p.name for p in page], at=at)
            links = ledger.offer_links()
            m, wall, cpu = timed(lambda: match_readings(ledger.catalog.readings(), links), args.runs)

            def before() -> OfferMatch:
                stored, _ = ledger.catalog.load()
                return match_offers(stored, links)

            old, base_wall, base_cpu = timed(before, args.baseline_runs)
        finally:
            ledger.close()
    assert m.product_of == old.product_of, "the stored readings match as the rule does"
    merged = sum(1 for skus in m.offers.values() if len(skus) > 1)
    print(f"products: {len(m.offers)}, with several offers: {merged}, unsure: {len(m.unsure)}, "
          f"unknown goods: {len(m.unknown)} (the same as the rule's)")
    print(figures("matching step (stored readings):", wall, cpu, "  (target <= 5 s)"))
    print(figures("baseline: reading at matching:", base_wall, base_cpu))
    print(f"ratio: wall {statistics.median(wall) / statistics.median(base_wall):.3f}x, "
          f"CPU {statistics.median(cpu) / statistics.median(base_cpu):.3f}x of the baseline")
    print(figures("one-time reading of every listing:", read_wall, read_cpu) +
          f"  ({1e6 * statistics.median(read_cpu) / len(products):.0f} us CPU a listing, paid at sync)")


if __name__ == "__main__":
    main()
