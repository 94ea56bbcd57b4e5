"""The reference server remembers request nonces in its own SQLite state, so a restart
inside the ±300 s window does not open the door to a replayed signed request."""

from __future__ import annotations

import sqlite3
import time

import httpx

from refkit import KEY_ID, SECRET, start_server
from kameng_tui.suppliers.http import protocol as P

ORDER_NO = "KMREPLAY0000000000000001"


def signed_create(url: str, product_id: str = "HF-CM-100") -> tuple[str, bytes, dict[str, str]]:
    body = P.canonical({"client_order_no": ORDER_NO, "product_id": product_id, "quantity": 1,
                        "account": {"account": "13800138000"}})
    headers = {**P.sign_request(KEY_ID, SECRET, "POST", "/v1/orders", "", body), "Content-Type": "application/json"}
    return url + "/v1/orders", body, headers


def error_code(resp: httpx.Response) -> str:
    return resp.json().get("error", {}).get("code", "")


def test_a_signed_request_replayed_after_a_server_restart_is_refused_and_creates_nothing(tmp_path):
    # A balance too low for the order: the first, genuine request is refused after the gate
    # and creates nothing. After a top-up, a replay of those exact bytes would create it.
    ref = start_server(tmp_path, "--balance", "1")
    try:
        url, body, headers = signed_create(ref.url)
        first = httpx.post(url, content=body, headers=headers)
        assert first.status_code == 402 and error_code(first) == "insufficient_balance"
        read_headers = P.sign_request(KEY_ID, SECRET, "GET", "/v1/balance", "", b"")
        assert httpx.get(ref.url + "/v1/balance", headers=read_headers).status_code == 200
        ref.kill()                                       # no clean shutdown: what is on disk is what counts
        con = sqlite3.connect(ref.state)                 # the reseller tops up meanwhile
        con.execute("UPDATE account SET balance = ?", (10_000 * 10_000,))
        con.commit()
        con.close()
        ref = ref.restart()

        replay = httpx.post(url, content=body, headers=headers)
        assert replay.status_code == 401 and error_code(replay) == "nonce_reused", replay.text
        read_replay = httpx.get(ref.url + "/v1/balance", headers=read_headers)
        assert read_replay.status_code == 401 and error_code(read_replay) == "nonce_reused"
        assert ref.orders() == {} and ref.balance() == 10_000
        replays = [r for r in ref.requests() if r["method"] == "POST" and r.get("outcome") == "rejected:nonce_reused"]
        assert [r["no"] for r in replays] == [ORDER_NO]

        # the same order freshly signed goes through: only the replay was refused
        _, _, fresh = signed_create(ref.url)
        created = httpx.post(url, content=body, headers=fresh)
        assert created.status_code == 201
        assert list(ref.orders()) == [ORDER_NO]
    finally:
        ref.stop()


def test_nonces_past_the_window_are_pruned_from_the_state(tmp_path):
    from decimal import Decimal

    from kameng_tui.refserver.server import Books

    books = Books(str(tmp_path / "ref.db"), Decimal("100"))
    now = time.time()
    assert books.remember_nonce("a" * 32, now=now, ts=int(now))
    assert not books.remember_nonce("a" * 32, now=now + 10, ts=int(now))          # within the window: a replay
    assert books.remember_nonce("b" * 32, now=now, ts=int(now) - 250)
    later = now + P.WINDOW_S + 60                                                  # both requests' windows are over
    assert books.prune_nonces(later) == 2
    assert books.remember_nonce("a" * 32, now=later, ts=int(later))               # long gone: a nonce may come back
    assert books.con.execute("SELECT COUNT(*) FROM nonces").fetchone()[0] == 1
