"""The layers of DESIGN.md hold: import-linter's contracts in pyproject.toml, and a
fresh interpreter importing the domain pulls in no UI, HTTP or SQL library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_domain_imports_nothing_heavy():
    code = ("import sys, kameng_tui.domain.models, kameng_tui.domain.states, kameng_tui.domain.money;"
            "print(','.join(m for m in ('textual','rich','httpx','sqlite3','keyring','pypinyin') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "", r.stdout + r.stderr


# --- issue 16: one composition root, faces behind a facade, layer contracts -------------------

FACES = ("kameng_tui.cli", "kameng_tui.tui")


def _graph():
    import grimp

    return grimp.build_graph("kameng_tui", include_external_packages=True)


def test_faces_reach_no_ledger_sql_or_http_even_indirectly():
    """A screen or a command that can reach the store, SQLite or the network is one refactor
    away from using it: every path from cli/ or tui/ to them goes through bootstrap, which
    only the entry point imports."""
    g = _graph()
    # The one documented exception (pyproject.toml): `supplier serve|check` launch the
    # HTTP protocol's reference server and checker.
    for imported in set(g.find_modules_directly_imported_by("kameng_tui.cli.supplier_http")):
        if imported.startswith(("kameng_tui.refserver", "kameng_tui.testing.checker")):
            g.remove_import(importer="kameng_tui.cli.supplier_http", imported=imported)
    faces = {m for f in FACES for m in g.find_descendants(f) | {f}}
    found = []
    for target in ("kameng_tui.ledger.sqlite", "kameng_tui.ledger.connection", "sqlite3", "httpx",
                   "kameng_tui.secrets", "kameng_tui.bootstrap"):
        if target not in g.modules:
            continue
        for face in sorted(faces):
            chain = g.find_shortest_chain(importer=face, imported=target)
            if chain:
                found.append(" -> ".join(chain))
                break
    assert found == []


def test_only_the_entry_point_imports_the_composition_root():
    g = _graph()
    assert "kameng_tui.bootstrap" in g.modules
    assert g.find_modules_that_directly_import("kameng_tui.bootstrap") == {"kameng_tui.__main__"}


def test_the_console_script_is_the_entry_point_module():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"kameng-tui": "kameng_tui.__main__:main"}


def test_python_dash_m_and_the_console_script_answer_help(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "KAMENG_TUI_HOME": str(tmp_path), "HOME": str(tmp_path)}
    for cmd in ([sys.executable, "-m", "kameng_tui", "--lang", "en", "--help"],
                [str(Path(sys.executable).with_name("kameng-tui")), "--lang", "en", "--help"]):
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "usage: kameng-tui" in r.stdout


def test_the_facade_holds_no_ledger_secrets_or_raw_config():
    from kameng_tui.services.shop import Shop

    names = {n for n in dir(Shop) if not n.startswith("_")} | set(getattr(Shop, "__annotations__", {}))
    assert names >= {"checkout", "batch", "orders", "catalog", "balances", "settings_view", "supplier_admin",
                     "ledger_status"}
    assert not names & {"ledger", "secrets", "config", "paths", "env", "suppliers", "engine"}


def test_old_module_paths_still_import_for_one_release():
    code = ("import warnings; warnings.simplefilter('error', DeprecationWarning)\n"
            "try:\n    import kameng_tui.palette\nexcept DeprecationWarning as w: print('palette', w)\n"
            "try:\n    import kameng_tui.secrets\nexcept DeprecationWarning as w: print('secrets', w)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "palette" in r.stdout and "secrets" in r.stdout
    from kameng_tui.palette import STATE_STYLE
    from kameng_tui.secrets import SecretStore
    from kameng_tui.state_style import STATE_STYLE as new_style
    from kameng_tui.secret_store import SecretStore as new_store
    assert STATE_STYLE is new_style and SecretStore is new_store


def test_services_and_the_root_have_no_untyped_defs():
    """pyproject's [[tool.mypy.overrides]] for kameng_tui.services.* and kameng_tui.bootstrap:
    a service's collaborators and results are named in its signatures."""
    targets = [str(ROOT / "src/kameng_tui/services"), str(ROOT / "src/kameng_tui/bootstrap.py")]
    r = subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent", *targets], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    untyped = [line for line in r.stdout.splitlines() if "[no-untyped-def]" in line]
    assert "error: " in r.stdout or r.returncode == 0, r.stdout + r.stderr     # mypy ran
    assert untyped == []
