"""The data key (the AES key sealing 卡密 and addresses at rest) when there is none:
the header notice, the TUI's dialog that makes the key file, the checkout's refusal,
and `secrets status` for people. The TUI's words name keys, never a CLI command."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the TUI: header, key, dialog, checkout
    "key.app.data_key": ("数据密钥", "Data key"),
    "key.checkout.data_key": ("数据密钥", "Data key"),
    "header.no_data_key": ("无数据密钥：卡密不能下单（{key}）", "no data key: no card orders ({key})"),
    "datakey.title": ("数据密钥", "Data key"),
    "datakey.missing": ("没有可用的数据密钥。卡密和收货地址要加密保存，所以卡密商品（以及需要收货地址的商品）现在不能下单；"
                        "其余功能照常。系统钥匙串不可用（{backend}）。",
                        "No data key is available. Card secrets and addresses are stored encrypted, so card products "
                        "(and products with a shipping address) cannot be ordered now; everything else works. "
                        "The system keyring is not usable ({backend})."),
    "datakey.offer": ("改为把数据密钥保存在一个密钥文件里：", "Keep the data key in a key file instead:"),
    "datakey.mode": ("权限 0600：只有你的账户能读；它不在数据目录里，不会随账本备份。",
                     "Mode 0600: only your account can read it; it is outside the data directory, so ledger "
                     "backups do not carry it."),
    "datakey.backup": ("丢失这个文件，已保存的卡密将无法解密。请把它备份到安全的地方（和账本备份分开放）。",
                       "If this file is lost, the card secrets stored so far can never be decrypted. Back it up "
                       "somewhere safe (apart from the ledger backups)."),
    "datakey.create": ("创建密钥文件 (y)", "Create the key file (y)"),
    "datakey.cancel": ("取消 (n)", "Cancel (n)"),
    "datakey.close": ("关闭 (Esc)", "Close (Esc)"),
    "datakey.have": ("数据密钥可用：{source}。卡密商品可以下单。", "A data key is available: {source}. Card products can be ordered."),
    "datakey.src.env": ("环境变量 KAMENG_TUI_DATA_KEY", "the environment (KAMENG_TUI_DATA_KEY)"),
    "datakey.src.file": ("密钥文件 {path}", "the key file {path}"),
    "datakey.src.keyring": ("系统钥匙串（{backend}）", "the system keyring ({backend})"),
    "datakey.src.creatable": ("系统钥匙串（{backend}），首次卡密下单时创建", "the system keyring ({backend}), made on the first card order"),
    "datakey.problem": ("数据密钥读不出：{problem}", "The data key cannot be read: {problem}"),
    "datakey.made": ("已创建密钥文件 {path}（0600），卡密商品现在可以下单。请备份这个文件。",
                     "Key file created at {path} (0600); card products can be ordered now. Back this file up."),
    "checkout.no_data_key": ("没有数据密钥，卡密商品不能下单：按 {key} 创建密钥文件",
                             "No data key: card products cannot be ordered. {key}: create a key file"),
    # `secrets status` for people (--json keeps its English keys)
    "cli.secrets.backend": ("系统钥匙串：{state}（{name}）", "keyring: {state} ({name})"),
    "cli.secrets.kind.recommended": ("可用", "usable"),
    "cli.secrets.kind.fail": ("不可用，没有钥匙串后端", "not usable, no keyring backend"),
    "cli.secrets.kind.null": ("不可用，写入的密钥会被丢弃", "not usable, secrets would be discarded"),
    "cli.secrets.kind.plaintext": ("不可用，keyrings.alt 以明文保存", "not usable, keyrings.alt stores secrets unencrypted"),
    "cli.secrets.kind.locked": ("已锁定", "locked"),
    "cli.secrets.kind.error": ("无法访问", "cannot be reached"),
    "cli.secrets.data_key.none": ("数据密钥：无。卡密商品（以及需要收货地址的商品）不能下单，其余功能照常",
                                  "data key: none. Card products (and products with a shipping address) cannot be "
                                  "ordered; everything else works"),
    "cli.secrets.data_key.problem": ("数据密钥：读不出。{problem}", "data key: cannot be read. {problem}"),
    "cli.secrets.data_key.creatable": ("数据密钥：尚未创建，首次卡密下单时存入系统钥匙串",
                                       "data key: not made yet; made in the system keyring on the first card order"),
    "cli.secrets.data_key.env": ("数据密钥：环境变量 KAMENG_TUI_DATA_KEY", "data key: the environment (KAMENG_TUI_DATA_KEY)"),
    "cli.secrets.data_key.file": ("数据密钥：密钥文件", "data key: the key file"),
    "cli.secrets.data_key.keyring": ("数据密钥：系统钥匙串", "data key: the system keyring"),
    "cli.secrets.fix": ("  修复：kameng-tui secrets use-file（0600 密钥文件 {path}；请备份，丢失后已保存的卡密无法解密），"
                        "或设置 KAMENG_TUI_DATA_KEY（base64）",
                        "  fix: `kameng-tui secrets use-file` (a 0600 key file at {path}; back it up: if it is lost, "
                        "stored card secrets cannot be decrypted), or set KAMENG_TUI_DATA_KEY (base64)"),
    "cli.secrets.key_file.on": ("密钥文件：{path}（0600）", "key file: {path} (0600)"),
    "cli.secrets.key_file.off": ("密钥文件：未启用", "key file: not in use"),
    "cli.secrets.suppliers": ("供应商密钥：{list}", "supplier secrets: {list}"),
    "cli.secrets.suppliers.none": ("供应商密钥：无需（只有演示供应商）", "supplier secrets: none needed (demo only)"),
    "cli.secrets.src.env": ("环境变量", "environment"),
    "cli.secrets.src.file": ("密钥文件", "key file"),
    "cli.secrets.src.keyring": ("系统钥匙串", "keyring"),
    "cli.secrets.src.none": ("缺失", "missing"),
}
