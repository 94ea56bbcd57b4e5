"""`ledger verify`'s problems (ledger/problems.py: `verify.<kind>`) and its `--quick` lines.
The English texts are the ones `ledger verify` printed before problems had kinds."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "verify.of_order": ("，订单 {order_no}", " of order {order_no}"),
    "verify.where.head": ("ledger.head", "ledger.head"),
    "verify.where.state": ("状态目录中的 ledger.head 副本", "the copy of ledger.head in the state directory"),
    "verify.event_missing": ("第 {seq} 个事件缺失（下一个是第 {detail} 个）：事件被删除",
                             "seq {seq}: missing (next event is seq {detail}); events were deleted"),
    "verify.chain_break": ("第 {seq} 个事件：prev_hash 与前一个事件的哈希不符",
                           "seq {seq}: prev_hash does not match the hash of the event before it"),
    "verify.hash_mismatch": ("第 {seq} 个事件：内容与其哈希不符（{detail} 事件被改动{of_order}）",
                             "seq {seq}: content does not match its hash (edited {detail} event{of_order})"),
    "verify.projection_diff": ("订单 {order_no}：列 {column} 与事件不符（orders 表 / 事件：{detail}）",
                               "order {order_no}: column {column} differs (orders table / events: {detail})"),
    "verify.order_missing": ("订单 {order_no}：事件中有，orders 表中缺失",
                             "order {order_no}: in the events but missing from the orders table"),
    "verify.order_unfounded": ("订单 {order_no}：在 orders 表中，但没有创建它的事件",
                               "order {order_no}: in the orders table but no event created it"),
    "verify.order_created_twice": ("订单 {order_no}：被多个事件创建", "order {order_no}: created by more than one event"),
    "verify.attempt_diff": ("换报价接续表与事件不符（{detail}，表 / 事件）",
                            "order attempts: a row differs from the events ({detail}, table / events)"),
    "verify.link_diff": ("商品关联表与事件不符（{detail}，表 / 事件）",
                         "offer links: a row differs from the events ({detail}, table / events)"),
    "verify.projection_error": ("投影无法由事件重建（{detail}）；见上面的哈希链问题",
                                "projection: cannot be rebuilt from the events ({detail}); see the chain problems"),
    "verify.quick_check": ("数据库文件损坏（quick_check：{detail}）", "quick_check: {detail}"),
    "verify.anchor_missing": ("锚点：{where} 缺失", "anchor: {where} is missing"),
    "verify.anchor_unreadable": ("锚点：{where} 无法读取", "anchor: {where} cannot be read"),
    "verify.anchor_other_ledger": ("锚点：{where} 属于另一个账本", "anchor: {where} belongs to another ledger"),
    "verify.anchor_ahead": ("锚点：{where} 指向第 {seq} 个事件，链没有这么长（事件被删除，或恢复了较旧的数据目录）",
                            "anchor: {where} says seq {seq}, past the chain's end (events removed, or an older copy "
                            "of the data directory restored)"),
    "verify.anchor_mismatch": ("锚点：第 {seq} 个事件的哈希与 {where} 记录的不同",
                               "anchor: the hash at seq {seq} differs from the one {where} holds"),
    "verify.checkpoint_mismatch": ("检查点（第 {seq} 个事件，{detail}）与链不符：运行完整的 kameng-tui ledger verify",
                                   "checkpoint (seq {seq}, {detail}) does not hold on the chain: run the full "
                                   "`kameng-tui ledger verify`"),
    "cli.verify.quick_ok": ("[green]账本完好[/]：{events} 个事件；第 {seq} 个事件及以前已于 {at} 完整校验，之后的 {new} 个事件、"
                            "锚点一致", "[green]ledger ok[/]: {events} events; up to seq {seq} fully verified at {at}, "
                            "the {new} events since and the anchor agree"),
    "help.ledger.verify.quick": ("只校验上次完整校验（检查点）之后的事件，以及检查点处保存的哈希",
                                 "check only the events since the last full verify (its checkpoint) and the hash "
                                 "stored at the checkpoint"),
    "tui.ledger.since_checkpoint": ("账本自上次完整校验以来有 {n} 处问题，第一处：{first}。继续记账前请先备份数据目录",
                                    "the ledger has {n} {n:problem|problems} since its last full check; the first: "
                                    "{first}. Back up the data directory before you go on"),
    "cli.verify.quick_full": ("没有可用的检查点：已完整校验", "no checkpoint to start from: verified in full"),
}
