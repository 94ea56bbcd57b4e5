"""The protocol's signing and wire rules, to the byte (docs/supplier-protocol.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kameng_tui.suppliers.demo import generate_catalog
from kameng_tui.suppliers.http import protocol as P

VECTOR = dict(key_id="shop-1", secret="s3cret-for-tests", method="GET", path="/v1/balance", query="", body=b"",
              now=1767225600, nonce="00112233445566778899aabbccddeeff")


def test_published_request_vector():
    h = P.sign_request(VECTOR["key_id"], VECTOR["secret"], "GET", "/v1/balance", "", b"", now=VECTOR["now"],
                       nonce=VECTOR["nonce"])
    assert h[P.H_SIG] == "3f64696d4f9da6aeb04e49c8e6f322ab5034f118f215fffac2e074609bbd3e64"
    assert P.check_request("s3cret-for-tests", h, "GET", "/v1/balance", "", b"")
    assert not P.check_request("other", h, "GET", "/v1/balance", "", b"")
    assert not P.check_request("s3cret-for-tests", h, "GET", "/v1/balance", "", b"x")
    assert not P.check_request("s3cret-for-tests", h, "POST", "/v1/balance", "", b"")


def test_query_is_canonical_whatever_the_order():
    assert P.canonical_query("b=2&a=1&c=%E4%B8%AD") == P.canonical_query({"c": "中", "a": "1", "b": "2"})
    h = P.sign_request("k", "s", "GET", "/v1/catalog", "limit=5&cursor=10", b"")
    assert P.check_request("s", h, "GET", "/v1/catalog", "cursor=10&limit=5", b"")


def test_reply_is_bound_to_its_request_nonce():
    h = P.sign_reply("s", 201, "n1", b'{"a":1}')
    assert P.check_reply("s", h, 201, "n1", b'{"a":1}')
    assert not P.check_reply("s", h, 201, "n2", b'{"a":1}')
    assert not P.check_reply("s", h, 200, "n1", b'{"a":1}')


def test_hook_window():
    h = P.sign_hook("k", "s", b"{}", now=1000)
    assert P.check_hook("s", h, b"{}", now=1100)
    assert not P.check_hook("s", h, b"{}", now=1000 + P.WINDOW_S + 1)


def test_canonical_json_is_key_order_free_and_unescaped():
    assert P.canonical({"b": 1, "a": "中"}) == '{"a":"中","b":1}'.encode()


@pytest.mark.parametrize("bad", [9.8, 1, "abc", "1.00001", "-1", "NaN", None, "1e20"])
def test_money_refuses_floats_and_garbage(bad):
    with pytest.raises(P.WireError):
        P.money_in(bad, "x")


def test_products_round_trip():
    for p in generate_catalog(300, "ref"):
        assert P.product_in("ref", P.product_out(p)) == p
    assert P.money_in("9.8", "x") == Decimal("9.8000")
