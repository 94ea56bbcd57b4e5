"""Several suppliers and the demo beside a real one (issue 15): the list's supplier
column, the 演示 mark, reports without demo orders, turning the demo off after
`supplier add`, and `supplier test` failing with its code."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "demo.mark": ("演示", "Demo"),
    "col.supplier": ("来源", "From"),
    "demo.excluded": ("不含演示订单 {n} 笔", "demo orders left out: {n}"),
    # cli/admin.py: supplier add | test
    "help.supplier.add.disable_demo": ("停用演示供应商（不再询问）", "turn the demo supplier off (no question)"),
    "help.supplier.add.keep_demo": ("保留演示供应商（不再询问）", "keep the demo supplier on (no question)"),
    "err.cli.demo_flags": ("--disable-demo 和 --keep-demo 只能选一个", "--disable-demo and --keep-demo exclude each other"),
    "cli.supplier.disable_demo_prompt": ("停用演示供应商 {names}？演示商品和订单不是真的 [y/N] ",
                                         "Turn the demo supplier {names} off? Its products and orders are not real [y/N] "),
    "cli.supplier.demo_disabled": ("已停用演示供应商 {names}（订单记录保留）", "turned the demo supplier {names} off (orders are kept)"),
    "cli.supplier.demo_kept": ("演示供应商 {names} 仍启用：演示商品和订单标为「演示」，报表不计；停用：--disable-demo",
                               "the demo supplier {names} stays on: its products and orders read Demo and reports "
                               "leave them out; to turn it off: --disable-demo"),
    # tui/screens/settings.py: after adding a supplier
    "settings.disable_demo": ("已添加 {name}。停用演示供应商 {names}？演示商品和订单不是真的，停用后不再显示",
                              "{name} added. Turn the demo supplier {names} off? Its products and orders are not real; "
                              "once off they are no longer shown"),
    "settings.demo_disabled": ("已停用演示供应商 {names}（订单记录保留）", "turned the demo supplier {names} off (orders are kept)"),
}
