"""Issue 14: the words of `batch cancel` (CLI) and "Cancel unsent" (TUI) about a line once
submitted that was not cancelled because the supplier may hold it. A CLI message names
the command; a TUI message names the TUI action (history, the key)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # why a line was not cancelled (services/batch.py KeptLine.status)
    "batch.kept.query_failed": ("无法向供应商确认是否持有该单，未做任何改动",
                                "the supplier could not be asked whether it holds it; nothing changed"),
    "batch.kept.not_found_yet": ("供应商暂未查到，但在宽限期内（{grace} 秒）仍可能出现",
                                 "the supplier does not show it yet, but may within its grace time ({grace} s)"),
    "batch.kept.found": ("供应商持有该单（曾被拒后仍已创建），现为 {state}",
                         "the supplier holds it after all (refused, yet created): now {state}"),
    # the CLI (cli/batch.py)
    "cli.batch.not_cancelled": ("  第 {line} 行 {order_no}（{state}）未取消：{why}",
                                "  line {line} {order_no} ({state}) not cancelled: {why}"),
    "cli.batch.cancel_later": ("  稍后再试：kameng-tui reconcile 查询，或再次 kameng-tui batch cancel {batch_id}",
                               "  try later: kameng-tui reconcile asks for them, or kameng-tui batch cancel {batch_id} "
                               "again"),
    "cli.batch.cancel_found": ("  供应商持有的行已记录为证据：kameng-tui claims",
                               "  lines the supplier holds are kept as evidence: kameng-tui claims"),
    # the TUI (tui/batch_flow.py)
    "batch.cancel_kept": ("批次 {id}：{k} 行曾提交过、供应商可能持有，未取消；稍后在 历史 (3) 中选中按 x 取消",
                          "batch {id}: {k} {k:line was|lines were} submitted once and may be held by the supplier: not cancelled. "
                          "Cancel them later in History (3) with x"),
    "batch.cancel_found": ("批次 {id}：{k} 行供应商已持有（需核对），见 历史 (3) 的 赔付 (c)",
                           "batch {id}: the supplier holds {k} {k:line|lines} after all (to check): see Claims (c) in History (3)"),
}
