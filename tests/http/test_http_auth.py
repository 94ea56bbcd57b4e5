"""Our key refused: an unknown key id (the server's unsigned 401) leaves an order pending
with a message naming the fix, a batch stops sending to that supplier, and the order
goes later under its own number. Anything else the client can't trust stays unknown."""

from __future__ import annotations

import json
import signal
import threading
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from faultkit import check_guarantees, lines, recover
from kit import run_cli
from refkit import SECRET, client_env, start_server
from kameng_tui.domain.reasons import reason_text
from kameng_tui.domain.errors import AuthFailed, OutcomeUnknown
from kameng_tui.domain.states import OrderState
from kameng_tui.suppliers.base import PlaceRequest
from kameng_tui.suppliers.http import HttpSupplier

S = OrderState
WRONG_KEY = "shop-typo"
ORDER = ("order", "ref:HF-CM-10", "--account", "13800138000", "--ref", "R-1", "--yes")


def posts(ref) -> list[tuple[str, str]]:
    return [(r["no"], r.get("outcome", "")) for r in ref.requests() if r["method"] == "POST" and r["path"] == "/v1/orders"]


class Rotating:
    """A reference server and a client context on it. `rotate` kills the server and starts
    it again on the same port and books with another key id or secret, as a wholesaler
    rotating them does, and returns it; the one running at the end is stopped."""

    def __init__(self, root: Path, home: Path) -> None:
        from kameng_tui.bootstrap import build_context

        self.ref = start_server(root)
        try:
            self.ctx = build_context(client_env(home, self.ref.url, deadline_s="3"))
        except BaseException:
            self.ref.stop()
            raise

    def rotate(self, **changed: str):
        self.ref.kill()
        self.ref = self.ref.restart(**changed)
        return self.ref


@asynccontextmanager
async def rotating(root: Path, home: Path):
    served = Rotating(root, home)
    try:
        yield served
    finally:
        await served.ctx.aclose()
        served.ctx.close()
        served.ref.stop()


def no_secret_under(root: Path, *texts: str) -> None:
    for text in texts:
        assert SECRET not in text
    for f in root.rglob("*"):
        if f.is_file():
            assert SECRET.encode() not in f.read_bytes(), f"the supplier secret is in {f}"


def test_order_with_an_unknown_key_id_stays_pending_says_what_to_fix_and_goes_later_under_its_number(ref, home):
    env = client_env(home, ref.url)
    crashed = run_cli({**env, "KAMENG_TUI_CRASH_AT": "after-intent"}, *ORDER, "--json")
    assert crashed.code == -signal.SIGKILL                  # recorded pending, never sent
    wrong = client_env(home, ref.url, key_id=WRONG_KEY)

    r = run_cli(wrong, *ORDER, "--json")
    assert r.code == 3, r.stdout + r.stderr                  # not settled: don't re-order, fix the key, send it again
    order = r.json["order"]
    no = order["order_no"]
    assert order["state"] == "pending" and r.json["existed"] is True
    assert WRONG_KEY in order["reason"] and "kameng-tui supplier test ref" in order["reason"]
    assert ref.orders() == {} and posts(ref) == [(no, "rejected:auth_failed")]

    en = run_cli(wrong, "--lang", "en", *ORDER)
    flat = " ".join(en.stdout.split())
    assert en.code == 3 and f"{no} pending" in flat and "kameng-tui supplier test ref" in flat, en.stdout + en.stderr
    test = run_cli(wrong, "--lang", "en", "supplier", "test", "ref", "--json")
    err = test.json["error"]["items"][0]["error"]
    assert test.code == 2 and WRONG_KEY in err and "check the key id and secret" in err
    assert test.json["error"]["code"] == "auth_failed" and test.json["error"]["items"][0]["refused"] is True
    said = run_cli(wrong, "supplier", "test", "ref")                 # reached, so not "unreachable"
    assert said.code == 2 and "ref: 拒绝了我们的凭据" in said.stdout and "无法连接" not in said.stdout, said.stdout
    balance = run_cli(wrong, "balance", "--json")                     # the snapshot the first run took, and why
    item = balance.json["items"][0]
    assert item["refused"] is True and item["live"] is False and item["balance"] is not None, balance.stdout
    said = run_cli(wrong, "balance")
    assert "拒绝了我们的凭据" in said.stdout and "kameng-tui supplier test ref" in said.stdout, said.stdout
    assert "离线" not in said.stdout
    assert run_cli(client_env(home, ref.url), "balance", "--json").json["items"][0]["refused"] is False
    for out in (r, en, test):
        assert "Traceback" not in out.stderr
    assert ref.orders() == {}

    env = client_env(home, ref.url)                      # the key id fixed
    ok = run_cli(env, *ORDER, "--json", "--wait", "5")
    assert ok.code == 0, ok.stdout + ok.stderr
    assert ok.json["order"]["order_no"] == no and ok.json["order"]["state"] == "succeeded"
    assert list(ref.orders()) == [no] and ref.creates() == {no: 1}
    no_secret_under(home, r.stdout, r.stderr, en.stdout, en.stderr, test.stdout, test.stderr)


async def test_a_batch_stops_sending_to_a_supplier_that_no_longer_knows_our_key(tmp_path, home):
    async with rotating(tmp_path, home) as served:
        ctx = served.ctx
        plan = await ctx.batch.plan(lines(12), source="keys")   # quoted while the key was good
        ref = served.rotate(key_id="shop-2")                    # the wholesaler issues a new key
        outcome = await ctx.batch.run(plan, concurrency=3)
        assert outcome.count(S.PENDING) == 12, [o.state.value for o in outcome.orders]
        assert ref.orders() == {}
        tried = posts(ref)
        assert 1 <= len(tried) <= 3 and all(o == "rejected:auth_failed" for _, o in tried), tried
        stopped = outcome.stopped["ref"].text("en")
        assert "key id" in stopped and "kameng-tui supplier test ref" in stopped

        ref = served.rotate(key_id="shop-1")                    # the old key works again
        again = await ctx.batch.send_pending(outcome.batch_id, concurrency=3)
        assert again.count(S.SUCCEEDED) == 12 and again.stopped == {}
        assert ref.creates() == {o.order_no: 1 for o in outcome.orders}
        assert ctx.ledger.verify().ok


async def test_the_apps_batch_runner_tells_why_lines_wait(tmp_path, home):
    from kameng_tui.tui.batch_runner import BatchRunner

    told: list = []
    async with rotating(tmp_path, home) as served:
        ctx = served.ctx
        batch_id = ctx.batch.record(await ctx.batch.plan(lines(6), source="tui"))
        ref = served.rotate(key_id="shop-2")
        runner = BatchRunner(ctx.shop, lambda b, err: told.append(err))
        runner.start(batch_id, concurrency=2)
        await runner.wait(batch_id)
        errors = [e for e in told if e is not None]
        assert len(errors) == 1 and "kameng-tui supplier test ref" in errors[0].text("en")
        assert all(o.state is S.PENDING for o in ctx.ledger.batch_orders(batch_id))
        assert 1 <= len(posts(ref)) <= 2


async def test_a_wrong_secret_stops_the_batch_and_what_was_sent_is_settled_by_reconcile(tmp_path, home):
    async with rotating(tmp_path, home) as served:
        ctx = served.ctx
        plan = await ctx.batch.plan(lines(12), source="secret")
        ref = served.rotate(secret="rotated-secret-0000")        # the server's 401 is signed with a secret we lack
        outcome = await ctx.batch.run(plan, concurrency=3)
        sent = [o for o in outcome.orders if o.state is not S.PENDING]
        assert 1 <= len(sent) <= 3 and all(o.state is S.UNKNOWN for o in sent), [o.state.value for o in outcome.orders]
        assert "secret" in outcome.stopped["ref"].text("en")
        assert "kameng-tui supplier test ref" in reason_text(sent[0].reason, "zh")
        assert ref.orders() == {}

        ref = served.rotate(secret=SECRET)
        await recover(ctx)                                       # unknown: not found -> same bytes again; pending: resumed
        check_guarantees(ctx, ref, "wrong secret", expect=12)


def test_batch_resume_with_an_unknown_key_asks_once_sends_nothing_and_resumes_later(ref, home, tmp_path):
    env = client_env(home, ref.url)
    batch = tmp_path / "lines.txt"
    batch.write_text(lines(10), encoding="utf-8")
    crashed = run_cli({**env, "KAMENG_TUI_CRASH_AT": "after-intent"}, "batch", "run", str(batch), "--yes", "--json")
    assert crashed.code == -signal.SIGKILL
    batch_id = str(run_cli(env, "batch", "list", "--json").json["items"][0]["batch_id"])
    before = len(ref.requests())

    wrong = client_env(home, ref.url, key_id=WRONG_KEY)
    r = run_cli(wrong, "--lang", "en", "batch", "resume", batch_id, "--yes", "--json")
    assert r.code == 3, r.stdout + r.stderr
    doc = r.json
    assert doc["counts"] == {"pending": 10}
    assert [s["supplier"] for s in doc["stopped"]] == ["ref"] and WRONG_KEY in doc["stopped"][0]["message"]
    asked = ref.requests()[before:]
    assert len(asked) == 1 and asked[0]["path"] == "/v1/quote", asked  # one refused quote; no create at all
    people = run_cli(wrong, "--lang", "en", "batch", "resume", batch_id, "--yes")
    assert people.code == 3 and "kameng-tui supplier test ref" in " ".join(people.stdout.split())

    env = client_env(home, ref.url)
    ok = run_cli(env, "batch", "resume", batch_id, "--yes", "--json")
    assert ok.code == 0 and ok.json["counts"] == {"succeeded": 10} and ok.json["stopped"] == []
    assert ref.creates() == {o["order_no"]: 1 for o in ok.json["items"]}
    no_secret_under(home, r.stdout, r.stderr, people.stdout, people.stderr)


# --- anything else unsigned is still unknown ----------------------------------------------------


class _Unsigned(BaseHTTPRequestHandler):
    """A server (or something in front of one) answering without a signature."""

    protocol_version = "HTTP/1.1"
    replies: dict[str, tuple[int, bytes]] = {}

    def log_message(self, *a) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, body = self.replies[self.headers.get("X-KM-Key-Id", "")]
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def unsigned_server():
    _Unsigned.replies = {
        "unknown": (401, json.dumps({"error": {"code": "auth_failed", "message": "unknown key id"}}).encode()),
        "other-code": (401, json.dumps({"error": {"code": "internal", "message": "?"}}).encode()),
        "html": (401, b"<html>401 Authorization Required</html>"),
        "forbidden": (403, json.dumps({"error": {"code": "auth_failed", "message": "proxy"}}).encode()),
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Unsigned)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("key_id, expected", [
    ("unknown", AuthFailed), ("other-code", OutcomeUnknown), ("html", OutcomeUnknown), ("forbidden", OutcomeUnknown),
])
async def test_only_an_unsigned_401_auth_failed_means_nothing_was_created(unsigned_server, key_id, expected):
    sup = HttpSupplier("ref", unsigned_server, key_id, SECRET, deadline_s=2.0, read_s=1.0)
    try:
        with pytest.raises(expected) as err:
            await sup.place_order(PlaceRequest("KMTEST000000000000000077", "HF-CM-10", 1, {"account": "13800138000"}))
        assert SECRET not in err.value.message + err.value.message_en
        if expected is AuthFailed:
            assert err.value.nothing_created and key_id in err.value.message_en
            assert sup.refusals == 1
    finally:
        await sup.aclose()
