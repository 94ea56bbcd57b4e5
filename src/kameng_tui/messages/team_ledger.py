"""The team ledger on PostgreSQL (issue 19): connecting, the server's settings, losing it."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "err.team.operator": ("[team] operator 应是 1 到 40 个字符的显示名，不能含控制字符",
                          "[team] operator must be a display name of 1 to 40 characters, without control characters"),
    "warn.team.clock_off": ("本机时钟与团队账本服务器相差 {seconds} 秒（超过 60 秒）：请校准本机时间",
                            "this terminal's clock is {seconds} s off the team ledger server's (more than 60 s): "
                            "set the clock right"),
    "err.team.schema_newer": ("团队账本的表结构是第 {server} 版，本终端只认识第 {known} 版：请升级 kameng-tui "
                              "后再下单；未记下任何内容，查询照常",
                              "the team ledger's schema is version {server}, this terminal knows {known}: "
                              "upgrade kameng-tui before writing; nothing was recorded, reading still works"),
    "err.team.init_not_empty": ("数据库 {where} 不是空的：ledger init 只在空数据库上建立团队账本，未做任何改动",
                                "the database {where} is not empty: ledger init sets up a team ledger only on an "
                                "empty database; nothing was changed"),
    "err.team.init_failed": ("无法在 {where} 建立团队账本：{reason}（请用可创建角色的数据库所有者登录）",
                             "cannot set up the team ledger on {where}: {reason} (log in as the database's owner, "
                             "a role that may create roles)"),
    "err.team.init_no_url": ("ledger init 需要 config.toml 里的 [ledger] url（以所有者身份登录的地址）",
                             "ledger init needs [ledger] url in config.toml (an address that logs in as the owner)"),
    "cli.team.init_done": ("团队账本已建立：表结构版本 {version}，角色 kameng_owner、kameng_app；"
                           "店员的登录角色请加入 kameng_app",
                           "team ledger set up: schema version {version}, roles kameng_owner and kameng_app; "
                           "give each clerk a login role in kameng_app"),
    "err.team.not_permitted": ("团队账本服务器拒绝了此操作：需要店主（kameng_owner）的权限；未记下任何内容",
                               "the team ledger server refused this: it needs the owner's role (kameng_owner); "
                               "nothing was recorded"),
    "err.team.connect": ("无法连接团队账本 {where}：{reason}", "cannot connect to the team ledger {where}: {reason}"),
    "err.team.url": ("ledger.url 不是 PostgreSQL 地址（{reason}）；例如 url = \"postgresql://user@host/db\"",
                     "ledger.url is not a PostgreSQL address ({reason}); e.g. url = \"postgresql://user@host/db\""),
    "err.team.url_password": ("ledger.url 里不能写密码；请存入钥匙串，或设置 KAMENG_TUI_SECRET_LEDGER",
                              "no password in ledger.url: keep it in the keyring or set KAMENG_TUI_SECRET_LEDGER"),
    "err.team.fsync_off": ("团队账本服务器 {where} 关闭了 fsync：断电会丢失已记下的订单，拒绝使用",
                           "the team ledger server {where} runs with fsync = off: a power cut would lose recorded "
                           "orders, refused"),
    "err.team.lost": ("与团队账本的连接中断（{detail}）", "lost the connection to the team ledger ({detail})"),
    "err.team.no_driver": ("团队账本需要 psycopg：安装 kameng-tui 的 team 可选依赖",
                           "the team ledger needs psycopg: install kameng-tui's optional team dependencies"),
    "err.team.file_backup": ("团队账本在服务器上：请用 pg_dump / pg_restore 备份和恢复",
                             "the team ledger lives on its server: back it up and restore it with pg_dump / pg_restore"),
    "err.team.not_sender": ("本终端的发送锁已失去（与服务器的连接中断），停止发送",
                            "this terminal lost its send lock (the server connection dropped): sending stops"),
}
