"""One team data key for 卡密 (issue 19): export and import, a terminal without the
team's key, cards sealed with another key, the `revealed` event; and the header's
notices about the team ledger's connection (a weaker TLS mode, the clock)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # cards this terminal cannot open (show, history, checkout, export)
    "card.locked.other_key": ("卡密用另一把数据密钥加密（密钥标识 {key_id}），本终端没有这把密钥",
                              "sealed with another data key (key id {key_id}); this terminal does not hold it"),
    "card.locked.no_key": ("卡密已加密，本终端没有数据密钥", "sealed; this terminal has no data key"),
    "err.crypto.other_key": ("这个卡密用另一把数据密钥加密（密钥标识 {key_id}）",
                             "this card secret was sealed with another data key (key id {key_id})"),
    # a terminal on a team ledger without the team's key
    "err.team_key.import": ("本终端没有团队的数据密钥，卡密商品不能下单（其余商品照常）。请向店主要团队密钥："
                            "店主运行 kameng-tui secrets export-data-key，本机用 kameng-tui secrets import-data-key "
                            "导入；未记下任何内容",
                            "this terminal does not hold the team's data key: card products cannot be ordered "
                            "(everything else can). Ask the owner for the team key: the owner runs "
                            "`kameng-tui secrets export-data-key`, this terminal `kameng-tui secrets import-data-key`; "
                            "nothing was recorded"),
    "err.team_key.export_other": ("本终端的数据密钥（标识 {key_id}）不是团队的密钥，不能导出；请先导入团队密钥",
                                  "this terminal's data key (id {key_id}) is not the team's key and is not exported; "
                                  "import the team's key first"),
    "err.team_key.export_terminal": ("数据密钥不会显示在终端上（会留在滚动记录里）：用 --to 文件 写入一个新的 0600 文件，"
                                     "或把输出接到管道，如 kameng-tui secrets export-data-key | ssh 店员 kameng-tui "
                                     "secrets import-data-key",
                                     "the data key is never shown on a terminal (it would stay in the scrollback): "
                                     "write a new 0600 file with --to FILE, or pipe it, e.g. `kameng-tui secrets "
                                     "export-data-key | ssh clerk kameng-tui secrets import-data-key`"),
    "err.team_key.export_exists": ("{path} 已存在：导出只写入新文件，不覆盖", "{path} exists: the export writes only a new "
                                                                          "file and never overwrites one"),
    "err.team_key.export_failed": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    "cli.team_key.exported": ("已把数据密钥写入 {path}（0600）。交给对方导入后请删除这个文件",
                              "the data key was written to {path} (0600). Delete the file once it was imported"),
    "err.team_key.format": ("这不是导出的数据密钥：应是一行以 {head} 开头的文字", "this is not an exported data key: one "
                                                                               "line starting with {head} is expected"),
    "err.team_key.damaged": ("导出的数据密钥不完整或被改动（密钥与标识不符）：请重新导出", "the exported data key is "
                             "incomplete or altered (the key does not match its id): export it again"),
    "err.team_key.unreadable": ("无法读取 {path}", "cannot read {path}"),
    "err.team_key.not_team": ("这把密钥（标识 {key_id}）不是团队账本的数据密钥（标识 {team_key_id}）：未导入",
                              "this key (id {key_id}) is not the team ledger's data key (id {team_key_id}): "
                              "not imported"),
    "err.team_key.have_other": ("本终端已有另一把数据密钥（标识 {key_id}）：导入 {new_key_id} 会让用旧密钥加密的卡密在本机"
                                "无法解密。确定要换，请加 --replace",
                                "this terminal already holds another data key (id {key_id}): importing {new_key_id} "
                                "would leave the cards sealed with the old one unreadable here. Add --replace to "
                                "switch"),
    "err.team_key.env_wins": ("环境变量 KAMENG_TUI_DATA_KEY 设了另一把密钥，它优先：请改这个变量或取消它后再导入",
                              "KAMENG_TUI_DATA_KEY holds another key and wins over anything imported: change or unset "
                              "it, then import"),
    "err.team_key.no_keyring": ("系统钥匙串不可用（{kind}：{name}），密钥未导入：加 --key-file 存入 0600 密钥文件",
                                "the system keyring is not usable ({kind}: {name}); nothing imported: add --key-file "
                                "to keep it in a 0600 key file"),
    "cli.team_key.imported.file": ("已导入数据密钥（标识 {key_id}）到密钥文件；卡密商品可以下单",
                                   "data key imported (id {key_id}) into the key file; card products can be ordered"),
    "cli.team_key.imported.keyring": ("已导入数据密钥（标识 {key_id}）到系统钥匙串；卡密商品可以下单",
                                      "data key imported (id {key_id}) into the system keyring; card products can be "
                                      "ordered"),
    "cli.team_key.replaced_backup": ("被替换的数据密钥（标识 {key_id}）已另存到 {path}（仅本人可读）：用它封存的卡密，"
                                     "以后 kameng-tui secrets import-data-key 该文件 --replace 即可再打开；请备份后妥善保管",
                                     "the replaced data key (id {key_id}) is kept in {path} (readable by you only): the "
                                     "cards sealed with it open again after kameng-tui secrets import-data-key FILE "
                                     "--replace; back it up and keep it safe"),
    "cli.team_key.imported.already": ("本终端已有这把数据密钥（标识 {key_id}），未改动",
                                      "this terminal already holds this data key (id {key_id}); nothing changed"),
    "cli.secrets.data_key.id": ("数据密钥标识：{key_id}", "data key id: {key_id}"),
    "cli.secrets.data_key.team": ("团队的数据密钥标识：{team_key_id}", "the team's data key id: {team_key_id}"),
    "cli.secrets.data_key.team_none": ("团队账本还没有数据密钥：第一次卡密下单（或导出）的终端的密钥成为团队密钥",
                                       "the team ledger has no data key yet: the key of the first terminal to order "
                                       "a card (or export its key) becomes the team's"),
    "help.secrets.export_data_key": ("导出数据密钥一次：写入新的 0600 文件（--to）或管道，从不显示在终端上",
                                     "export the data key once: to a new 0600 file (--to) or a pipe, never to a "
                                     "terminal"),
    "help.secrets.export_to": ("写入这个新文件（0600，不覆盖）", "write this new file (0600, never overwritten)"),
    "help.secrets.import_data_key": ("导入团队的数据密钥（从标准输入或文件，不从命令行参数）",
                                     "import the team's data key (from stdin or a file, never an argument)"),
    "help.secrets.import_source": ("导出的文件；- 或省略为标准输入", "the exported file; - or nothing for stdin"),
    "help.secrets.import_key_file": ("存入 0600 密钥文件（没有可用钥匙串时）",
                                     "keep it in the 0600 key file (where no keyring is usable)"),
    "help.secrets.import_replace": ("替换本终端已有的另一把密钥", "replace another key this terminal holds"),
    # the TUI: the header on a team ledger without the team's key, the dialog
    "checkout.no_team_key": ("本终端没有团队数据密钥，卡密商品不能下单：按 {key} 查看如何导入",
                             "This terminal lacks the team's data key: card products cannot be ordered. {key}: how "
                             "to import it"),
    "header.other_data_key": ("无团队数据密钥：卡密不能下单（{key}）", "no team data key: no card orders ({key})"),
    "datakey.team_missing": ("这是团队账本：卡密用团队的一把数据密钥加密，本终端没有它，所以卡密商品现在不能下单，"
                             "其余功能照常。这里不会新建密钥（新密钥加密的卡密别的终端打不开）。",
                             "This is a team ledger: card secrets are sealed with the team's one data key, which this "
                             "terminal does not hold, so card products cannot be ordered now; everything else works. "
                             "No new key is made here (cards sealed with it could not be opened on the other "
                             "terminals)."),
    "datakey.team_import": ("请向店主要团队密钥并导入：店主在自己的终端导出（export-data-key），"
                            "本机在命令行导入（import-data-key）。团队密钥标识：{team_key_id}",
                            "Ask the owner for the team key and import it: the owner exports it on their terminal "
                            "(export-data-key), this terminal imports it on the command line (import-data-key). "
                            "The team key's id: {team_key_id}"),
    # the chained event of a reveal
    "event.revealed": ("查看卡密", "card revealed"),
    # the header: the team ledger's connection
    "header.tls_weak": ("TLS: {mode}", "TLS: {mode}"),
    "header.clock_off": ("时钟偏差 {seconds} 秒", "clock {seconds} s off"),
}
