"""Issue 17, point 2: the TUI's checkout makes one trip off the event loop before its
order is handed to the sender: the balance snapshot, the unsettled orders and the
repeat window's early answer are read together. Each trip is a thread hop that the
person waits for between Enter and the first state shown. Before it, one trip reads
the catalog's offers (issue 18: which offer to order, and the product the guards key
on); it reads no ledger."""

from __future__ import annotations

import asyncio

from kameng_tui.services.checkout import OrderInput


def test_a_checkout_reads_the_ledger_in_one_trip_before_it_is_handed_over(make_app, monkeypatch):
    ctx = make_app().root
    trips: list[str] = []
    handed: list[str] = []
    real = asyncio.to_thread

    async def counting(func, /, *args, **kwargs):
        name = getattr(func, "__qualname__", repr(func))
        if not handed and name != "prepare_chosen.<locals>.ask_and_key":
            trips.append(name)
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", counting)

    async def place(account: str, again: bool = False):
        trips.clear()
        handed.clear()
        return await ctx.checkout.flow.place(OrderInput(sku="demo:HF-CM-10", fields={"account": account}, again=again),
                                             handoff=handed.append)

    placed = asyncio.run(place("13800138000"))
    assert handed == [placed.order_no] and placed.order.state.value == "pending"
    assert len(trips) == 1, trips
    asked = asyncio.run(place("13800138000"))          # the repeat window asks, from the same one trip
    assert handed == [] and getattr(asked, "ask", None) is not None and asked.ask.value == "repeat"
    assert len(trips) == 1, trips
