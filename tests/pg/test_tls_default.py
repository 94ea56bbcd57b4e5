"""A team ledger on another host is reached over TLS with the server's certificate
checked, unless the URL says otherwise (issue 19): libpq's own default, `prefer`,
would fall back to plaintext and check nothing."""

from __future__ import annotations

import pytest

from kameng_tui.ledger.pg.connect import tls_default


@pytest.mark.parametrize("url", ["postgresql://clerk@db.shop.example/kameng",
                                 "postgresql://clerk@10.0.0.5:5432/kameng",
                                 "postgresql://clerk@localhost,db.shop.example/kameng"])
def test_another_host_gets_verify_full(url, monkeypatch):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    assert tls_default(url) == "verify-full"


@pytest.mark.parametrize("url", ["postgresql://clerk@localhost/kameng", "postgresql://clerk@127.0.0.1/kameng",
                                 "postgresql://clerk@[::1]/kameng", "postgresql:///kameng?host=/tmp/pg",
                                 "postgresql://clerk@db.shop.example/kameng?sslmode=require"])
def test_loopback_a_socket_or_a_chosen_mode_is_left_as_it_is(url, monkeypatch):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    assert tls_default(url) is None


def test_pgsslmode_in_the_environment_is_a_choice_too(monkeypatch):
    monkeypatch.setenv("PGSSLMODE", "disable")
    assert tls_default("postgresql://clerk@db.shop.example/kameng") is None
