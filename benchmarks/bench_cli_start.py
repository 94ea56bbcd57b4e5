"""How long a CLI command takes from exec to exit: what every reseller's script, cron job and
our test suite's subprocess pays before the command does anything.

    .venv/bin/python benchmarks/bench_cli_start.py [--runs 10] [--compare /path/to/other/src]

Each command runs `--runs` times as `python -m kameng_tui ...` (a fresh process each time);
the table gives median and p95 in ms and the ratio to `python -c "import kameng_tui"` (the
floor: the interpreter and our package's __init__), both baselines measured in the same run
so that a loaded machine shifts them together. `--compare SRC` runs every command also with
PYTHONPATH=SRC (another checkout's src/, e.g. main's), interleaved with ours, for a
before/after on the same load. Homes: an empty one (made fresh for `history`, `show`),
and a demo home (the starter config's demo supplier, its catalog synced once).
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA_KEY = base64.b64encode(bytes(range(32))).decode()   # as tests/kit.py


def env_for(home: Path, src: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMENG_TUI_")}
    env.update({"KAMENG_TUI_HOME": str(home), "KAMENG_TUI_DATA_KEY": DATA_KEY,
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", "KAMENG_TUI_DEMO_LATENCY_MS": "0"})
    if src:
        env["PYTHONPATH"] = src
    else:
        env.pop("PYTHONPATH", None)
    return env


def timed(argv: list[str], env: dict[str, str], expect: int) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != expect:
        raise SystemExit(f"{argv}: exit {proc.returncode}, expected {expect}\n{proc.stderr.decode()[-2000:]}")
    return elapsed * 1000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--compare", metavar="SRC", help="another checkout's src/ to time beside this one")
    opts = ap.parse_args()
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="bench-cli-start-"))
    empty, demo = tmp / "empty", tmp / "demo"
    empty.mkdir()
    demo.mkdir()
    # The demo home: a first command writes the starter config; the catalog is cached once.
    timed([py, "-m", "kameng_tui", "catalog", "sync"], env_for(demo, None), 0)
    n = 0

    def order() -> list[str]:
        nonlocal n
        n += 1
        return [py, "-m", "kameng_tui", "order", "demo:HF-CM-10", "--account", f"138{n:08d}", "--again",
                "--yes", "--json"]

    cases: list[tuple[str, object, Path, int]] = [
        ("python -c pass", [py, "-c", "pass"], empty, 0),
        ("import kameng_tui", [py, "-c", "import kameng_tui"], empty, 0),
        ("--version", [py, "-m", "kameng_tui", "--version"], empty, 0),
        ("history (empty home)", [py, "-m", "kameng_tui", "history"], empty, 0),
        ("show KM404 (exit 2)", [py, "-m", "kameng_tui", "show", "KM404"], empty, 2),
        ("catalog (demo home)", [py, "-m", "kameng_tui", "catalog"], demo, 0),
        ("order --yes --json (demo)", order, demo, 0),
    ]
    sources: list[tuple[str, str | None]] = [("this", None)]
    if opts.compare:
        sources.append(("compare", opts.compare))
    results: dict[tuple[str, str], list[float]] = {}
    for _ in range(opts.runs):
        for name, argv, home, code in cases:
            for label, src in sources:
                args = argv() if callable(argv) else argv
                assert isinstance(args, list)
                results.setdefault((name, label), []).append(timed(args, env_for(home, src), code))
    floor = {label: statistics.median(results[("import kameng_tui", label)]) for label, _ in sources}
    print(f"{'command':28} {'source':8} {'median ms':>10} {'p95 ms':>8} {'x import':>9}")
    for name, *_ in cases:
        for label, _ in sources:
            values = results[(name, label)]
            med = statistics.median(values)
            print(f"{name:28} {label:8} {med:10.0f} {p95(values):8.0f} {med / floor[label]:9.2f}")
    if opts.compare:
        print("\nthis / compare (median):")
        for name, *_ in cases[2:]:
            ratio = statistics.median(results[(name, "this")]) / statistics.median(results[(name, "compare")])
            print(f"  {name:28} {ratio:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
