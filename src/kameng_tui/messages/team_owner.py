"""The team ledger's owner and clerks (issue 19): what only the owner does, the team's
supplier identities, the schema the owner migrates."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "err.team.owner_only": ("只有店主（kameng_owner 的成员）可以{what}：团队账本服务器拒绝了本登录角色；未记下任何内容",
                            "only the owner (a member of kameng_owner) may {what}: the team ledger server refused "
                            "this login; nothing was recorded"),
    "team.owner_op.customer_refund": ("给客户退款", "refund a customer"),
    "team.owner_op.below_cost": ("以低于成本的价格出售", "sell below cost"),
    "team.owner_op.accept_restore": ("确认账本恢复（accept-restore，店主确认后各终端再各自确认）",
                                     "accept a restore (accept-restore; once the owner has, each terminal follows)"),
    "team.owner_op.supplier_identity": ("登记或更改团队的供应商账户", "register or change the team's supplier accounts"),
    "team.owner_op.offer_link": ("更改商品匹配链接", "change match links"),
    "team.owner_op.migrate_schema": ("升级团队账本的表结构", "migrate the team ledger's schema"),
    "team.owner_op.team_meta": ("更改团队账本的设置（账本编号等）", "change the team ledger's settings (its ledger id and such)"),
    "team.owner_op.other": ("执行此操作", "do this"),
    "err.team.schema_behind": ("团队账本的表结构是第 {server} 版，本终端需要第 {known} 版：请店主运行 "
                               "kameng-tui ledger migrate-schema（终端不会自行升级）；未做任何改动",
                               "the team ledger's schema is version {server}, this terminal needs {known}: have the "
                               "owner run kameng-tui ledger migrate-schema (terminals never migrate it); nothing "
                               "was changed"),
    "err.team.no_schema": ("{where} 上还没有团队账本：请店主先运行 kameng-tui ledger init",
                           "there is no team ledger on {where} yet: the owner runs kameng-tui ledger init first"),
    "cli.team.migrated": ("团队账本表结构已是第 {version} 版", "the team ledger's schema is at version {version}"),
    "err.team.supplier_differs": ("供应商 {name} 在本机配置的账户与团队账本登记的不同（{fields}）：登记的是 {registered}，"
                                  "本机是 {configured}。本终端不为它下单或对账；请改 config.toml，或由店主运行 "
                                  "kameng-tui ledger register-supplier {name}",
                                  "supplier {name} is configured here as another account than the team ledger "
                                  "registered ({fields}): registered {registered}, here {configured}. This terminal "
                                  "neither orders nor reconciles for it; fix config.toml, or have the owner run "
                                  "kameng-tui ledger register-supplier {name}"),
    "err.team.supplier_add_differs": ("团队账本已把供应商 {name} 登记为另一个账户（{fields} 不同）：登记的是 {registered}，"
                                      "这里是 {configured}。未添加，未做任何改动；请用团队登记的账户添加，或由店主改 "
                                      "config.toml 后运行 kameng-tui ledger register-supplier {name} 更换团队的账户",
                                      "the team ledger registered supplier {name} as another account ({fields} "
                                      "differs): registered {registered}, here {configured}. Not added, nothing was "
                                      "changed; add it with the team's account, or have the owner change config.toml "
                                      "and run kameng-tui ledger register-supplier {name} to change the team's account"),
    "err.team.supplier_unregistered": ("供应商 {name} 没有在团队账本登记：本终端不为它下单或对账；"
                                       "请店主运行 kameng-tui ledger register-supplier {name}",
                                       "supplier {name} is not registered on the team ledger: this terminal neither "
                                       "orders nor reconciles for it; have the owner run kameng-tui ledger "
                                       "register-supplier {name}"),
    "err.team.supplier_not_configured": ("本机配置里没有供应商 {name}", "no supplier {name} in this terminal's config"),
    "err.team.not_team": ("此命令只用于团队账本（config.toml 的 [ledger] url）",
                          "this command is for a team ledger only ([ledger] url in config.toml)"),
    "cli.team.registered": ("已在团队账本登记供应商 {name}：{identity}", "registered supplier {name} on the team ledger: "
                            "{identity}"),
    "header.identity": ("不是团队登记的账户，不下单", "not the team's registered account: no orders"),
    "help.ledger.migrate_schema": ("（店主）把团队账本的表结构升级到本版本", "(owner) migrate the team ledger's schema to "
                                   "this version's"),
    "help.ledger.register_supplier": ("（店主）把本机配置的供应商账户登记为团队的", "(owner) register this terminal's "
                                      "configured supplier account as the team's"),
}
