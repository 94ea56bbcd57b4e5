"""An export's words: the column headers and sheet names of a file written for people
(the TUI's export, `kameng-tui --lang zh export`), why a place cannot be written, and
the TUI's export dialog. The CLI without `--lang` writes the stable English keys instead
(services/export.py COLUMNS)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # headers, by column key (services/export.py COLUMNS)
    "export.col.order_no": ("订单号", "Order no."),
    "export.col.created_at": ("下单时间", "Created at"),
    "export.col.state": ("状态", "State"),
    "export.col.sku": ("商品编号", "SKU"),
    "export.col.product_name": ("商品", "Product"),
    "export.col.category": ("分类", "Category"),
    "export.col.quantity": ("数量", "Quantity"),
    "export.col.account": ("账号", "Account"),
    "export.col.customer": ("客户", "Customer"),
    "export.col.ref": ("店铺单号", "Shop ref"),
    "export.col.note": ("备注", "Note"),
    "export.col.unit_price": ("单价", "Unit price"),
    "export.col.total_price": ("售价", "Price"),
    "export.col.total_cost": ("成本", "Cost"),
    "export.col.charged": ("已扣", "Charged"),
    "export.col.refunded": ("供应商退款", "Refunded"),
    "export.col.customer_refunded": ("退给客户", "Refunded to customer"),
    "export.col.revenue": ("营收", "Revenue"),
    "export.col.profit": ("利润", "Profit"),
    "export.col.supplier": ("供应商", "Supplier"),
    "export.col.supplier_order_no": ("供应商单号", "Supplier order no."),
    "export.col.reason": ("原因", "Reason"),
    "export.col.cards": ("卡密", "Cards"),
    "export.sheet.orders": ("订单", "Orders"),
    "export.sheet.anchor": ("账本锚点", "Anchor"),
    "export.col.ledger_id": ("账本 ID", "Ledger id"),
    "export.col.seq": ("序号", "Seq"),
    "export.col.hash": ("哈希", "Hash"),
    # a place that cannot be written (nothing is: the file is written whole or not at all)
    "err.export.place": ("无法写入 {path}：{why}；没有写入任何文件", "cannot write {path}: {why}; no file was written"),
    "err.export.why.not_a_dir": ("路径中有一段是文件，不是目录", "a part of the path is a file, not a directory"),
    "err.export.why.is_dir": ("这是一个目录，请填文件名", "it is a directory; give a file name"),
    "err.export.why.no_dir": ("目录不存在", "no such directory"),
    "err.export.why.denied": ("只读或没有权限", "read-only or no permission"),
    "err.export.why.full": ("磁盘已满", "the disk is full"),
    "err.export.why.other": ("系统错误 {code}", "system error {code}"),
    "err.export.extension": ("不认识的文件扩展名 {ext}：可用 {formats}（或用 --format 指定）",
                             "unknown file extension {ext}: use {formats} (or give --format)"),
    "err.export.no_extension": ("{name} 没有扩展名，看不出格式：可用 {formats}（或用 --format 指定）",
                                "{name} has no extension to tell the format: use {formats} (or give --format)"),
    "err.export.csv_stream": ("CSV 的账本锚点写在文件旁边（文件名.anchor.json），{path} 不是普通文件：请给文件名，或导出 JSON",
                              "a CSV's ledger anchor goes beside the file (NAME.anchor.json) and {path} is no regular "
                              "file: give a file name, or export JSON"),
    # the TUI's dialog (tui/screens/export_dialog.py)
    "export.title": ("导出当前列表的 {n} 单", "Export the {n} orders listed"),
    "export.format": ("格式", "Format"),
    "export.path": ("保存到", "Save to"),
    "export.keys": ("Enter 导出   Tab 切换   Esc 取消", "Enter exports   Tab moves   Esc cancels"),
    "export.file_stem": ("订单", "orders"),
    "export.writing": ("正在写入", "writing"),
    "export.no_name": ("请填要保存的文件名", "give the file to save to"),
    "export.exists": ("{path} 已存在；再按 Enter 替换它", "{path} exists; press Enter again to replace it"),
    "export.done": ("已导出 {n} 单到 {path}", "exported {n} orders to {path}"),
    "export.done_anchor": ("已导出 {n} 单到 {path}，账本锚点在 {anchor}", "exported {n} orders to {path}; the ledger anchor is in {anchor}"),
}
