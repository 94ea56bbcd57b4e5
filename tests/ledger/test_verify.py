"""`verify` names every edited orders column, whichever pass finds it, on either SQLite.

verify compares each orders row with its events in a fast pass (one JSON array per
creating event) and names the column in a second pass over the orders the first one
flagged. These tests edit one column at a time, for orders in every shape (pending,
settled with amounts, a card order with sealed fields, a customer refund), so a
column the fast pass forgot to compare would go unnoticed here. The worker processes
read with apsw's SQLite when it is installed and with sqlite3's otherwise; JSON
functions changed between the two, so the column edits run on both.
"""

from __future__ import annotations

import json
import marshal
import sqlite3
import subprocess
import sys
from decimal import Decimal

import pytest

from kameng_tui.domain.models import Delivery
from kameng_tui.domain.states import OrderState as S
from kameng_tui.ledger import chain, verify_worker
from kameng_tui.ledger import verify as verify_module
from kameng_tui.ledger.problems import Problem
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.ledger.store import NewBatch, SealedCard, Transition

from tests.ledger.test_store import T0, intent

EDITABLE = [c for c in chain.ROW_COLUMNS if c != "order_no"]


@pytest.fixture(scope="module")
def shaped(tmp_path_factory):
    """A ledger holding one order of each shape; returns (data dir, order numbers). The
    fifth has text that JSON escapes (quotes, a backslash, control characters, an emoji)."""
    data = tmp_path_factory.mktemp("verify") / "data"
    led = open_ledger(data)
    card = intent(3, sku="demo:VM-TX-M-0-K", product_id="VM-TX-M-0-K", delivery=Delivery.CARD, quantity=2,
                  name="腾讯视频VIP会员月卡 卡密", sealed={"password": b"sealed-blob"}, ref="R-3", customer="张三",
                  note="加急\n两张", line_id=7)
    awkward = intent(5, note='引号" 反斜杠\\ 制表\t 控制\x01 😀', customer="O'Brien \"VIP\"", ref="R\\5",
                     request_json=json.dumps({"sku": "HF-CM-100", "note": 'a"b'}))
    led.create_intents([intent(1), intent(2, account={"account": "12345678", "region": "安卓QQ"}), intent(4), awkward],
                       at=T0)
    led.create_intents([card], NewBatch(identity="b1", source="test", line_count=1), at=T0)
    nos = [intent(i).order_no for i in (1, 2, 3, 4, 5)]
    led.transition(nos[1], S.PENDING, S.SUBMITTED, at=T0)
    led.transition(nos[1], S.SUBMITTED, S.SUCCEEDED, Transition(charged=Decimal("98.5"), supplier_order_no="SO-2",
                                                                delivered_qty=1), at=T0)
    led.transition(nos[2], S.PENDING, S.SUBMITTED, at=T0)
    led.transition(nos[2], S.SUBMITTED, S.SUCCEEDED, Transition(
        charged=Decimal("197"), delivered_qty=2, cards=(SealedCard(0, b"n0", b"p0"), SealedCard(1, b"n1", b"p1"))),
        at=T0)
    led.customer_refund(nos[2], Decimal("20"), "one card did not work", at=T0)
    led.transition(nos[3], S.PENDING, S.SUBMITTED, at=T0)
    led.transition(nos[3], S.SUBMITTED, S.FAILED, Transition(reason="号码错误"), at=T0)
    assert led.verify().ok
    led.close()
    return data, nos


def _copy(data, dest):
    """A copy of the ledger (database and anchor) to edit raw, as someone with file access would."""
    dest.mkdir(parents=True)
    src, dst = sqlite3.connect(data / "ledger.db"), sqlite3.connect(dest / "ledger.db")
    src.backup(dst)
    src.close()
    (dest / "ledger.head").write_bytes((data / "ledger.head").read_bytes())
    return dst


def _verify(data):
    led = open_ledger(data)
    try:
        return led.verify()
    finally:
        led.close()


def _changed(value, declared: str):
    if value is None:
        return 1 if declared == "INTEGER" else "x"
    if isinstance(value, int):
        return value + 1
    return value + "x"


@pytest.fixture(params=["apsw", "sqlite3"])
def engine(request, monkeypatch):
    """The SQLite the worker processes read with: apsw's (installed with the app), or the
    standard library's, as on a machine without apsw."""
    if request.param == "sqlite3":
        monkeypatch.setattr(verify_module, "_apsw_dir", lambda: None)
    else:
        assert verify_module._apsw_dir() is not None
    real = verify_module._finish

    def from_the_worker(proc, uri, tasks):
        """A worker that failed has its checks rerun in this process, on sqlite3: here
        that would hide a broken engine, so it fails the test."""
        results = real(proc, uri, tasks)
        assert proc is not None and proc.returncode == 0, f"the {request.param} worker failed"
        return results

    monkeypatch.setattr(verify_module, "_finish", from_the_worker)
    return request.param


@pytest.mark.parametrize("column", EDITABLE)
def test_an_edited_orders_column_is_named(shaped, tmp_path, column, engine):
    data, nos = shaped
    for no in nos:
        copy = tmp_path / no / "data"
        dst = _copy(data, copy)
        value = dst.execute(f"SELECT {column} FROM orders WHERE order_no = ?", (no,)).fetchone()[0]
        declared = {r[1]: r[2] for r in dst.execute("PRAGMA table_info(orders)")}[column]
        dst.execute(f"UPDATE orders SET {column} = ? WHERE order_no = ?", (_changed(value, declared), no))
        dst.commit()
        dst.close()
        report = _verify(copy)
        assert not report.ok
        assert any(p.kind == "projection_diff" and p.order_no == no and p.column == column
                   for p in report.problems), report.problems


def test_an_event_body_that_is_not_json_is_reported_not_raised(shaped, tmp_path):
    data, _ = shaped
    copy = tmp_path / "data"
    dst = _copy(data, copy)
    dst.execute("DROP TRIGGER events_no_update")
    dst.execute("UPDATE events SET body = '{\"sku\":' WHERE seq = (SELECT min(seq) FROM events WHERE kind = 'created')")
    dst.commit()
    dst.close()
    report = _verify(copy)
    assert not report.ok and report.first_bad_seq is not None
    assert any(p.kind == "hash_mismatch" and p.seq == report.first_bad_seq for p in report.problems)
    assert Problem("projection_error", detail="malformed JSON") in report.problems, report.problems


def test_an_order_created_twice_is_reported(shaped, tmp_path):
    data, nos = shaped
    copy = tmp_path / "data"
    dst = _copy(data, copy)
    dst.execute("INSERT INTO events (order_no, kind, at, body, prev_hash, hash) "
                "SELECT order_no, kind, at, body, prev_hash, hash FROM events WHERE order_no = ? AND kind = 'created'",
                (nos[0],))
    dst.commit()
    dst.close()
    report = _verify(copy)
    assert Problem("order_created_twice", order_no=nos[0]) in report.problems


@pytest.mark.parametrize("given", ["apsw", "nothing", "a directory without apsw"])
def test_the_worker_runs_without_site_packages_on_either_sqlite(shaped, tmp_path, given):
    """verify starts it as `python -I -S`: an import of the app's own modules there would
    fail, and verify would quietly run everything in one process. It reads with the
    apsw it is pointed to, and with sqlite3 when there is none there."""
    data, nos = shaped
    apsw_dir = {"apsw": verify_module._apsw_dir(), "nothing": None, "a directory without apsw": str(tmp_path)}[given]
    spec = {"uri": (data / "ledger.db").as_uri() + "?mode=ro", "apsw": apsw_dir,
            "tasks": [["sql", "SELECT order_no FROM orders WHERE order_no = :no", {"no": nos[0]}],
                      ["sql", "SELECT json(:x)", {"x": "{"}], ("chain", 1, 3, chain.MESSAGE_SQL), ("chain", 1, 10_000, chain.MESSAGE_SQL),
                      ["sql", "SELECT sqlite_version()", {}]]}
    out = subprocess.run([sys.executable, "-I", "-S", verify_worker.__file__], input=marshal.dumps(spec),
                         capture_output=True, check=True).stdout
    rows, error, first_three, past_the_end, version = marshal.loads(out)
    assert rows == {"rows": [(nos[0],)]} and error == {"error": "malformed JSON"}
    assert first_three["ok"] and first_three["prev_of_first"] == chain.GENESIS and past_the_end == {"ok": False}
    if given == "apsw":                   # asked in a process of its own: this one keeps to sqlite3
        expected = subprocess.run([sys.executable, "-I", "-S", "-c", "import sys; sys.path.append(sys.argv[1]); "
                                   "import apsw; print(apsw.sqlite_lib_version())", apsw_dir],
                                  capture_output=True, text=True, check=True).stdout.strip()
        assert expected != sqlite3.sqlite_version
    else:
        expected = sqlite3.sqlite_version
    assert version["rows"][0][0] == expected


def test_without_worker_processes_verify_runs_the_same_checks_here(shaped, tmp_path, monkeypatch):
    data, nos = shaped
    monkeypatch.setattr(verify_module.sys, "executable", str(tmp_path / "no-such-python"))
    assert _verify(data).ok
    dst = _copy(data, tmp_path / "edited")
    dst.execute("UPDATE orders SET charged = charged + 1 WHERE order_no = ?", (nos[1],))
    dst.commit()
    dst.close()
    assert any(p.kind == "projection_diff" and p.order_no == nos[1] and p.column == "charged"
               for p in _verify(tmp_path / "edited").problems)


@pytest.mark.parametrize("where", ["first", "end of the first half", "start of the second half", "last"])
def test_an_edited_event_is_named_in_either_half_of_the_chain(shaped, tmp_path, where, engine):
    """verify hashes the chain in two halves, in two processes: an edit on either side
    of the seam, or at either end, is named by its seq."""
    data, _ = shaped
    dst = _copy(data, tmp_path / "data")
    last = dst.execute("SELECT max(seq) FROM events").fetchone()[0]
    seq = {"first": 1, "end of the first half": last // 2, "start of the second half": last // 2 + 1, "last": last}[where]
    dst.execute("DROP TRIGGER events_no_update")
    dst.execute("UPDATE events SET at = replace(at, '2026', '2025') WHERE seq = ?", (seq,))
    dst.commit()
    dst.close()
    report = _verify(tmp_path / "data")
    assert report.first_bad_seq == seq
    assert any(p.kind == "hash_mismatch" and p.seq == seq for p in report.problems), report.problems


def test_a_missing_event_at_the_seam_of_the_halves_is_named(shaped, tmp_path, engine):
    data, _ = shaped
    dst = _copy(data, tmp_path / "data")
    seam = dst.execute("SELECT max(seq) FROM events").fetchone()[0] // 2 + 1
    dst.execute("DROP TRIGGER events_no_delete")
    dst.execute("DELETE FROM events WHERE seq = ?", (seam,))
    dst.commit()
    dst.close()
    assert Problem("event_missing", seq=seam, detail=str(seam + 1)) in _verify(tmp_path / "data").problems


def test_a_ledger_under_a_path_with_spaces_and_chinese_verifies(shaped, tmp_path, engine):
    """The workers open the database by URI: the path must survive quoting."""
    data, _ = shaped
    dst = _copy(data, tmp_path / "我的 账本 #1" / "data")
    dst.close()
    assert _verify(tmp_path / "我的 账本 #1" / "data").ok


def test_an_orders_row_deleted_is_named(shaped, tmp_path):
    data, nos = shaped
    dst = _copy(data, tmp_path / "data")
    dst.execute("DELETE FROM orders WHERE order_no = ?", (nos[2],))
    dst.commit()
    dst.close()
    assert Problem("order_missing", order_no=nos[2]) in _verify(tmp_path / "data").problems


def test_an_orders_row_no_event_created_is_named(shaped, tmp_path):
    data, nos = shaped
    dst = _copy(data, tmp_path / "data")
    cols = ", ".join(c for c in chain.ROW_COLUMNS if c != "order_no")
    dst.execute(f"INSERT INTO orders (order_no, {cols}) SELECT 'KM-FORGED-1', {cols} FROM orders WHERE order_no = ?",
                (nos[1],))
    dst.commit()
    dst.close()
    assert Problem("order_unfounded", order_no="KM-FORGED-1") in _verify(tmp_path / "data").problems


def test_ledger_verify_from_the_shell_loads_only_what_it_needs(tmp_path):
    """`kameng-tui ledger verify` is run by hand and by cron: its start-up is part of its
    time. It needs the config, the ledger and the output; not the catalog index (numpy),
    the supplier plugins, the event loop, the send lock or the app's own SQLite checks
    (apsw belongs to the worker processes)."""
    from kit import base_env

    heavy = ("numpy", "asyncio", "filelock", "httpx", "textual", "keyring", "pypinyin", "importlib.metadata", "apsw")
    code = ("import sys\nfrom kameng_tui.__main__ import main\nrc = main(['ledger', 'verify', '--json'])\n"
            f"print(rc, [m for m in {heavy!r} if m in sys.modules], file=sys.stderr)\n")
    r = subprocess.run([sys.executable, "-c", code], env=base_env(tmp_path / "home"), capture_output=True, text=True)
    assert json.loads(r.stdout)["ok"] is True, r.stdout + r.stderr
    assert r.stderr.split("\n")[-2] == "0 []", r.stderr


def test_every_edited_column_of_an_order_is_named(shaped, tmp_path):
    """Someone who changed the amount also changed the account: both are named, not only
    the first, so the damage can be judged from one report."""
    data, nos = shaped
    dst = _copy(data, tmp_path / "data")
    dst.execute("UPDATE orders SET charged = charged - 1, account = ?, note = 'x' WHERE order_no = ?",
                ('{"account":"13900000000"}', nos[1]))
    dst.commit()
    dst.close()
    problems = _verify(tmp_path / "data").problems
    named = [p.column for p in problems if p.kind == "projection_diff" and p.order_no == nos[1]]
    assert named == ["account", "charged", "note"], problems
    assert Problem("projection_diff", order_no=nos[1], column="charged", detail="984999 / 985000") in problems, problems
