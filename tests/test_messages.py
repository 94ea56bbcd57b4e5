"""The message catalog is complete and is the only place words live.

- every key has non-empty zh and en with the same {placeholders}, and is defined once;
- every key written in src exists, and every key in the catalog is used;
- no Chinese string literal in src outside the catalog and a short list of data files;
- a missing key or a bad parameter never raises on a user's screen.
"""

from __future__ import annotations

import ast
import logging
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from kit import CJK

from kameng_tui.messages import CATALOG, Joined, Msg, Plain, text
from kameng_tui.messages.catalog import DUPLICATES, TABLES

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "kameng_tui"
MESSAGES_DIR = SRC / "messages"

# Calls whose first positional argument is a catalog key.
# t: TUI Texts and CLI Out; h: --help texts; _err/err: domain helpers that build a Msg.
KEY_CALLS = {"t", "text", "Msg", "template", "h", "_err", "err"}

# Chinese literals that are data, not words for people: (literals or "*" for the whole
# file, why). Everything else goes through the catalog.
ALLOWED: dict[str, tuple[frozenset[str] | str, str]] = {
    "suppliers/demo/catalog.py": ("*", "the demo supplier's catalog: product names, categories, attribute names and "
                                       "values are upstream data, as a real supplier would send them"),
    "ledger/schema.py": ("*", "SQL comments in the schema (examples of stored data)"),
    "domain/text_fit.py": ("*", "words matched in supplier product names (元, 卡密, 月卡...) to keep them visible "
                                "when a name is cut, and the CJK punctuation a line must not break before/after"),
    "suppliers/fulu/mapping.py": (frozenset({
        "上架", "下架", "维护中", "库存维护", "余额不足", "库存不足", "断货", "缺货", "维护", "不存在", "暂停销售", "签名",
        "密钥", "授权", "订单不存在", "未找到订单", "查无此订单", "卡密", "直充", "警报", "手机", "类型", "福禄", "话费",
        "元（福禄自动选通道）", "手机号", "面值", "元", "充值账号", "区", "服", "充值类型"}),
        "Fulu's own words: its sales/stock states and error texts (matched), its product types and template field "
        "names (defaults for absent ones), and the products it implies (话费 by face value)"),
    "suppliers/fulu/supplier.py": (frozenset({"断货", "警报"}), "Fulu's stock_status values (matched)"),
    "suppliers/demo/supplier.py": (frozenset({"号码已停机", "运营商维护中，充值失败", "该号码为携号转网号码，暂不支持", "话费"}),
                                   "the simulated upstream's own failure reasons (stored verbatim as an order's "
                                   "reason) and its catalog's 话费 category"),
    "refserver/ref_catalogs.py": ("*", "the reference server's catalog styles: product names, categories and account "
                                       "labels as other wholesalers publish them (upstream data)"),
    "refserver/server.py": (frozenset({"号码已停机", "运营商维护中，充值失败", "该号码为携号转网号码，暂不支持"}),
                            "the reference server's failure reasons: upstream words on the wire"),
    "domain/accounts.py": (frozenset({"移动", "联通", "电信", "广电", "虚拟运营商", "运营商", "[,，;；|]"}),
                           "carrier names as the catalogs' 运营商 attribute writes them (matched; shown through "
                           "carrier.*), and the fullwidth separators people type in an address"),
    "domain/batch_input.py": (frozenset({"数量", "账号", "商品", "是", "否"}),
                              "Chinese column names in a batch header and yes/no in its allow_loss column (input)"),
    "domain/dates.py": (frozenset({"今天", "昨天", "本周", "本月"}), "date words accepted in --since/--until (input)"),
    "domain/money.py": (frozenset({"￥", "元"}), "currency marks accepted in typed amounts (input)"),
    "domain/search_keys.py": (frozenset({"[\\s/·,，、()（）\\[\\]【】:：\\-_|+]+"}), "fullwidth separators split in search keys"),
    "domain/models.py": (frozenset({"直充", "卡密", "实物"}), "the delivery facet's values: identifiers in the index, "
                                                            "`catalog facets --json` and --delivery (labels: delivery.*)"),
    "domain/tags.py": (frozenset({"历史低价", "热销TOP", "库存紧张", "秒到"}), "tag names: identifiers in the index, "
                                                                        "--tag and `catalog facets --json` (labels: tag.*)"),
    "domain/catalog_query.py": (frozenset({"发货方式", "标签"}), "our facets' names: keys of `catalog facets --json` "
                                                             "(labels: facet.*)"),
    "services/reports.py": (frozenset({"视频会员", "月", "季", "年", "(月|季|年)卡", "周期"}),
                            "the catalogs' membership category, 周期 attribute and 月卡/年卡 in names (matched)"),
    "tui/widgets/filter_pane.py": (frozenset({"周期", "等级", "运营商", "面值", "机型", "颜色", "材质", "口味", "月", "季",
                                              "年", "元"}), "attribute names and values of the catalogs (ordering only)"),
    "cli/output.py": (frozenset({"是"}), "an answer people type at a [y/N] prompt (input)"),
    "domain/markup.py": (frozenset({"％"}), "the fullwidth percent sign a Chinese IME types in a markup (input)"),
    "domain/offer_words.py": ("*", "the trade's words the offer-matching rule reads in supplier names and attributes "
                                    "(brands, levels, periods, carriers, provinces; matched, shown through offer.*)"),
    "domain/field_names.py": ("*", "attribute names and account field labels as the catalogs write them (matched, "
                                    "to name them in English: attr.*, field.*)"),
    "tui/widgets/interface_panel.py": (frozenset({"中文"}), "the language's own name in the language picker, the same "
                                                         "in every language"),
}


# --- the catalog itself ---------------------------------------------------------------------


def placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_key_has_zh_and_en_with_the_same_placeholders(key):
    zh, en = CATALOG[key]
    assert zh.strip() and en.strip(), f"{key}: empty zh or en"
    assert placeholders(zh) == placeholders(en), f"{key}: zh {placeholders(zh)} vs en {placeholders(en)}"


def test_english_has_no_chinese():
    """en is complete: no zh text left standing in for a translation."""
    bad = {k: en for k, (zh, en) in CATALOG.items() if CJK.search(en)}
    assert not bad, bad


def test_no_key_is_defined_twice():
    assert not DUPLICATES, DUPLICATES
    for path in sorted(MESSAGES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                twice = {k for k in keys if keys.count(k) > 1}
                assert not twice, f"{path.name}: {sorted(twice)} defined twice"


def test_each_table_is_a_module_of_its_own_and_small():
    for path in MESSAGES_DIR.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
    assert set(CATALOG) == {k for table in TABLES.values() for k in table}


def test_the_catalog_imports_nothing_from_kameng_tui():
    for path in MESSAGES_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("kameng_tui.") or node.module.startswith("kameng_tui.messages"), \
                    f"{path.name} imports {node.module}"
            if isinstance(node, ast.Import):
                assert all(not a.name.startswith("kameng_tui") for a in node.names), path.name
    code = "import sys, kameng_tui.messages; print(sorted(m for m in sys.modules if m.startswith('kameng_tui') " \
           "and not m.startswith('kameng_tui.messages')))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "['kameng_tui']", r.stdout + r.stderr


# --- lookup never crashes ---------------------------------------------------------------------


def test_a_missing_key_shows_the_key_and_a_bad_parameter_the_template(caplog, monkeypatch):
    # importing cli.main (another test may have) stops the app's logger propagating to the root,
    # where caplog listens: let it through here, whatever ran before
    monkeypatch.setattr(logging.getLogger("kameng_tui"), "propagate", True)
    assert text("no.such.key", "en") == "no.such.key"
    assert text("detail.stock", "en") == "stock {stock}"                       # no params: the template
    assert text("detail.stock", "en", wrong=1) == "stock {stock}"              # a missing param: no crash
    assert text("detail.stock", "en", stock=3) == "stock 3"
    assert text("detail.stock", "xx", stock=3) == text("detail.stock", "zh", stock=3)
    assert text("catalog.count", "en", count=1) == "1 product"                 # an English count agrees
    assert text("catalog.count", "en", count=3) == "3 products"
    assert text("catalog.count", "zh", count=1) == "1 个商品"
    assert "no.such.key" in caplog.text


def test_messages_nest_and_render_per_language():
    inner = Msg("state.failed")
    assert Msg("order.final", order_no="KM1", state=inner).text("en") == "order KM1: failed"
    assert Msg("order.final", order_no="KM1", state=inner).text("zh") == "订单 KM1：失败"
    assert Joined([Msg("state.failed"), Plain("x")]).text("en") == "failed; x"
    assert Joined([Msg("state.failed"), Plain("x")]).text("zh") == "失败；x"
    assert str(Msg("state.failed")) == "失败"


# --- keys in src ------------------------------------------------------------------------------


def _src_files() -> list[Path]:
    """Every module outside the catalog, and the catalog's lookup (Joined's default separator)."""
    return sorted(p for p in SRC.rglob("*.py") if MESSAGES_DIR not in p.parents) + [MESSAGES_DIR / "lookup.py"]


def _docstrings(tree: ast.AST) -> set[int]:
    """Bare string statements: docstrings of modules, classes, functions and attributes."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _call_name(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


CALL_PARAMS: list[tuple[str, str, set[str]]] = []      # (key, where, keyword names) of calls without **kw


def _scan() -> tuple[dict[str, list[str]], set[str], set[str], list[str]]:
    """(literal keys at call sites -> where, every str constant, f-string prefixes, CJK literals)."""
    CALL_PARAMS.clear()
    at_calls: dict[str, list[str]] = {}
    constants: set[str] = set()
    prefixes: set[str] = set()
    cjk: list[str] = []
    for path in _src_files():
        rel = path.relative_to(SRC).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        allowed, _ = ALLOWED.get(rel, ("*", "")) if rel.startswith("messages/") else ALLOWED.get(rel, (frozenset(), ""))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                constants.add(node.value)
                if CJK.search(node.value) and allowed != "*" and node.value not in allowed:
                    cjk.append(f"{rel}:{node.lineno}: {node.value!r}")
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if re.fullmatch(r"[a-z_]+(\.[a-z_]+)*[._]", head):      # f"state.{...}": a family of keys
                    prefixes.add(head)
            elif isinstance(node, ast.Call) and _call_name(node) in KEY_CALLS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and "." in first.value \
                        and " " not in first.value:
                    at_calls.setdefault(first.value, []).append(f"{rel}:{node.lineno}")
                    if all(k.arg is not None for k in node.keywords):
                        CALL_PARAMS.append((first.value, f"{rel}:{node.lineno}", {k.arg for k in node.keywords}))
    return at_calls, constants, prefixes, cjk


def test_every_key_written_in_src_exists():
    at_calls, _, prefixes, _ = _scan()
    missing = {k: where for k, where in at_calls.items() if k not in CATALOG}
    assert not missing, missing


def test_every_call_passes_the_parameters_its_message_needs():
    """A call with a literal key passes exactly the template's {placeholders} (a missing one
    would show the raw template; an extra one is a typo). Keywords that are not
    parameters (`field` of the domain helpers) are named in NOT_PARAMS."""
    _scan()
    not_params = {"field", "line", "code"}
    wrong = []
    for key, where, names in CALL_PARAMS:
        if key not in CATALOG:
            continue
        need = placeholders(CATALOG[key][0])
        given = names - not_params if not need & not_params else names
        if given != need:
            wrong.append(f"{where}: {key} needs {sorted(need)}, gets {sorted(given)}")
    assert not wrong, "\n".join(wrong)


def test_every_key_in_the_catalog_is_used():
    _, constants, prefixes, _ = _scan()
    unused = sorted(k for k in CATALOG if k not in constants and not any(k.startswith(p) for p in prefixes))
    assert not unused, unused


def test_no_chinese_literal_outside_the_catalog_and_data_files():
    *_, cjk = _scan()
    assert not cjk, "move these into kameng_tui/messages (or, if they are data, ALLOWED):\n" + "\n".join(cjk)


def test_allowed_entries_are_still_needed():
    """A stale ALLOWED entry would let a new word slip in under an old reason."""
    for rel, (literals, why) in ALLOWED.items():
        path = SRC / rel
        assert why and path.exists(), rel
        found = {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(n, ast.Constant) and isinstance(n.value, str) and CJK.search(n.value)}
        stale = set() if literals == "*" else set(literals) - found
        assert found and not stale, f"{rel}: no longer holds {sorted(stale) or 'any Chinese'}"
