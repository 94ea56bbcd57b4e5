"""The catalog's product index (issue 18) at 3 suppliers x 100,000 SKUs: one row per
product merged from its offers, built after a sync or a balance change while the screen
shows the SKU rows. Target: a few seconds, near the matching step.

A home whose catalog cache holds `--size` demo SKUs from each of `--offers` demo
suppliers (bench_tui.py's `prepare`: a real sync into a real ledger); each product is
the same id at every supplier (bench_tui.py's `same_ids_are_one_product`), so every
product has `--offers` offers. The SKU index and the matching are built first (their own
figures, printed): what is timed is `OfferBoard.index()` alone, rebuilt each run.

Baseline in the same run: the product index as it was built before (services/offer_board.py
and domain/product_index.py of BASELINE, loaded from git): the catalog's columns read
again, `choose` run for every product, every search key split again, every SKU's price
points read. Both builds must give the same rows. CPU time beside wall: the machine is
shared.

    .venv/bin/python benchmarks/bench_product_index.py [--size 100000] [--offers 3] [--runs 5] [--baseline-runs 2]
        [--home DIR]   # reuse a home prepared by an earlier run (its sync takes minutes at 3 x 100k)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import bench_tui  # noqa: E402
from kit import base_env  # noqa: E402

BASELINE = "49ffb47"
ROOT = Path(__file__).resolve().parents[1]


def old_board_class() -> Any:
    """OfferBoard as of BASELINE, with the ProductIndex of BASELINE."""
    def module(name: str, path: str, replace: tuple[str, str] | None = None) -> types.ModuleType:
        src = subprocess.run(["git", "-C", str(ROOT), "show", f"{BASELINE}:{path}"], check=True,
                             capture_output=True, text=True).stdout
        if replace:
            src = src.replace(*replace)
        mod = types.ModuleType(name)
        sys.modules[name] = mod
        exec(compile(src, f"{BASELINE}:{path}", "exec"), mod.__dict__)
        return mod

    module("old_product_index", "src/kameng_tui/domain/product_index.py")
    old = module("old_offer_board", "src/kameng_tui/services/offer_board.py",
                 ("from kameng_tui.domain.product_index import", "from old_product_index import"))
    return old.OfferBoard


def timed(fn: Callable[[], Any], runs: int) -> tuple[Any, list[float], list[float]]:
    wall, cpu, out = [], [], None
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return out, wall, cpu


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def line(label: str, wall: list[float], cpu: list[float], extra: str = "") -> str:
    return (f"{label:<38} n={len(wall)} median {statistics.median(wall):6.2f} s  p95 {p95(wall):6.2f} s  "
            f"CPU median {statistics.median(cpu):6.2f} s{extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--offers", type=int, default=3)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--baseline-runs", type=int, default=2)
    ap.add_argument("--home", type=Path, help="a home prepared by an earlier run (kept)")
    args = ap.parse_args()
    bench_tui.same_ids_are_one_product()
    with tempfile.TemporaryDirectory() as tmp:
        if args.home is not None and args.home.exists():
            env = base_env(args.home, KAMENG_TUI_DEMO_SIZE=str(args.size))
        else:
            root = args.home.parent if args.home is not None else Path(tmp)
            env = bench_tui.prepare(args.size, root, args.offers)
            if args.home is not None:
                (root / f"home-{args.size}-{args.offers}").rename(args.home)
                env = base_env(args.home, KAMENG_TUI_DEMO_SIZE=str(args.size))
        from kameng_tui.bootstrap import build_context

        ctx = build_context(env)
        try:
            print(f"bench_product_index: {args.offers} suppliers x {args.size} SKUs "
                  f"({ctx.catalog.cache.count()} cached), python {sys.version.split()[0]}", flush=True)
            _, w, c = timed(ctx.catalog.index, 1)
            print(line("SKU index (from its snapshot):", w, c), flush=True)
            _, w, c = timed(ctx.offers.match, 1)
            print(line("matching (ids, as bench_tui):", w, c), flush=True)
            board = ctx.offer_board

            def build() -> Any:
                board._built = None
                return board.index()

            new, wall, cpu = timed(build, args.runs)
            old_board = old_board_class()(ctx.catalog, ctx.offers, ctx.ledger, ctx.clock)

            def build_old() -> Any:
                old_board._built = None
                return old_board.index()

            old, base_wall, base_cpu = timed(build_old, args.baseline_runs)
            one = one_supplier_index(ctx)
        finally:
            ctx.close()
    assert new.skus == old.skus and new.product_ids == old.product_ids, "the same rows, the same chosen offers"
    assert (new.offer_counts == old.offer_counts).all()
    assert {t: m.sum() for t, m in new.tags.items()} == {t: m.sum() for t, m in old.tags.items()}, "the same badges"
    print(f"products: {new.n}, offers per product: {int(new.offer_counts.min())}-{int(new.offer_counts.max())} "
          "(the same rows, offers and badges in both builds)")
    print(line("product index build:", wall, cpu, "  (target: a few seconds)"))
    print(line(f"baseline ({BASELINE}):", base_wall, base_cpu))
    print(f"ratio: wall {statistics.median(wall) / statistics.median(base_wall):.3f}x, "
          f"CPU {statistics.median(cpu) / statistics.median(base_cpu):.3f}x of the baseline")
    queries(new, one)


def one_supplier_index(ctx: Any) -> Any:
    """The first supplier's SKUs alone, indexed as a shop of one supplier has them."""
    from kameng_tui.domain.catalog_index import CatalogColumns, CatalogIndex

    cols = ctx.catalog.cache.columns()
    rows = [i for i, s in enumerate(cols.supplier) if s == cols.supplier[0]]
    return CatalogIndex(CatalogColumns(**{f: [getattr(cols, f)[i] for i in rows] for f in CatalogColumns.__dataclass_fields__}),
                        lambda i: None)


def queries(products: Any, one: Any, rounds: int = 5) -> None:
    """The keystroke's index work (the query bench_tui's script types, CPU time, rounds
    alternating): over the products of several offers and over one supplier's SKUs.
    The TUI figure (bench_tui.py --offers) adds Textual's frame to both."""
    from kameng_tui.domain.catalog_query import Query

    texts, typed = [], ""
    for key in bench_tui.SCRIPT:
        if key in ("FACET", "ctrl+u"):
            typed = ""
        elif key == "backspace":
            typed = typed[:-1]
        else:
            typed += " " if key == "space" else key
        texts.append(typed)
    ms: dict[str, list[float]] = {"products": [], "one": []}
    for _ in range(rounds):
        for name, index in (("products", products), ("one", one)):
            index._token_cache.clear()
            for text in texts:
                c = time.process_time()
                index.query(Query(text=text), limit=0)
                ms[name].append((time.process_time() - c) * 1000)
    (mp, pp), (mo, po) = [(statistics.median(ms[k]), p95(ms[k])) for k in ("products", "one")]
    print(f"query per keystroke (CPU): {products.n} products median {mp:.2f} ms p95 {pp:.2f} ms; "
          f"{one.n} SKUs of one supplier median {mo:.2f} ms p95 {po:.2f} ms; ratio median {mp / mo:.2f}x, "
          f"p95 {pp / po:.2f}x")


if __name__ == "__main__":
    main()
