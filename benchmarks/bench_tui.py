"""The catalog keystroke script through the Textual app, at 1k, 10k and 100k SKUs.

Per keystroke: from the key event reaching the app to the end of the first compositor
render whose table shows the new rows.

How both ends are hooked (in subclasses defined here, not in the product):
- start: `App.on_event` stamps `perf_counter()` when a `Key` event reaches the app,
  before Textual forwards it to the focused widget;
- end: `App._display` (called with each compositor update) stamps the time once the
  screen's `refilter` for that key has run and the update has been turned into terminal
  bytes (`render_segments`, which headless mode skips, is called here so it counts).
Pilot's own waits between keys are outside both stamps.

Each size runs in its own process (one app per process, as in use). Baseline in the
same run: the same screen with a plain Textual `DataTable` (same
columns), refilled with `clear()` + `add_rows()` of every match per keystroke.
Also: start -> first interactive frame in a fresh process (2,000-SKU demo from cache and
on first start; 100k from cache) and the RSS of that process at 100k.

    .venv/bin/python benchmarks/bench_tui.py [--sizes 1000,10000,100000] [--naive-max 100000]
    .venv/bin/python benchmarks/bench_tui.py --offers 3 [--sizes 100000] [--rounds 2]   # products with offers (issue 18)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from kit import base_env  # noqa: E402

VERBOSE = "--verbose" in sys.argv
REPEAT = 3
SCRIPT = [*"wzry", *["backspace"] * 4, "话", "费", "ctrl+u", *"huafei", "space", *"100", "ctrl+u", *"xyzq", "ctrl+u",
          "FACET", "FACET"]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def same_ids_are_one_product() -> None:
    """For the offers case: the demo suppliers publish the same goods under the same
    ids, and the matching rule reads names as a person would (it leaves the demo's
    physical goods apart, and takes minutes over 300k listings: match's own figure).
    Here a SKU's product is its id, so every product has one offer per supplier and
    the figure is the keystroke's alone."""
    from kameng_tui.domain.offer_match import OfferMatch
    from kameng_tui.services.offers import OfferService

    def match(self: OfferService) -> OfferMatch:
        stamp = self.catalog.cache.version()
        if getattr(self, "_bench_match", (None,))[0] != stamp:
            product_of = {sku: sku.split(":", 1)[1] for sku in self.catalog.cache.columns().sku}
            offers: dict[str, list[str]] = {}
            for sku, pid in product_of.items():
                offers.setdefault(pid, []).append(sku)
            self._bench_match = (stamp, OfferMatch({}, product_of, offers))  # type: ignore[attr-defined]
        return self._bench_match[1]  # type: ignore[attr-defined,no-any-return]

    OfferService.match = match  # type: ignore[method-assign]


def prepare(size: int, root: Path, offers: int = 1) -> dict[str, str]:
    """A home whose catalog cache and index snapshot hold `size` demo SKUs; with
    `offers` > 1, as many demo suppliers publishing the same goods (issue 18): `size`
    products of `offers` offers each, the catalog screen one row per product."""
    try:
        from kameng_tui.bootstrap import build_context
    except ImportError:  # an older tree (--vs main): the root was services/context.py
        from kameng_tui.services.context import build_context

    home = root / f"home-{size}-{offers}"
    home.mkdir()
    env = base_env(home, KAMENG_TUI_DEMO_SIZE=str(size))
    if offers > 1:
        cfg = home / "config" / "config.toml"
        cfg.parent.mkdir(parents=True, exist_ok=True)
        cfg.write_text("".join(f'[[suppliers]]\nname = "{"demo" if i == 0 else f"demo{i + 1}"}"\nkind = "demo"\n\n'
                               for i in range(offers)), encoding="utf-8")
    ctx = build_context(env)
    t = time.perf_counter()
    asyncio.run(ctx.catalog.sync())
    ctx.catalog.index()
    print(f"  [{size}x{offers}] catalog sync + index snapshot: {time.perf_counter() - t:.1f} s", flush=True)
    if offers > 1:
        t = time.perf_counter()
        ctx.offers.match()
        matched = time.perf_counter() - t
        t = time.perf_counter()
        board = ctx.offer_board.index()
        print(f"  [{size}x{offers}] offers matched in {matched:.1f} s, choice + product index in "
              f"{time.perf_counter() - t:.1f} s: {board.n} rows", flush=True)
    asyncio.run(ctx.aclose())
    ctx.close()
    return env


def bench_app(env: dict[str, str], naive: bool) -> list[float]:
    try:
        from kameng_tui.tui.tuning import pace_frames  # first, as the app's entry does: before Textual
    except ImportError:  # an older tree (--vs main): importing kameng_tui.tui set TEXTUAL_FPS
        pass
    else:
        pace_frames()
    from kameng_tui.tui.app import KamengApp
    from textual.widgets import DataTable

    try:
        from kameng_tui.bootstrap import build_context
    except ImportError:  # an older tree (--vs main): the root was services/context.py
        from kameng_tui.services.context import build_context
    from kameng_tui.tui.screens.catalog import CatalogScreen
    from kameng_tui.tui.screens.history import HistoryScreen
    from kameng_tui.tui.widgets.filter_pane import FilterPane
    from kameng_tui.tui.widgets.product_table import ProductTable, money_text

    class NaiveCatalog(CatalogScreen):
        """The same screen with a DataTable in place of the virtual table."""

        def on_mount(self) -> None:
            table = self.query_one(ProductTable)
            naive_table = DataTable(id="naive")
            naive_table.add_columns("商品", "面值", "进价", "折扣", "库存", "标签")
            table.parent.mount(naive_table, after=table)
            table.display = False
            super().on_mount()

        def refilter(self, keep_cursor: bool = False) -> None:
            if self.index is None:
                return
            index = self.index
            result = index.query(self.q, limit=0)
            rows = []
            for pos in result.ordered:
                p = index.loader(int(pos))
                price, face = int(index.price[pos]), int(index.face[pos])
                tags = " ".join(t for t, m in index.tags.items() if m[pos])
                rows.append((p.name, money_text(face) if face else "", money_text(price),
                             f"{price * 10 / face:.1f}" if face else "", "" if p.stock is None else str(p.stock), tags))
            table = self.query_one("#naive", DataTable)
            table.clear()
            table.add_rows(rows)
            self.query_one(FilterPane).show(self.q, result)
            self.app.refiltered = True

    class Timed(KamengApp):
        MODES = {"catalog": NaiveCatalog if naive else CatalogScreen, "history": HistoryScreen}

        def __init__(self, ctx) -> None:
            super().__init__(ctx)
            self.t0: float | None = None
            self.refiltered = False
            self.samples: list[float] = []
            self.keys: list[str] = []
            self.key = ""

        async def on_event(self, event) -> None:
            from textual import events

            if isinstance(event, events.Key) and self.t0 is None:
                self.t0 = time.perf_counter()
                self.refiltered = False
                self.key = event.key
            await super().on_event(event)

        def _display(self, screen, renderable) -> None:
            super()._display(screen, renderable)
            if self.t0 is not None and self.refiltered and renderable is not None:
                from textual._compositor import CompositorUpdate

                if isinstance(renderable, CompositorUpdate):
                    renderable.render_segments(self.console)
                self.samples.append((time.perf_counter() - self.t0) * 1000)
                self.keys.append(self.key)
                self.t0 = None

    if not naive:
        original = CatalogScreen.refilter

        def refilter(self, keep_cursor: bool = False) -> None:
            original(self, keep_cursor)
            self.app.refiltered = True

        CatalogScreen.refilter = refilter  # type: ignore[method-assign]

    async def run() -> list[float]:
        ctx = build_context(env)
        app = Timed(getattr(ctx, "shop", ctx))
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press("slash")
                await pilot.pause()
                app.t0 = None
                app.samples.clear()
                app.keys.clear()
                for key in ["FOCUS", *SCRIPT] * (1 if naive else REPEAT):     # the baseline is slow: once
                    if key == "FOCUS":              # back to the search field for the next round
                        app.screen.set_focus(app.screen.query_one("#search"))
                        await pilot.pause()
                        continue
                    if key == "FACET":
                        pane = app.screen.query_one(FilterPane)
                        app.screen.set_focus(pane)
                        row = next(i for i, e in enumerate(pane.entries) if e.kind == "value")
                        pane.move_cursor(row)
                        await pilot.pause()
                        app.t0 = None
                        await pilot.press("enter")
                    else:
                        await pilot.press(key)
                    await pilot.pause()
                    app.t0 = None            # a key that changed nothing (ctrl+u on empty) leaves no sample
                if VERBOSE:
                    print("    " + " ".join(f"{k}:{v:.0f}" for k, v in zip(app.keys, app.samples)))
                return list(app.samples)
        finally:
            if not naive:
                CatalogScreen.refilter = original  # type: ignore[method-assign]
            ctx.close()

    return asyncio.run(run())


START_CHILD = r"""
import os, sys, time
try:
    from kameng_tui.bootstrap import build_context
except ImportError:  # an older tree (--vs main): the root was services/context.py
    from kameng_tui.services.context import build_context
try:
    from kameng_tui.tui.tuning import pace_frames  # as the app's entry does: before Textual
except ImportError:  # an older tree (--vs main): importing kameng_tui.tui set TEXTUAL_FPS
    pass
else:
    pace_frames()
from kameng_tui.tui.app import KamengApp
from kameng_tui.tui.widgets.product_table import ProductTable

class Once(KamengApp):
    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        try:
            table = self.screen.query_one(ProductTable)
        except Exception:
            return
        if table.row_count() and renderable is not None:
            renderable.render_segments(self.console)
            rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS"))
            print(f"READY {rss}", flush=True)
            self.exit()

ctx = build_context()
Once(getattr(ctx, "shop", ctx)).run(headless=True, size=(120, 40))
"""


def start_time(env: dict[str, str]) -> tuple[float, int]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", START_CHILD], env=env, capture_output=True, text=True, timeout=300)
    took = time.perf_counter() - t
    line = next((l for l in out.stdout.splitlines() if l.startswith("READY")), None)
    if line is None:
        raise SystemExit(f"the app never showed rows:\n{out.stdout}\n{out.stderr[-2000:]}")
    return took, int(line.split()[1]) // 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--naive-max", type=int, default=100000, help="largest size the DataTable baseline runs at")
    ap.add_argument("--verbose", action="store_true", help="print each keystroke's figure")
    ap.add_argument("--repeat", type=int, default=3, help="times the script runs in each app")
    ap.add_argument("--no-header", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--offers", type=int, default=1,
                    help="products with offers (issue 18): each size as products of this many suppliers' offers, "
                         "against the same size of one supplier in the same run")
    ap.add_argument("--one-case", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--root", type=Path, default=None,
                    help="with --offers: keep the synced homes in this directory and use them again")
    ap.add_argument("--rounds", type=int, default=1,
                    help="with --offers: the two cases alternate this many times on homes synced once")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    global REPEAT
    REPEAT = args.repeat
    if args.one_case:
        one_case(sizes[0], args.one_case, args.root)
        return
    if args.offers > 1:
        run_offers(sizes, args.offers, args.rounds, args.root)
        return
    if not args.no_header:
        print(f"bench_tui: python {sys.version.split()[0]}, {os.cpu_count()} cpus, 120x40, "
              f"{len(SCRIPT)} keystrokes x {REPEAT} per run (script: {' '.join(SCRIPT)})", flush=True)
    if len(sizes) > 1:
        # Each size in its own process, as a reseller runs one app: objects frozen out of
        # the GC by one run must not weigh on the next.
        for size in sizes:
            cmd = [sys.executable, __file__, "--sizes", str(size), "--naive-max", str(args.naive_max),
                   "--repeat", str(REPEAT), "--no-header"] + (["--verbose"] if args.verbose else [])
            subprocess.run(cmd, check=True)
        run_starts()
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        size = sizes[0]
        env = prepare(size, root)
        ours = bench_app(env, naive=False)
        line = f"  [{size}] this app: n={len(ours)} median {statistics.median(ours):.2f} ms, p95 {pct(ours, 0.95):.2f} ms"
        if size <= args.naive_max:
            base = bench_app(env, naive=True)
            ratio_med = statistics.median(base) / statistics.median(ours)
            ratio_p95 = pct(base, 0.95) / pct(ours, 0.95)
            line += (f" | DataTable clear+add_rows: median {statistics.median(base):.1f} ms, p95 {pct(base, 0.95):.1f} ms"
                     f" | ratio median {ratio_med:.0f}x, p95 {ratio_p95:.0f}x")
        print(line, flush=True)
        if size == 100000:
            took, rss = start_time(env)
            print(f"  [{size}] start -> first frame with rows (from cache): {took:.2f} s, RSS {rss} MB "
                  "(targets: <= 2.5 s at 100k, <= 200 MB)", flush=True)


def one_case(size: int, offers: int, root: Path | None = None) -> None:
    """One case in this process: its keystroke figures as a RESULT line for the parent
    and every sample as a SAMPLES line. With `root`, the home is kept there and a home
    made by an earlier round is used again (its sync takes minutes at 3 x 100k)."""
    if offers > 1:
        same_ids_are_one_product()
    with tempfile.TemporaryDirectory() as tmp:
        home = (root or Path(tmp)) / f"home-{size}-{offers}"
        env = base_env(home, KAMENG_TUI_DEMO_SIZE=str(size)) if home.exists() else prepare(size, home.parent, offers)
        ours = bench_app(env, naive=False)
        print(f"RESULT {statistics.median(ours):.3f} {pct(ours, 0.95):.3f} {len(ours)}", flush=True)
        print("SAMPLES " + " ".join(f"{v:.3f}" for v in ours), flush=True)


def run_offers(sizes: list[int], offers: int, rounds: int = 1, keep: Path | None = None) -> None:
    """Issue 18's target: the keystroke over `size` products of `offers` offers each at
    most 1.15x the same run's figure over `size` SKUs of one supplier (each case in its
    own process, one supplier first). With `rounds` > 1 the two cases alternate (1, n,
    1, n, ...) on homes synced once, so a shared machine's load weighs on both alike;
    the figures pool every round's samples. `keep`: the homes are kept there (and used
    again by the next run)."""
    print(f"bench_tui products with offers: python {sys.version.split()[0]}, {os.cpu_count()} cpus, 120x40, "
          f"{len(SCRIPT)} keystrokes x {REPEAT} per run, {rounds} round(s)", flush=True)
    for size in sizes:
        samples: dict[int, list[float]] = {1: [], offers: []}
        with tempfile.TemporaryDirectory() as tmp:
            root = str(keep or tmp)
            for r in range(rounds):
                for n in (1, offers):
                    cmd = [sys.executable, __file__, "--sizes", str(size), "--repeat", str(REPEAT), "--no-header",
                           "--one-case", str(n), "--root", root] + (["--verbose"] if VERBOSE else [])
                    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
                    for line in out.stdout.splitlines():
                        if line.startswith("RESULT"):
                            med, p95, count = line.split()[1:]
                            print(f"  [{size} products x {n} {'offer' if n == 1 else 'offers'}] round {r + 1}: n={count} "
                                  f"median {float(med):.2f} ms, p95 {float(p95):.2f} ms", flush=True)
                        elif line.startswith("SAMPLES"):
                            samples[n] += [float(v) for v in line.split()[1:]]
                        else:
                            print(line, flush=True)
        (m1, p1), (mn, pn) = [(statistics.median(samples[n]), pct(samples[n], 0.95)) for n in (1, offers)]
        print(f"  [{size}] all rounds: 1 offer n={len(samples[1])} median {m1:.2f} ms, p95 {p1:.2f} ms; "
              f"{offers} offers n={len(samples[offers])} median {mn:.2f} ms, p95 {pn:.2f} ms", flush=True)
        print(f"  [{size}] ratio {offers} offers / 1 offer: median {mn / m1:.2f}x, p95 {pn / p1:.2f}x "
              f"(target <= 1.15x; p95 <= 16 ms on a quiet run)", flush=True)


def run_starts() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "home-demo"
        demo.mkdir()
        env = base_env(demo)
        took, _ = start_time(env)
        print(f"  [2000 demo] first start (syncs the demo catalog): {took:.2f} s")
        took, rss = start_time(env)
        print(f"  [2000 demo] start -> first frame with rows (from cache): {took:.2f} s, RSS {rss} MB (target <= 1.0 s)")


if __name__ == "__main__":
    main()
