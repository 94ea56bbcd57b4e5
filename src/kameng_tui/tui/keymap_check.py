"""Keys typed for a `[keymap]` entry, checked before they reach config.toml: names
Textual knows, and no clash with another binding of the same screen or the app
(a clash leaves one of the two keys dead without a word)."""

from __future__ import annotations

from textual.keys import Keys

from kameng_tui.domain.errors import BadInput
from kameng_tui.messages import Msg
from kameng_tui.tui.keys import SCOPES, Key
from kameng_tui.tui.textual_compat import character_to_key

MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
NAMED = ({k.value.rsplit("+", 1)[-1] for k in Keys} | {f"f{i}" for i in range(1, 25)}
         | {"space", "enter", "tab", "escape", "backspace", "delete", "insert", "home", "end", "pageup", "pagedown",
            "up", "down", "left", "right", "question_mark", "slash", "full_stop", "comma", "minus", "plus",
            "equals_sign", "colon", "semicolon", "underscore", "backslash", "apostrophe", "grave_accent",
            "left_square_bracket", "right_square_bracket", "number_sign", "exclamation_mark", "at", "asterisk"})


def scope_of(binding_id: str) -> str:
    return next(name for name, keys in SCOPES.items() if any(k.id == binding_id for k in keys))


def _one(token: str) -> str:
    token = token.strip()
    if len(token) == 1:
        return character_to_key(token)
    *mods, base = token.split("+")
    if not base or any(m not in MODIFIERS for m in mods):
        raise ValueError(token)
    if len(base) == 1:
        base = character_to_key(base)
    elif base not in NAMED:
        raise ValueError(token)
    return "+".join([*mods, base])


def check_keys(binding_id: str, text: str, keymap: dict[str, str]) -> str:
    """The keys as they go in the file ("o,enter"), or BadInput(field="keys")."""
    tokens = [t for t in (p.strip() for p in text.split(",")) if t] if text.strip() != "," else [","]
    if not tokens:
        raise BadInput(Msg("err.keys.empty"), field="keys")
    keys: list[str] = []
    for token in tokens:
        try:
            keys.append(_one(token))
        except ValueError:
            raise BadInput(Msg("err.keys.unknown", token=repr(token)), field="keys") from None
    scope = scope_of(binding_id)
    others: list[Key] = [k for k in SCOPES[scope] if k.id != binding_id]
    if scope == "app":
        others = [k for name, ks in SCOPES.items() for k in ks if k.id != binding_id and name not in ("grid",)]
    else:
        others += [k for k in SCOPES["app"]]
    me = next(k for k in SCOPES[scope] if k.id == binding_id)
    current = {_one(t) for t in keymap.get(binding_id, me.keys).split(",") if t.strip()}
    for key in keys:
        if key in current:
            continue                      # keys it already has are no new clash
        for other in others:
            taken = [_one(t) for t in keymap.get(other.id, other.keys).split(",") if t.strip()]
            if key in taken:
                raise BadInput(Msg("err.keys.taken", key=key, label=Msg(f"key.{other.id}"), id=other.id), field="keys")
    return ",".join(keys)
