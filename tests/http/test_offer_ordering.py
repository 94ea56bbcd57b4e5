"""Ordering a product through the `[offers]` policy (issue 18, "Choice"): the embedded
demo and two reference servers as real processes, selling the same goods on other
terms. refa is the cheaper (1 of each in stock, 400 yuan of balance), refb 1% dearer
(5 of each, plenty of money); the demo beside them stands apart and is never chosen.

Each test orders its own products so the tests need no order among themselves (the
servers are shared by the module; each test has a fresh client home)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from kit import base_env, run_cli
from refkit import KEY_ID, SECRET, free_port, start_server

SIZE = "60"
REGION = "region=安卓QQ"
SCHEMA = json.loads((Path(__file__).parents[1] / "engine" / "cli_schema.json").read_text(encoding="utf-8"))


def valid(doc: dict, name: str) -> dict:
    jsonschema.validate(doc, {**SCHEMA, "$ref": f"#/$defs/{name}"})
    return doc


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    root = tmp_path_factory.mktemp("offer-servers")
    refa = start_server(root / "a", "--catalog-size", SIZE, "--catalog-style", "reworded", "--balance", "400",
                        faults="stock=1")
    refb = start_server(root / "b", "--catalog-size", SIZE, "--catalog-style", "names", faults="cost_rise=0.01,stock=5")
    yield refa, refb
    refa.stop()
    refb.stop()


@pytest.fixture(scope="module")
def synced(servers, tmp_path_factory):
    """A client home configured with the three suppliers and synced once; each test
    orders from a copy of it."""
    home = tmp_path_factory.mktemp("offer-shop") / "home"
    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    lines = ['[[suppliers]]', 'name = "demo"', 'kind = "demo"', ""]
    for name, server in zip(("refa", "refb"), servers):
        lines += ["[[suppliers]]", f'name = "{name}"', 'kind = "http"', f'base_url = "{server.url}"',
                  f'key_id = "{KEY_ID}"', ""]
    cfg.write_text("\n".join(lines), encoding="utf-8")
    done = run_cli(client_env(home), "catalog", "sync", "--json")
    assert done.code == 0, done.stdout + done.stderr
    return home


def client_env(home):
    return base_env(home, KAMENG_TUI_SECRET_REFA=SECRET, KAMENG_TUI_SECRET_REFB=SECRET, KAMENG_TUI_DEMO_SIZE=SIZE)


@pytest.fixture
def shop(synced, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(synced, home)
    return client_env(home)


def order(env, target: str, account: str, *extra: str):
    return run_cli(env, "order", target, "--account", account, "--field", REGION, "--yes", "--json", "--wait", "5", *extra)


def test_order_by_product_id_takes_the_cheapest_offer_and_history_says_which_and_why(shop, servers):
    refa, refb = servers
    placed = order(shop, "@WZRY-6-ZC", "10001")
    assert placed.code == 0, placed.stdout + placed.stderr
    doc = valid(placed.json, "order_doc")
    assert doc["order"]["sku"] == "refa:R000025" and doc["order"]["state"] == "succeeded"
    assert doc["order"]["unit_price"] == "6.00"                       # the product's face value, as a SKU order
    offer = doc["offer"]
    assert offer["product_id"] == "WZRY-6-ZC" and offer["chosen"]["sku"] == "refa:R000025"
    assert offer["win"] == {"code": "cheapest", "params": {"sku": "refa:R000025", "cost": "5.5177",
                                                          "next": "refb:10000025", "next_cost": "5.5729"}}
    assert "最便宜" in offer["message"]
    assert doc["order"]["order_no"] in refa.creates() and doc["order"]["order_no"] not in refb.creates()
    shown = valid(run_cli(shop, "show", doc["order"]["order_no"], "--json").json, "show_doc")
    assert shown["offer"] == {k: v for k, v in offer.items() if k != "message"} | {"message": offer["message"]}
    text = run_cli(shop, "--lang", "en", "show", doc["order"]["order_no"])
    assert "Offer: refa:R000025 at 5.5177 yuan: the cheapest; next is refb:10000025 at 5.5729 yuan" in " ".join(text.stdout.split())


def test_out_of_stock_at_the_cheapest_goes_to_the_next_offer_and_a_repeat_is_still_a_repeat(shop, servers):
    refa, refb = servers
    first = order(shop, "@WZRY-30-ZC", "20001")
    assert first.code == 0 and first.json["order"]["sku"].startswith("refa:"), first.stdout + first.stderr
    # refa sold its only one; the catalog synced before still says 1: the fresh quote refuses it
    second = order(shop, "@WZRY-30-ZC", "20002")
    assert second.code == 0, second.stdout + second.stderr
    doc = valid(second.json, "order_doc")
    assert doc["order"]["sku"].startswith("refb:")
    assert doc["offer"]["win"]["code"] == "after_skip"
    assert [(s["sku"].split(":")[0], s["code"], s["params"].get("code")) for s in doc["offer"]["skipped"]] == \
        [("refa", "refused", "out_of_stock")]
    assert "refa" in doc["offer"]["message"] and "缺货" in doc["offer"]["message"]
    assert len(refa.creates()) >= 1 and doc["order"]["order_no"] not in refa.creates()
    # the same top-up for the same account via another supplier is still a repeat (exit 2, nothing recorded)
    again = order(shop, "@WZRY-30-ZC", "20001")
    assert again.code == 2 and again.json["error"]["code"] == "repeat_order", again.stdout
    history = run_cli(shop, "history", "--json").json
    assert history["total"] == 2


def test_balance_short_at_the_cheapest_goes_to_the_next_offer_with_the_reason(shop, servers):
    placed = order(shop, "@WZRY-648-ZC", "30001")         # 618.43 at refa, which holds 400
    assert placed.code == 0, placed.stdout + placed.stderr
    doc = valid(placed.json, "order_doc")
    assert doc["order"]["sku"].startswith("refb:")
    skipped = doc["offer"]["skipped"]
    assert [(s["sku"].split(":")[0], s["code"]) for s in skipped] == [("refa", "balance_short")]
    assert skipped[0]["params"]["need"] == "618.4253"
    en = run_cli(shop, "--lang", "en", "show", doc["order"]["order_no"])
    assert "skipped refa:R000032: balance short at refa" in " ".join(en.stdout.split())
    # with the cost the person confirmed (--seen-cost), the next offer after a refusal may cost at most
    # max_price_rise (0.50) more: refa sells its one 王者荣耀 68元, then refb's 66.6395 is above 65.9797 + 0.50
    assert order(shop, "@WZRY-68-ZC", "30002").json["order"]["sku"] == "refa:R000028"
    capped = order(shop, "@WZRY-68-ZC", "30003", "--seen-cost", "65.9797")
    assert capped.code == 1, capped.stdout + capped.stderr
    err = capped.json["error"]
    assert (err["code"], err["sku"], err["unit_cost"]) == ("next_offer_pricier", "refb:10000028", "66.6395")
    assert run_cli(shop, "history", "--json").json["total"] == 2


def test_a_pinned_offer_is_honoured_and_refused_with_its_reason_and_no_eligible_offer_lists_why(shop, servers):
    refa, refb = servers
    pinned = order(shop, "refb:10000033", "40001")          # refa is cheaper: the SKU the person named wins
    assert pinned.code == 0, pinned.stdout + pinned.stderr
    assert pinned.json["order"]["sku"] == "refb:10000033"
    assert valid(pinned.json, "order_doc")["offer"]["win"]["code"] == "pinned"
    assert pinned.json["offer"]["pin"] == {"code": "sku", "params": {"sku": "refb:10000033"}}, "a re-order stays on it"
    before = (len(refa.creates()), len(refb.creates()))
    refused = order(shop, "refa:R000033", "40002", "--qty", "3")   # refa holds 1: pinned, never elsewhere
    assert refused.code == 2, refused.stdout + refused.stderr
    err = refused.json["error"]
    assert err["code"] == "no_eligible_offer"
    assert [(s["sku"], s["code"]) for s in err["skipped"] if s["code"] != "pinned_elsewhere"] == \
        [("refa:R000033", "out_of_stock")]
    none = order(shop, "@HPJY-6-ZC", "40003", "--qty", "9")
    assert none.code == 2 and none.json["error"]["code"] == "no_eligible_offer"
    assert {s["code"] for s in none.json["error"]["skipped"]} == {"out_of_stock"}
    zh = run_cli(shop, "order", "@HPJY-6-ZC", "--account", "40003", "--field", REGION, "--qty", "9", "--yes")
    assert zh.code == 2 and "refa:R000033" in zh.stderr and "refb:10000033" in zh.stderr and "缺货" in zh.stderr
    en = run_cli(shop, "--lang", "en", "order", "@HPJY-6-ZC", "--account", "40003", "--field", REGION, "--qty", "9", "--yes")
    assert en.code == 2 and "out of stock at refa: 1 left, 9 needed" in en.stderr
    assert (len(refa.creates()), len(refb.creates())) == before
    assert run_cli(shop, "history", "--json").json["total"] == 1
    assert json.loads(run_cli(shop, "ledger", "verify", "--json").stdout)["ok"] is True


def test_a_ref_recorded_before_offers_keyed_it_on_the_product_is_still_the_same_order(shop):
    """An order recorded with its ref's fingerprint keyed on the SKU (as every order was
    before offers): asking again under that ref, by the SKU or by the product, is that
    order (nothing new recorded), and other values under it are still a conflict."""
    from kameng_tui.domain.idempotency import ref_fingerprint

    first = order(shop, "refb:10000034", "50001", "--ref", "TB-OLD-1")
    assert first.code == 0, first.stdout + first.stderr
    no = first.json["order"]["order_no"]
    db = sqlite3.connect(Path(shop["KAMENG_TUI_HOME"]) / "data" / "ledger.db")
    with db:
        (recorded,) = db.execute("SELECT fingerprint FROM order_refs WHERE ref = 'TB-OLD-1'").fetchone()
        old = ref_fingerprint("refb:10000034", {"account": "50001", "region": "安卓QQ"}, 1)
        assert recorded != old                         # keyed on the product now...
        db.execute("UPDATE order_refs SET fingerprint = ? WHERE ref = 'TB-OLD-1'", (old,))   # ...as before offers
    db.close()
    again = order(shop, "@HPJY-30-ZC", "50001", "--ref", "TB-OLD-1")       # by the product: each SKU's old key too
    assert again.code == 0 and again.json["existed"] is True and again.json["order"]["order_no"] == no, again.stdout
    other = order(shop, "@HPJY-30-ZC", "50002", "--ref", "TB-OLD-1")
    assert other.code == 2 and other.json["error"]["code"] == "ref_conflict", other.stdout
    # a ref recorded now, keyed on the product: the same top-up asked for by the product is the same order
    second = order(shop, "refa:R000035", "50003", "--ref", "TB-NEW-1")
    assert second.code == 0, second.stdout + second.stderr
    again = order(shop, "@HPJY-68-ZC", "50003", "--ref", "TB-NEW-1")
    assert again.json["existed"] is True and again.json["order"]["order_no"] == second.json["order"]["order_no"]
    # ...and while its supplier cannot be asked (the fields as typed, keyed on the product)
    cfg = Path(shop["KAMENG_TUI_HOME"]) / "config" / "config.toml"
    cfg.write_text(re.sub(r'base_url = "http://127\.0\.0\.1:\d+"', f'base_url = "http://127.0.0.1:{free_port()}"',
                          cfg.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    offline = order(shop, "refa:R000035", "50003", "--ref", "TB-NEW-1")
    assert offline.code == 0 and offline.json["existed"] is True, offline.stdout + offline.stderr
    assert offline.json["order"]["order_no"] == second.json["order"]["order_no"]


def test_a_batch_of_product_lines_is_split_over_the_suppliers_and_keys_its_guards_on_the_product(shop, servers):
    refa, refb = servers
    batch = Path(shop["KAMENG_TUI_HOME"]) / "lines.txt"
    batch.write_text(f"@HPJY-128-ZC 60001 {REGION}\n@HPJY-128-ZC 60002 {REGION}\n", encoding="utf-8")
    ran = run_cli(shop, "batch", "run", str(batch), "--yes", "--json", "--wait", "5")
    assert ran.code == 0, ran.stdout + ran.stderr
    items = sorted(ran.json["items"], key=lambda o: o["line_id"])
    assert [o["sku"] for o in items] == ["refa:R000036", "refb:10000036"]      # refa holds 1: line 2 spills
    second = run_cli(shop, "show", items[1]["order_no"], "--json").json["offer"]
    assert second["win"]["code"] == "after_skip"
    assert second["skipped"] == [{"sku": "refa:R000036", "code": "out_of_stock",
                                  "params": {"supplier": "refa", "stock": 0, "need": 1}}]
    # the same goods for the same account, written via a supplier's SKU and as the product: one line twice
    dup = Path(shop["KAMENG_TUI_HOME"]) / "dup.txt"
    dup.write_text(f"refb:10000037 60003 {REGION}\n@HPJY-328-ZC 60003 {REGION}\n", encoding="utf-8")
    refused = run_cli(shop, "batch", "run", str(dup), "--yes", "--json")
    assert refused.code == 2 and [(x["line"], x["code"]) for x in refused.json["error"]["lines"]] == \
        [(2, "duplicate_line")], refused.stdout
    # the same batch again, written another way (a supplier's SKU, the product): the same batch
    assert run_cli(shop, "catalog", "sync", "--json").code == 0           # refa's sold-out stock known now
    same = Path(shop["KAMENG_TUI_HOME"]) / "same.txt"
    same.write_text(f"refb:10000036 60002 {REGION}\n@HPJY-128-ZC 60001 {REGION}\n", encoding="utf-8")
    again = run_cli(shop, "batch", "run", str(same), "--yes", "--json")
    assert again.code == 2 and again.json["error"]["code"] == "repeat_batch", again.stdout
