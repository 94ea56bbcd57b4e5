"""A read-only data directory: reads work, writes say why (issue 14, point 6).

Root ignores file modes, so when the suite runs as root (CI) the CLI runs as `nobody`;
otherwise the current user is already unprivileged. Never skipped.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kit import base_env

SKU, PHONE = "demo:HF-CM-100", "13800138000"


def _drop() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_uid, nobody.pw_gid


@pytest.fixture
def user_home():
    """A KAMENG_TUI_HOME the unprivileged user owns, under a dir it can traverse."""
    root = Path(tempfile.mkdtemp(prefix="kameng-ro-"))
    os.chmod(root, 0o755)
    home = root / "home"
    home.mkdir()
    ids = _drop()
    if ids:
        os.chown(home, *ids)
    yield home
    for d, _, _ in os.walk(root):
        os.chmod(d, 0o755)
    shutil.rmtree(root, ignore_errors=True)


def _reachable(path: Path) -> bool:
    """Whether someone who is neither owner nor group could run `path` (every dir on the
    way searchable by others, the file executable by others)."""
    path = Path(os.path.realpath(path))
    for d in path.parents:
        if not os.stat(d).st_mode & 0o001:
            return False
    return bool(os.stat(path).st_mode & 0o001)


def user_python() -> list[str]:
    """A command that runs the CLI under this test's interpreter version as the dropped user.

    Our venv's interpreter may live where `nobody` cannot reach it (pyenv under /root):
    then a system interpreter of the same version runs it, with the venv's site-packages
    (the same packages, the editable install of this tree) added as a site dir."""
    if _drop() is None or _reachable(Path(sys.executable)):
        return [sys.executable, "-m", "kameng_tui"]
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (shutil.which(version, path="/usr/local/bin:/usr/bin:/bin"), f"/usr/bin/{version}"):
        if candidate and _reachable(Path(candidate)):
            site_dir = next(p for p in sys.path if p.endswith("site-packages") and p.startswith(sys.prefix))
            boot = (f"import site, sys, runpy; site.addsitedir({site_dir!r}); sys.argv[0] = 'kameng-tui'; "
                    "runpy.run_module('kameng_tui', run_name='__main__', alter_sys=True)")
            return [candidate, "-c", boot]
    raise AssertionError(f"no {version} that an unprivileged user can run")


def run_as_user(home: Path, *args: str, extra: dict[str, str] | None = None) -> tuple[int, str, str]:
    ids = _drop()

    def demote() -> None:
        if ids:
            os.setgroups([])
            os.setgid(ids[1])
            os.setuid(ids[0])

    env = {**base_env(home), "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1", **(extra or {})}
    p = subprocess.run([*user_python(), *args], env=env, capture_output=True, text=True,
                       preexec_fn=demote, timeout=120, cwd=str(home))
    return p.returncode, p.stdout, p.stderr


def test_runs_unprivileged(user_home):
    code, out, err = run_as_user(user_home, "config", "path", "--json")
    assert code == 0, out + err
    ids = _drop()
    probe = subprocess.run([user_python()[0], "-c", "import os; print(os.geteuid())"], capture_output=True, text=True,
                           preexec_fn=(lambda: os.setuid(ids[0])) if ids else None)
    assert probe.stdout.strip() not in ("", "0"), probe.stdout + probe.stderr


def _make_read_only(data: Path, files_too: bool = True) -> None:
    """The dir read-only (a mounted backup, a locked-down folder); its files too, or not."""
    if files_too:
        for f in data.iterdir():
            if f.is_file():
                os.chmod(f, 0o400)
    os.chmod(data, 0o500)


@pytest.mark.parametrize("files_too", [True, False], ids=["files-read-only", "dir-only"])
def test_read_only_data_dir_reads_work_writes_say_why(user_home, files_too):
    code, out, err = run_as_user(user_home, "order", SKU, "--account", PHONE, "--yes", "--json")
    assert code == 0, out + err
    order_no = json.loads(out)["order"]["order_no"]
    data = user_home / "data"
    _make_read_only(data, files_too)

    code, out, err = run_as_user(user_home, "history", "--json")
    assert code == 0, out + err
    assert [o["order_no"] for o in json.loads(out)["items"]] == [order_no]
    code, out, err = run_as_user(user_home, "show", order_no, "--json")
    assert code == 0, out + err
    code, out, err = run_as_user(user_home, "report", "--json")
    assert code == 0, out + err

    code, out, err = run_as_user(user_home, "order", SKU, "--account", "13900139000", "--yes", "--json")
    assert code == 2, out + err
    e = json.loads(out)["error"]
    assert e["code"] == "read_only"
    assert str(data) in e["message"]
    assert e.get("not_sent", []) == [] and e.get("in_doubt", []) == []
    assert "Traceback" not in err
    code, out, err = run_as_user(user_home, "--lang", "en", "order", SKU, "--account", "13900139000", "--yes")
    err = " ".join(err.split())
    assert code == 2 and "read-only" in err and "nothing ordered" in err.lower(), err

    code, out, err = run_as_user(user_home, "history", "--json")
    assert [o["order_no"] for o in json.loads(out)["items"]] == [order_no]


def test_read_only_dir_after_a_killed_writer_still_reads(user_home):
    """The last writer died after its intent: its -wal/-shm files are left behind, and
    the order in them must still show once the dir is read-only."""
    code, out, err = run_as_user(user_home, "order", SKU, "--account", PHONE, "--yes", "--json")
    assert code == 0, out + err
    env_crash = {"KAMENG_TUI_CRASH_AT": "after-intent"}
    code, out, err = run_as_user(user_home, "order", SKU, "--account", "13900139000", "--yes", "--json",
                                 extra=env_crash)
    assert code == -9, out + err
    data = user_home / "data"
    assert (data / "ledger.db-wal").exists()
    _make_read_only(data)
    code, out, err = run_as_user(user_home, "history", "--json")
    assert code == 0, out + err
    items = json.loads(out)["items"]
    assert sorted(o["state"] for o in items) == ["pending", "succeeded"]


def _foreign_shm(data: Path) -> None:
    """A `-shm` beside the ledger that this user cannot open (left by another account):
    `mode=ro` cannot set up WAL reading (SQLITE_READONLY_DIRECTORY)."""
    shm = data / "ledger.db-shm"
    shm.write_bytes(b"")
    os.chown(shm, 0, 0) if _drop() else None
    os.chmod(shm, 0o000)


def test_read_only_dir_falls_back_to_immutable(user_home):
    code, out, err = run_as_user(user_home, "order", SKU, "--account", PHONE, "--yes", "--json")
    assert code == 0, out + err
    order_no = json.loads(out)["order"]["order_no"]
    data = user_home / "data"
    _foreign_shm(data)
    _make_read_only(data)
    code, out, err = run_as_user(user_home, "history", "--json")
    assert code == 0, out + err
    assert [o["order_no"] for o in json.loads(out)["items"]] == [order_no]


def test_read_only_dir_with_unmerged_wal_refuses_rather_than_show_an_older_ledger(user_home):
    code, out, err = run_as_user(user_home, "order", SKU, "--account", PHONE, "--yes", "--json")
    assert code == 0, out + err
    code, out, err = run_as_user(user_home, "order", SKU, "--account", "13900139000", "--yes", "--json",
                                 extra={"KAMENG_TUI_CRASH_AT": "after-intent"})
    assert code == -9, out + err
    data = user_home / "data"
    assert (data / "ledger.db-wal").stat().st_size > 0
    os.chmod(data / "ledger.db-shm", 0o000)
    if _drop():
        os.chown(data / "ledger.db-shm", 0, 0)
    _make_read_only(data)
    code, out, err = run_as_user(user_home, "history", "--json")
    assert code == 2, out + err
    e = json.loads(out)["error"]
    assert e["code"] == "read_only" and "ledger.db-wal" in e["message"]
