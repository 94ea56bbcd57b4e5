"""Moving a shop onto the team ledger (issue 20, `ledger migrate --to URL`)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.team.moved": ("已搬到团队账本：{orders} 笔订单，链到第 {seq} 条事件（本次复制 {copied} 条）；"
                       "配置的 ledger.url 已改为团队账本，本机账本只读存档",
                       "moved onto the team ledger: {orders} orders, the chain up to event {seq} ({copied} copied "
                       "now); the config's ledger.url now names the team ledger, the local ledger is a read-only archive"),
    "err.migrate.other_ledger": ("{where} 上是另一家店的团队账本（已有 {seq} 条事件）：不能合并两家店的账本，"
                                 "未做任何改动",
                                 "{where} holds another shop's team ledger ({seq} events): two shops' ledgers "
                                 "are never merged; nothing was changed"),
    "err.migrate.other_chain": ("{where} 上的事件链（第 {seq} 条）不是本机账本的前段：不能搬入，未做任何改动",
                                "the chain on {where} (at event {seq}) is not a start of this ledger's: "
                                "nothing was moved or changed"),
    "err.migrate.local_broken": ("本机账本第 {seq} 条事件校验不通过：不搬迁，请先运行 kameng-tui ledger verify",
                                 "the local ledger's event {seq} does not verify: nothing moved; run "
                                 "kameng-tui ledger verify"),
    "err.ledger.moved": ("本机账本已搬到团队账本 {to}，不再记账：请在 config.toml 设置 [ledger] url 使用团队账本；"
                         "未记下任何内容",
                         "this local ledger was moved to the team ledger {to} and takes no more writes: set "
                         "[ledger] url in config.toml to use the team ledger; nothing was recorded"),
}
