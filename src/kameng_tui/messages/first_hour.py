"""Issue 15, "the first hour of a reseller": what `batch run` and `batch resume` say when
lines are still at the supplier or nothing is left to send, `show` by shop ref,
`catalog --cursor`, `--version`. One table so that other changes to cli.py merge cleanly."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # cli/batch.py: a batch that ends with lines not settled yet (exit 3)
    "cli.batch.in_flight": (
        "{n} 单仍在供应商处理中，结果未定：不要重复下单。\n"
        "  等结果：kameng-tui reconcile，然后 kameng-tui batch show {batch_id}\n"
        "  下次：kameng-tui batch run 文件 --wait，等到结果再退出",
        "{n} orders are still with the supplier, outcome not known yet: do not order them again.\n"
        "  To settle them: kameng-tui reconcile, then kameng-tui batch show {batch_id}\n"
        "  Next time: kameng-tui batch run FILE --wait waits for them before it exits"),
    "cli.batch.in_flight_waited": (
        "等了 {seconds} 秒，仍有 {n} 单在供应商处理中：不要重复下单。\n"
        "  稍后：kameng-tui reconcile，然后 kameng-tui batch show {batch_id}",
        "after {seconds} s, {n} orders are still with the supplier: do not order them again.\n"
        "  Later: kameng-tui reconcile, then kameng-tui batch show {batch_id}"),
    "err.cli.wait": ("--wait 应在 0 到 3600 秒之间，收到 {seconds}", "--wait must be between 0 and 3600 seconds, got {seconds}"),
    "cli.batch.waiting": ("等待 {n} 单的结果（最多 {seconds} 秒）", "waiting for {n} orders to settle (at most {seconds} s)"),
    "cli.batch.nothing_to_resume": ("批次 {batch_id} 没有可续的行：每行都已发出或已取消",
                                    "batch {batch_id}: nothing to resume, every line was sent or cancelled"),
    "help.batch.wait": ("发完后等待仍在处理中的订单结算，最多 S 秒（不写 S：{seconds} 秒）；只查询，从不重发",
                        "after sending, wait up to S seconds (S left out: {seconds}) for lines still processing to "
                        "settle; it only asks, never sends again"),
    # cli/orders.py: `order resume|cancel` without the number (a SKU's fields are the product's schema)
    "err.order.action_needs_no": ("kameng-tui order {action} 需要单号：kameng-tui order {action} 单号",
                                  "kameng-tui order {action} needs the order number: kameng-tui order {action} ORDER_NO"),
    "cli.order.fields_hint": ("  这个商品要的字段：{options}", "  the fields this product asks for: {options}"),
    # cli/orders.py: `show` takes the shop's ref as well as the order number
    "help.show.order_no": ("订单号，或下单时的 --ref", "the order number, or the --ref it was placed with"),
    # cli/catalog.py: pages of the catalog
    "help.catalog.cursor": ("上一页给出的 next_cursor：接着往下翻", "the next_cursor of the previous page: the page after it"),
    "err.cli.catalog_cursor": ("--cursor {cursor} 不是 catalog 给出的翻页位置", "--cursor {cursor} is not a page position catalog gave"),
    # cli/run_hint.py: the last words of `make run`
    "cli.run_hint": ("再次运行：{script}\n想在任何目录直接用 kameng-tui：pipx install .（make run 只装进 .venv，不改 PATH，也不写 ~/.local/bin）",
                     "To run it again: {script}\nFor kameng-tui anywhere: pipx install . (make run installs into .venv "
                     "only; it changes neither PATH nor ~/.local/bin)"),
    # cli/main.py
    "help.version": ("显示版本（及 Python、Textual 的版本）", "show the version (and Python's and Textual's)"),
}
