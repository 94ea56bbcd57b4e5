"""A CLI batch of `@ID` lines fails over (issue 18) with real suppliers: refa and refb
(reference servers as real processes) sell the same goods at the same cost, refa first
by name, refa holding a little stock the local catalog cache does not know is gone.

- `batch run`: lines the policy chose for refa that refa refuses at its create (sold
  out mid-way) end at refb on the same line; no number at two suppliers;
- a line whose chosen offer is refused by its fresh quote (out of stock) takes the next
  offer before the intent instead of being a bad line; a pinned line never moves;
- `batch resume` sends the lines left pending and they fail over too.

One scenario (the steps build on each other; pytest-xdist may split a module's tests)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kit import run_cli
from refkit import start_server
from test_failover import PRODUCT, SKU, write_config

REFA_STOCK = 9


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    root = tmp_path_factory.mktemp("batchfail")
    with ThreadPoolExecutor(2) as pool:
        a_ = pool.submit(start_server, root / "a", "--catalog-size", "60", faults=f"stock={REFA_STOCK}")
        b_ = pool.submit(start_server, root / "b", "--catalog-size", "60")
        a, b = a_.result(), b_.result()
    home = root / "home"
    home.mkdir()
    env = write_config(home, {"refa": a.url, "refb": b.url})
    try:
        assert run_cli(env, "catalog", "sync", "--json").code == 0
        yield env, a, b, home
    finally:
        a.stop()
        b.stop()


def batch_file(home: Path, name: str, lines: list[str]) -> str:
    path = home / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


async def _record(env: dict[str, str], lines: list[str]) -> int:
    """A batch recorded and not sent (as one left by a run stopped before its lines left)."""
    from kameng_tui.bootstrap import build_context

    ctx = build_context(env)
    try:
        return ctx.batch.record(await ctx.batch.plan("\n".join(lines), source="resume.txt"))
    finally:
        await ctx.aclose()
        ctx.close()


def test_a_cli_batch_of_product_lines_fails_over_when_a_supplier_sells_out_mid_way(shop):
    env, a, b, home = shop
    # 3 pinned lines take a third of refa's stock; the cache still says 9
    pinned = run_cli(env, "batch", "run", batch_file(home, "p.txt", [f"refa:{SKU} 1380014{i:04d}" for i in range(3)]),
                     "--yes", "--json", "--wait", "5")
    assert pinned.code == 0, pinned.stdout + pinned.stderr
    # batch resume: 4 lines recorded on refa (6 left), then 6 lines of a run (2 left): the rest fail over
    batch_id = asyncio.run(_record(env, [f"@{PRODUCT} 1380015{i:04d}" for i in range(4)]))
    resumed = run_cli(env, "batch", "resume", str(batch_id), "--yes", "--json", "--wait", "5")
    assert resumed.code == 0, resumed.stdout + resumed.stderr
    assert all(o["state"] == "succeeded" and o["supplier"] == "refa" for o in resumed.json["items"])
    ran = run_cli(env, "batch", "run", batch_file(home, "b.txt", [f"@{PRODUCT} 1380016{i:04d}" for i in range(5)]),
                  "--yes", "--json", "--wait", "5")
    assert ran.code == 0, ran.stdout + ran.stderr
    latest = {o["line_id"]: o for o in ran.json["items"]}
    assert len(latest) == 5 and all(o["state"] == "succeeded" for o in latest.values()), ran.stdout
    moved = [o for o in latest.values() if o["attempt_of"]]
    assert len(moved) == 3 and all(o["supplier"] == "refb" for o in moved)
    assert len(a.orders()) == REFA_STOCK and len(b.orders()) == 3
    # refa is sold out; the cache still says 9: each line's quote refuses refa before the intent
    ran = run_cli(env, "batch", "run", batch_file(home, "q.txt", [f"@{PRODUCT} 1380018{i:04d}" for i in range(2)]),
                  "--yes", "--json", "--wait", "5")
    assert ran.code == 0, ran.stdout + ran.stderr
    assert all(o["state"] == "succeeded" and o["supplier"] == "refb" and not o["attempt_of"]
               for o in ran.json["items"]), ran.stdout
    # a pinned line never moves: its refusal is the batch's bad line
    pinned = run_cli(env, "batch", "run", batch_file(home, "r.txt", [f"refa:{SKU} 13800190001"]), "--yes", "--json")
    assert pinned.code == 2 and pinned.json["error"]["code"] == "batch_invalid", pinned.stdout
    assert len(a.orders()) == REFA_STOCK and len(b.orders()) == 3 + 2
    assert not set(a.orders()) & set(b.orders()), "no number at two suppliers"
    assert all(n == 1 for n in {**a.creates(), **b.creates()}.values())
