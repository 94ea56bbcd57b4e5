"""Search keys for a product, computed once at catalog sync and cached as text.

A key is a space-separated list of words: the NFKC + case-folded name and category
words, and for every run of Chinese characters its full pinyin and its initials,
with Latin and digits kept in place (`B站` -> `bzhan`, `bz`; `王者荣耀点券60元` ->
`wangzherongyaodianquan60yuan`, `wzrydq60y`). Only `keys_for` imports pypinyin, and
only when called: the index reads the cached text and never needs the library.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Mapping, Sequence

_SPLIT = re.compile(r"[\s/·,，、()（）\[\]【】:：\-_|+]+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(normalize(text)) if w]


@lru_cache(maxsize=65536)
def _pinyin(run: str) -> tuple[str, str]:
    """(full, initials) for a word mixing Chinese, Latin and digits."""
    from pypinyin import Style, lazy_pinyin  # imported here: sync time only

    full, initials = [], []
    # lazy_pinyin keeps non-Chinese text as one item, so phrases (重庆 -> chong qing) work.
    # pypinyin's stub says `errors` returns a str; at run time it returns what the callable
    # returns, and a list keeps a non-Chinese run as one item (the point here).
    for item in lazy_pinyin(run, style=Style.NORMAL, errors=lambda x: [x]):  # type: ignore[arg-type,return-value]  # stub too narrow, see above
        item = item.casefold()
        if not item:
            continue
        full.append(item)
        initials.append(item if item.isdigit() else item[0])
    return "".join(full), "".join(initials)


def keys_for(name: str, category: str = "") -> str:
    """The cached search text for one product."""
    out: list[str] = []
    seen: set[str] = set()
    for w in words(name) + words(category):
        variants = [w]
        if _CJK.search(w):
            variants += list(_pinyin(w))
        for v in variants:
            if v and v not in seen:
                seen.add(v)
                out.append(v)
    return " ".join(out)


def filter_choices(options: Sequence[str], text: str, keys: Mapping[str, str] | None = None) -> list[str]:
    """The options holding every typed token (as the catalog search: NFKC, case-folded),
    in the option itself or, where `keys` has its `keys_for` text, in its pinyin or initials."""
    tokens = normalize(text).split()
    out = []
    for option in options:
        found = [normalize(option)] + (keys or {}).get(option, "").split()
        if all(any(t in w for w in found) for t in tokens):
            out.append(option)
    return out
