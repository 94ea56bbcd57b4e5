"""The embedded demo supplier: deterministic catalog, idempotent numbers, honest charges."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest

from kameng_tui.domain.errors import BadAccount, InsufficientBalance, OffShelf, OutcomeUnknown, PriceChanged
from kameng_tui.suppliers.base import PlaceRequest, RemoteState
from kameng_tui.suppliers.demo import DemoSupplier, generate_catalog, inspect_state


def make(tmp_path, **env):
    return DemoSupplier.from_config("demo", {"state_path": str(tmp_path / "demo.db")}, None,
                                    {k: str(v) for k, v in env.items()})


def req(n: int, pid: str = "HF-CM-10", qty: int = 1, account: str = "13800138000", **kw) -> PlaceRequest:
    return PlaceRequest(f"KM261125120000TEST{n:06d}", pid, qty, {"account": account}, **kw)


def test_catalog_is_deterministic_realistic_and_scales():
    a, b = generate_catalog(2000), generate_catalog(2000)
    assert [p.sku for p in a] == [p.sku for p in b] and len({p.sku for p in a}) == 2000
    tops = {p.category[0] for p in a}
    assert {"话费", "游戏", "视频会员", "软件", "实物"} <= tops
    names = " ".join(p.name for p in a)
    for word in ("王者荣耀", "原神", "Steam", "腾讯视频", "爱奇艺", "B站", "Windows", "手机壳", "薯片"):
        assert word in names
    assert {p.delivery.value for p in a} == {"direct", "card", "physical"}
    t = time.perf_counter()
    big = generate_catalog(100_000)
    assert len({p.sku for p in big}) == 100_000 and time.perf_counter() - t < 15


async def test_same_number_twice_charges_once(tmp_path):
    sup = make(tmp_path)
    first = await sup.place_order(req(1))
    second = await sup.place_order(req(1))
    other = make(tmp_path)                                  # a second instance on the same file
    third = await other.place_order(req(1))
    assert first.charged == second.charged == third.charged
    balance, creates, charged = inspect_state(tmp_path / "demo.db")
    assert creates == {req(1).client_order_no: 1}
    assert balance == Decimal("5000.00") - first.charged
    await sup.aclose(), await other.aclose()


async def test_refusals_charge_nothing(tmp_path):
    sup = make(tmp_path)
    with pytest.raises(BadAccount):
        await sup.place_order(req(1, account="123"))
    with pytest.raises(OffShelf):
        await sup.place_order(req(2, pid="NOPE"))
    with pytest.raises(PriceChanged):
        await sup.place_order(req(3, max_unit_cost=Decimal("1")))
    with pytest.raises(InsufficientBalance):
        for i in range(20):
            await sup.place_order(req(10 + i, pid="HF-CM-500", account=f"1380000{i:04d}"))
    balance, creates, charged = inspect_state(tmp_path / "demo.db")
    assert balance == Decimal("5000.00") - sum(charged.values())
    assert all(no.endswith(tuple(f"{10 + i:06d}" for i in range(20))) for no in creates)


async def test_cards_are_the_same_on_every_query(tmp_path):
    sup = make(tmp_path)
    placed = await sup.place_order(req(1, pid="GM-STEAM-20-K", qty=2))
    assert placed.state is RemoteState.SUCCEEDED and len(placed.cards) == 2
    again = await sup.query_order(req(1).client_order_no)
    assert [c.password.reveal() for c in again.cards] == [c.password.reveal() for c in placed.cards]
    assert "********" in repr(placed.cards[0]) and placed.cards[0].password.reveal() not in repr(placed)


async def test_direct_topups_settle_and_unknown_numbers_are_not_found(tmp_path):
    sup = make(tmp_path)
    placed = await sup.place_order(req(1))
    assert placed.state is RemoteState.PROCESSING
    assert (await sup.query_order(req(1).client_order_no)).state is RemoteState.SUCCEEDED
    assert (await sup.query_order("KM000000000000XXXX000000")).state is RemoteState.NOT_FOUND


async def test_knobs_fail_and_lose_replies(tmp_path):
    failing = make(tmp_path, KAMENG_TUI_DEMO_FAIL_RATE=1)
    r = await failing.place_order(req(1))
    assert r.state is RemoteState.FAILED and r.charged == 0 and r.reason
    lossy = make(tmp_path, KAMENG_TUI_DEMO_UNKNOWN_RATE=1)
    with pytest.raises(OutcomeUnknown):
        await lossy.place_order(req(2))
    found = await lossy.query_order(req(2).client_order_no)        # accepted and charged all the same
    assert found.state is not RemoteState.NOT_FOUND and found.charged > 0


@pytest.mark.parametrize("point,exists", [("supplier-before-commit", False), ("supplier-after-commit", True)])
def test_crash_hook_kills_around_the_commit(tmp_path, point, exists):
    code = (
        "import asyncio,sys\n"
        "from kameng_tui.suppliers.demo import DemoSupplier\n"
        "from kameng_tui.suppliers.base import PlaceRequest\n"
        f"s=DemoSupplier.from_config('demo',{{'state_path':{str(tmp_path / 'demo.db')!r}}},None,{{'KAMENG_TUI_CRASH_AT':{point!r}}})\n"
        "asyncio.run(s.place_order(PlaceRequest('KM261125120000CRSH000001','HF-CM-10',1,{'account':'13800138000'})))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert r.returncode == -signal.SIGKILL
    balance, creates, charged = inspect_state(tmp_path / "demo.db")
    assert (len(creates) == 1) is exists
    assert balance == Decimal("5000.00") - sum(charged.values())
