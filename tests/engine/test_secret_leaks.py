"""Distinctive secrets, DEBUG logging: zero plain hits in logs, stderr, config,
exports, the raw database and its -wal bytes."""

from __future__ import annotations

from pathlib import Path

SUPPLIER_KEY = "SUPPLIERKEY-ZQX7-9931-distinctive"


def all_bytes(home: Path) -> dict[str, bytes]:
    out = {}
    for p in home.rglob("*"):
        if p.is_file() and "secrets" not in p.parts:   # the opt-in key file is where secrets belong
            out[str(p.relative_to(home))] = p.read_bytes()
    return out


def test_no_secret_reaches_disk_or_output(cli, home, tmp_path):
    extra = {"KAMENG_TUI_LOGGING_LEVEL": "DEBUG", "KAMENG_TUI_SECRET_WHOLESALE": SUPPLIER_KEY}
    outputs = []
    r = cli("supplier", "add", "wholesale", "--kind", "demo", "--json", extra_env=extra)
    outputs.append(r.stdout + r.stderr)
    placed = cli("order", "demo:GM-STEAM-20-K", "--account", "13800138000", "--yes", "--json", "--wait", "5",
                 extra_env=extra)
    outputs.append(placed.stdout + placed.stderr)
    order_no = placed.json["order"]["order_no"]
    masked = cli("show", order_no, "--json", extra_env=extra)
    outputs.append(masked.stdout + masked.stderr)
    revealed = cli("show", order_no, "--reveal", "--json", extra_env=extra).json["cards"]
    passwords = [c["password"] for c in revealed]
    assert passwords and all(len(p) == 16 for p in passwords)
    for args in (("history", "--json"), ("reconcile",), ("ledger", "verify"), ("secrets", "status", "--json"),
                 ("config", "show")):
        r = cli(*args, extra_env=extra)
        outputs.append(r.stdout + r.stderr)
    # the masked view shows ABCD****WXYZ, never the password
    assert all(c["password"] != p for c, p in zip(masked.json["cards"], passwords))
    assert all("****" in c["password"] for c in masked.json["cards"])
    files = all_bytes(home)
    logs = b"".join(d for n, d in files.items() if ".log" in n)
    assert order_no.encode() in logs and b"DEBUG" in logs, "DEBUG logging wrote the order and its result"
    assert any(name.endswith("ledger.db-wal") or name.endswith("ledger.db") for name in files)
    numbers = [c["number"] for c in revealed]
    for secret in passwords + numbers + [SUPPLIER_KEY]:
        for name, data in files.items():
            assert secret.encode() not in data, f"{secret[:4]}... found in {name}"
        for text in outputs:
            assert secret not in text
