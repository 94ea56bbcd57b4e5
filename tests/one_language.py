"""One language at a time (issue 15, point 10): the sweep both language checks share.

zh: nothing a reader sees is English except codes and data. A word of two or more
Latin letters is left over once codes are taken out (order numbers, SKUs, hashes,
paths, `kameng-tui ...` commands, `[section] key` names, --flags, key names such as
Esc or ctrl+p, a few acronyms that Chinese text writes in Latin letters) and the
catalog's own data (product names, supplier names).

en: nothing is Chinese except data: product names, categories and attribute values as
the supplier wrote them. Account field labels and the names of the catalog attributes
we know (运营商, 面值, ...) are ours to translate, so they are not data here.

Importable from any test directory as `one_language`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kit import CJK

# Latin acronyms Chinese text uses as they are (a reseller reads SKU, QQ, CSV in zh too).
ACRONYMS = frozenset({"SKU", "QQ", "UID", "ID", "CSV", "JSON", "XLSX", "API", "URL", "HTTP", "HTTPS", "TOML", "PIN",
                      "VIP", "UTF", "AES", "GCM", "IP", "PRAGMA", "ASCII", "TOP"})
# Codes and names a zh reader sees as they are: supplier kinds (kind = "http"), product
# names our help mentions (Excel), a customer level example (vip).
CODES = frozenset({"http", "https", "fulu", "demo", "Excel", "vip"})
# Key names as the footer and the help write them (codes: the key cap says so).
KEY_NAMES = frozenset({"Esc", "Enter", "Tab", "Space", "Backspace", "Shift", "Ctrl", "Alt", "Home", "End", "PgUp",
                       "PgDn", "Delete", "Del", "Insert", "Up", "Down", "Left", "Right", "ctrl", "shift", "alt",
                       "esc", "enter", "tab", "space", "backspace", "delete", "up", "down", "left", "right", "home",
                       "end", "pageup", "pagedown", "pgup", "pgdn", "slash", "escape"})
# Known catalog attribute names: ours to name in English (facet titles).
KNOWN_ATTRIBUTES = ("周期", "等级", "运营商", "面值", "机型", "颜色", "材质", "口味", "品牌", "图案", "平台", "授权",
                    "款式", "规格")

_REMOVE = [
    re.compile(r"KM[0-9A-Z]{4,22}"),                                          # order numbers, also cut ones
    re.compile(r"\b[0-9a-f]{8,64}\b"),                                         # hashes
    re.compile(r"kameng-tui(?: [a-z][a-z-]*)*(?: --?[a-z][a-z-]*(?: [A-Z_]+)?)*"),  # our commands
    re.compile(r"\[\[?[a-z_.]+\]\]?(?: [a-z_]+)?"),                            # config keys
    re.compile(r"--[a-z][a-z-]*"),                                             # flags
    re.compile(r"\b[a-z_]+=\S*"),                                              # key=value
    re.compile(r"(?<![A-Za-z0-9])[~.]?/[^\s，。；：）]+"),                            # paths
]
_TOKEN = re.compile(r"[^\s\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef()\[\]{}<>\"'`,;|]+")
_WORD = re.compile(r"[A-Za-z]{2,}")


@lru_cache(maxsize=1)
def demo_latin_words() -> frozenset[str]:
    """Latin words in the demo catalog's data (iPhone, Steam, VIP ...) and its supplier's name."""
    from kameng_tui.suppliers.demo import generate_catalog

    words: set[str] = {"demo"}
    for p in generate_catalog():
        for s in (p.name, p.category_path, *(x for kv in p.attributes for x in kv)):
            words.update(re.findall(r"[A-Za-z]+", s))
        for f in p.account_fields:
            words.update(re.findall(r"[A-Za-z]+", " ".join((f.label, *f.options))))
    return frozenset(words)


def english_left(text: str, data: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The lines of `text` (zh) that still hold an English word, each with the words found."""
    allowed = demo_latin_words() | set(data)
    out = []
    for line in text.splitlines():
        bare = line
        for pattern in _REMOVE:
            bare = pattern.sub(" ", bare)
        found = []
        for token in _TOKEN.findall(bare):
            token = re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", token)
            if not _WORD.fullmatch(token):
                continue                          # a code: digits, ':', '_', '+', '.' ... (F2, ctrl+p, demo:HF-CM-10)
            if token in allowed or token in KEY_NAMES or token in ACRONYMS or token in CODES:
                continue
            found.append(token)
        if found:
            out.append(f"{found}: {line.strip()}")
    return out


@lru_cache(maxsize=1)
def en_data_words() -> tuple[str, ...]:
    """Chinese the demo catalog holds as data, longest first: names, categories, attribute
    values. Not its account field labels nor the attribute names we know: those read
    in English."""
    from kameng_tui.suppliers.demo import generate_catalog

    words: set[str] = set()
    for p in generate_catalog():
        words.update((p.name, p.category_path, *p.category))
        words.update(v for k, v in p.attributes)
        words.update(k for k, v in p.attributes if k not in KNOWN_ATTRIBUTES)
        for f in p.account_fields:
            words.update((*f.options, *(x for k, vs in f.option_tree.items() for x in (k, *vs))))
    words.update(part for w in list(words) for part in w.split())     # a table may wrap a name at its spaces
    return tuple(sorted((w for w in words if CJK.search(w)), key=len, reverse=True))


def chinese_left(text: str, data: tuple[str, ...] | None = None) -> list[str]:
    """The lines of `text` (en) still holding Chinese once the catalog's data is taken
    out. A cell cut at its width may end in part of a name: a trailing fragment of data
    is data too."""
    words = en_data_words() if data is None else data
    out = []
    for line in text.splitlines():
        bare = line
        for word in words:
            bare = bare.replace(word, "")
        pieces = re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]+", bare)
        if any(not any(piece in w for w in words) for piece in pieces) \
                or re.search(r"[\u3000-\u303f\uff00-\uffef]", bare):
            out.append(line)
    return out
