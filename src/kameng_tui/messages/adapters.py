"""Words of the adapters below the services: config file, secrets and keyring, card
encryption, the ledger."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # config.py ({error} is Python's or TOML's own English text)
    "config.where": ("{path}", "{path}"),
    "config.where_line": ("{path} 第 {line} 行", "{path} line {line}"),
    "err.config.bad": ("配置文件 {where}：{reason}", "config {where}: {reason}"),
    "err.config.unknown_key": ("[{section}] 没有 {key} 这个键（可用：{known}）", "[{section}] has no key {key} (known: {known})"),
    "err.config.env": ("环境变量 {source}：{error}", "environment {source}: {error}"),
    "err.config.value": ("[{section}] {key}：{error}", "[{section}] {key}: {error}"),
    "err.config.timezone": ("未知时区 {zone}", "unknown time zone {zone}"),
    "err.config.language": ("language 只能是 zh 或 en", "language must be zh or en"),
    "err.config.level": ("level 应为 {levels}", "level must be one of {levels}"),
    "err.config.unreadable": ("无法读取配置文件 {path}：{error}", "cannot read config {path}: {error}"),
    "err.config.syntax": ("配置文件 {path} 第 {line} 行语法错误：{error}{hint}", "config {path} line {line}: {error}{hint}"),
    "config.hint.quote_key": ("（中文键名要加引号，例如 \"张三\" = \"vip\"）", ' (quote a non-ASCII key: "Zhang San" = "vip")'),
    "err.config.unknown_section": ("未知的段 [{section}]", "unknown section [{section}]"),
    "err.config.not_a_table": ("{name} 应是一个段 [{name}]", "{name} must be a table [{name}]"),
    "err.config.keymap": ("[keymap] 的值应是按键字符串", "[keymap] values must be key strings"),
    "err.config.supplier_entry": ("第 {n} 个 [[suppliers]] 需要 name 和 kind", "[[suppliers]] #{n} needs name and kind"),
    "err.config.secret_in_file": ("密钥不能写在配置文件里（{key}）；请用 kameng-tui supplier add 存入钥匙串，或设置 KAMENG_TUI_SECRET_<NAME>",
                                  "secrets never go in the config file ({key}); use `kameng-tui supplier add` (keyring) "
                                  "or KAMENG_TUI_SECRET_<NAME>"),
    "word.all": ("全部", "all"),
    "err.config.rules_tables": ("rules 应写成 [[pricing.rules]] 表", "rules must be [[pricing.rules]] tables"),
    "err.config.rule_not_table": ("{where} 应是一个表", "{where} must be a table"),
    "err.config.rule_strings": ("{where} 的 category 和 level 应是字符串", "{where}: category and level must be strings"),
    "err.config.rule_markup": ('{where} 需要 markup，例如 markup = "0.02"', '{where} needs a markup, e.g. markup = "0.02"'),
    "err.config.rule_value": ("{where}：{error}", "{where}: {error}"),
    "err.config.rule_repeat": ("{where} 与前面的规则重复（分类 {category}，等级 {level}）",
                               "{where} repeats an earlier rule (category {category}, level {level})"),
    "err.config.customers": ('[customers] 应写成 客户名 = "等级"，例如 张三 = "vip"',
                             '[customers] maps a customer name to a level, e.g. "Zhang San" = "vip"'),
    # config.py: values mean what they say (issue 14 point 7)
    "err.config.bool": ("应为 true 或 false（不加引号），收到 {value}", "must be true or false (no quotes), got {value}"),
    "err.config.int": ("应为整数，收到 {value}", "must be an integer, got {value}"),
    "err.config.number": ("应为有限的数字，收到 {value}", "must be a finite number, got {value}"),
    "err.config.range": ("应在 {lo} 到 {hi} 之间，收到 {value}", "must be between {lo} and {hi}, got {value}"),
    "err.config.negative": ("不能为负，收到 {value}", "must not be negative, got {value}"),
    "err.config.supplier_name": ("[[suppliers]] 的 name 应为 1-32 个小写字母、数字、_ 或 -，以字母或数字开头，收到 {name}",
                                 "[[suppliers]] name must be 1-32 lowercase letters, digits, _ or -, starting with a letter "
                                 "or digit, got {name}"),
    "err.config.supplier_repeat": ("供应商名 {name} 重复（第 {first} 行已用过）",
                                   "supplier name {name} is used twice (first on line {first})"),
    "err.config.url_password": ("[[suppliers]] {key} 的网址里带了密码：密码不能写进配置文件。只写用户名（https://用户名@主机）可以，"
                                "密钥请用 kameng-tui supplier add 存入钥匙串",
                                "[[suppliers]] {key}: the URL carries a password, and passwords never go in the config file. "
                                "A bare user name (https://user@host) is fine; keep the secret in the keyring "
                                "(kameng-tui supplier add)"),
    # secrets.py
    "secrets.fix": ("修复：kameng-tui secrets use-file（0600 密钥文件），或设置环境变量 KAMENG_TUI_DATA_KEY / KAMENG_TUI_SECRET_<NAME>",
                    "fix: `kameng-tui secrets use-file` (a 0600 key file) or set KAMENG_TUI_DATA_KEY / KAMENG_TUI_SECRET_<NAME>"),
    "err.secrets.keyring_timeout": ("系统钥匙串无响应（可能被锁定）", "the system keyring did not answer (locked?)"),
    "err.secrets.keyring_unusable": ("系统钥匙串不可用（{kind}: {name}），不会把密钥存进去。{fix}",
                                     "the system keyring is not usable ({kind}: {name}); not storing secrets there. {fix}"),
    "err.secrets.keyring_lost": ("钥匙串写入后读不回（{name}）。{fix}", "the keyring did not keep the secret ({name}). {fix}"),
    "err.secrets.key_file_unreadable": ("密钥文件 {path} 无法读取", "cannot read key file {path}"),
    "err.secrets.key_file_open": ("密钥文件 {path} 的权限是 {mode}，其他用户可以读取，因此不予使用。修复：chmod 600 {path}",
                                  "key file {path} has mode {mode}: others may read it, so it is not used. "
                                  "Fix: chmod 600 {path}"),
    "err.secrets.key_file_in_data_dir": ("密钥文件不能放在数据目录里（备份会把它和账本放在一起）",
                                         "the key file must not be inside the data dir (backups would carry it with the ledger)"),
    "err.secrets.data_key_base64": ("KAMENG_TUI_DATA_KEY 不是 base64", "KAMENG_TUI_DATA_KEY is not base64"),
    "err.secrets.data_key_length": ("KAMENG_TUI_DATA_KEY 应为 32 字节", "KAMENG_TUI_DATA_KEY must decode to 32 bytes"),
    "err.secrets.empty": ("密钥为空", "the secret is empty"),
    # crypto.py
    "err.crypto.key_length": ("数据密钥必须是 32 字节", "the data key must be 32 bytes"),
    "err.crypto.cannot_open": ("无法解密：数据密钥不对，或密文不属于这个订单",
                               "cannot decrypt: wrong data key, or the ciphertext does not belong to this order/field"),
    # ledger/
    "err.ledger.wal_locked": ("账本被另一个进程锁住，无法切换到 WAL 模式；请稍后再试",
                              "the ledger is locked by another process (cannot switch to WAL); try again"),
    "err.ledger.cursor": ("无效的翻页游标 {cursor}", "invalid cursor {cursor}"),
    "err.ledger.group_by": ("--by 只能是 day/category/supplier/customer，收到 {by}",
                            "--by must be day, category, supplier or customer, got {by}"),
    "err.ledger.busy": ("账本正被另一个进程占用，请稍后再试", "the ledger is busy (another process is writing); try again"),
    "err.ledger.duplicate_order_no": ("订单号重复 {order_no}", "duplicate order number {order_no}"),
    "err.ledger.refund_range": ("退款金额须在 0.01 到 {most} 之间", "the refund must be between 0.01 and {most}"),
    # ledger/sqlite.py: chained writes refused (AnchorMismatch), accept-restore, restore
    "err.ledger.anchor_mismatch": (
        "{why}。为保留证据，新订单和状态变更一律拒绝（查询、导出、同步目录照常）。"
        "运行 kameng-tui ledger verify 查看详情；若是你自己恢复了备份：kameng-tui ledger accept-restore --reason \"原因\"",
        "{why}. To keep the evidence, new orders and state changes are refused (reads, exports and catalog sync "
        "still work). Run `kameng-tui ledger verify` for details; if you restored a backup yourself: "
        "`kameng-tui ledger accept-restore --reason \"why\"`"),
    "anchor.where.head": ("数据目录中的 ledger.head", "ledger.head in the data directory"),
    "anchor.where.state": ("状态目录中的锚点副本", "the anchor's copy in the state directory"),
    "anchor.missing": ("账本锚点缺失（{where}）：锚点被删除", "the ledger's anchor is missing ({where}): it was deleted"),
    "anchor.unreadable": ("账本锚点无法读取（{where}）", "the ledger's anchor cannot be read ({where})"),
    "anchor.other_ledger": ("账本锚点属于另一个账本（{where}）：账本文件被替换或删除",
                            "the ledger's anchor belongs to another ledger ({where}): the ledger file was replaced or deleted"),
    "anchor.ahead": ("账本只到第 {chain_seq} 个事件，锚点却记着第 {seq} 个（{where}）：恢复了旧副本或删除了事件",
                     "the ledger ends at event {chain_seq} but its anchor says {seq} ({where}): an older copy was "
                     "restored or events were removed"),
    "anchor.other_hash": ("账本第 {seq} 个事件与锚点记录的哈希 {hash} 不符（{where}）",
                          "event {seq} of the ledger differs from the hash {hash} its anchor holds ({where})"),
    "err.ledger.chain_broken": ("账本本身已损坏（{n} 处问题：事件被改动或缺失）；无法接受恢复。运行 kameng-tui ledger verify 查看",
                                "the ledger itself is broken ({n} problems: edited or missing events); a restore "
                                "cannot be accepted. Run `kameng-tui ledger verify` to see them"),
    "err.ledger.reset_reason": ("请用 --reason 写明原因（例如：硬盘损坏，恢复了昨晚的备份）",
                                "give the reason with --reason (e.g. the disk died, restored last night's backup)"),
    "err.ledger.reset_nothing": ("账本与锚点一致，无需接受恢复", "the ledger matches its anchor: there is no restore to accept"),
    "err.ledger.restore_file": ("{path} 不是可读的账本备份", "{path} is not a readable ledger backup"),
    # ledger/connection.py: the machine failed (classified by SQLite's error code / errno)
    "err.storage.full": ("磁盘已满（{path}）", "the disk is full ({path})"),
    "err.storage.read_only": ("无法写入 {path}：只读或没有权限", "cannot write {path}: read-only or no permission"),
    "err.storage.io": ("读写 {path} 时出错（{detail}）", "I/O error on {path} ({detail})"),
    "err.storage.read_only_wal": ("数据目录 {path} 只读，且留有未合并的写入（ledger.db-wal）：请先让它可写并运行一次 kameng-tui history",
                                  "the data directory {path} is read-only and holds unmerged writes (ledger.db-wal): "
                                  "make it writable and run kameng-tui history once"),
    "err.storage.read_only_migrate": ("数据目录 {path} 只读，账本需要升级：请先让它可写",
                                      "the data directory {path} is read-only and the ledger needs an upgrade: make it writable first"),
}
