"""Edits to config.toml that keep the user's comments, order and layout (tomlkit).

Every edit reads the file as it is now (the user may have changed it in an editor
since start), refuses to touch a file that does not load (the message names the
line; the file stays byte for byte), applies the change, checks the result loads,
and only then replaces the file atomically (0600). Reading at start-up stays with
the stdlib `tomllib` in config.py: tomlkit is only imported here, when something is
saved.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Mapping

from kameng_tui.config import Config, parse_config
from kameng_tui.domain.errors import ConfigError
from kameng_tui.domain.markup import MarkupRule, category_path
from kameng_tui.messages import Msg


def edit_config(path: Path, change: Callable[[Any], None], env: Mapping[str, str] | None = None) -> Config:
    """Apply `change(doc)` to the tomlkit document of `path`; return the new Config."""
    import tomlkit

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(Msg("err.config.unreadable", path=str(path), error=str(exc))) from None
    env = {} if env is None else env
    parse_config(text, path, env)                      # a broken file is named, never rewritten
    doc = tomlkit.parse(text)
    change(doc)
    new = tomlkit.dumps(doc)
    if new.strip() and not new.endswith("\n"):
        new += "\n"
    config = parse_config(new, path, env)              # what we would write must load too
    if new != text:
        _write(path, new)
    return config


def create_config(path: Path, text: str, env: Mapping[str, str] | None = None) -> bool:
    """Write `text` as a new config file (0600) if there is none; it must load. False if
    a file is there already (never overwritten)."""
    path = Path(path)
    if path.exists():
        return False
    parse_config(text, path, {} if env is None else env)
    _write(path, text)
    return True


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# --- placing new items where a person would have put them -------------------------------------


def _table(doc: Any, name: str) -> Any:
    """The top-level table `name`, created at the end (after a blank line) if missing."""
    import tomlkit

    if name not in doc:
        _blank_line_before_new(doc)
        doc.add(name, tomlkit.table())
    return doc[name]


def _blank_line_before_new(doc: Any) -> None:
    import tomlkit

    text = tomlkit.dumps(doc)
    if text and not text.endswith("\n\n"):
        doc.add(tomlkit.nl())


def _set_key(table: Any, key: str, value: Any) -> None:
    """Set `key`; a new key goes after the table's last key, not after the comments
    that trail it (in the sample file those introduce the next section)."""
    import tomlkit
    from tomlkit.container import Container
    from tomlkit.items import AoT, Comment, Table

    if key in table:
        table[key] = value
        return
    container = table if isinstance(table, Container) else table.value
    body = container.body
    keys = [i for i, (k, item) in enumerate(body) if k is not None and not isinstance(item, (Table, AoT))]
    if keys:
        at = keys[-1] + 1
    else:
        at = 0
        while at < len(body) and body[at][0] is None and isinstance(body[at][1], Comment):
            at += 1
    if at >= len(body):
        table[key] = value
    else:
        container._insert_at(at, key, tomlkit.item(value))


def _delete_key(table: Any, key: str) -> None:
    if key in table:
        del table[key]


# --- the edits the settings screen and the CLI make -----------------------------------------------


def set_values(path: Path, section: str, values: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Config:
    """`[section] key = value` for each pair ([ui] ascii, [general] language, ...)."""
    def change(doc: Any) -> None:
        table = _table(doc, section)
        for key, value in values.items():
            _set_key(table, key, value)
    return edit_config(path, change, env)


def set_keymap(path: Path, binding_id: str, keys: str | None, env: Mapping[str, str] | None = None) -> Config:
    """`[keymap] "id" = "keys"`; None removes the entry (back to the default keys)."""
    def change(doc: Any) -> None:
        if keys is None:
            if "keymap" in doc:
                _delete_key(doc["keymap"], binding_id)
            return
        _set_key(_table(doc, "keymap"), binding_id, keys)
    return edit_config(path, change, env)


def set_customer(path: Path, name: str, level: str | None, env: Mapping[str, str] | None = None) -> Config:
    """`[customers] "name" = "level"`; None removes the customer's level."""
    def change(doc: Any) -> None:
        if level is None:
            if "customers" in doc:
                _delete_key(doc["customers"], name)
            return
        _set_key(_table(doc, "customers"), name, level)
    return edit_config(path, change, env)


def _rule_tables(doc: Any) -> Any:
    pricing = doc.get("pricing")
    return pricing.get("rules") if pricing is not None else None


def _matches(table: Any, key: tuple[str, str]) -> bool:
    return (category_path(str(table.get("category", ""))), str(table.get("level", "")).strip()) == key


def save_rule(path: Path, rule: MarkupRule, replaces: tuple[str, str] | None = None,
              env: Mapping[str, str] | None = None) -> Config:
    """Add a `[[pricing.rules]]` table, or update the one keyed `replaces` (category,
    level) in place, its comments kept. The empty key is the `[pricing] markup` default."""
    import tomlkit

    def change(doc: Any) -> None:
        pricing = _table(doc, "pricing")
        target = replaces if replaces is not None else rule.key
        if target == ("", "") and rule.key == ("", ""):
            _set_key(pricing, "markup", str(rule.markup))
            _set_key(pricing, "use_face_value", rule.use_face_value)
            return
        rules = _rule_tables(doc)
        table = next((t for t in rules if _matches(t, target)), None) if rules is not None else None
        if table is None:
            table = tomlkit.table()
            if rules is None:
                pricing.append("rules", tomlkit.aot())
                rules = pricing["rules"]
            rules.append(table)
            table.add(tomlkit.nl())
        for key, value in (("category", rule.category), ("level", rule.level)):
            _set_key(table, key, value) if value else _delete_key(table, key)
        _set_key(table, "markup", str(rule.markup))
        if rule.use_face_value:
            _set_key(table, "use_face_value", True)
        else:
            _delete_key(table, "use_face_value")
    return edit_config(path, change, env)


def delete_rule(path: Path, key: tuple[str, str], env: Mapping[str, str] | None = None) -> Config:
    def change(doc: Any) -> None:
        rules = _rule_tables(doc)
        if rules is None:
            return
        for i, table in enumerate(rules):
            if _matches(table, key):
                del rules[i]
                break
        if not len(rules):
            del doc["pricing"]["rules"]
    return edit_config(path, change, env)


def add_supplier(path: Path, name: str, kind: str, options: Mapping[str, Any],
                 env: Mapping[str, str] | None = None) -> Config:
    import tomlkit

    def change(doc: Any) -> None:
        table = tomlkit.table()
        table["name"], table["kind"] = name, kind
        for key, value in options.items():
            table[key] = value
        if "suppliers" not in doc:
            _blank_line_before_new(doc)
            doc.add("suppliers", tomlkit.aot())
        else:
            last = doc["suppliers"][-1] if len(doc["suppliers"]) else None
            if last is not None and not tomlkit.dumps(last).endswith("\n\n"):
                last.add(tomlkit.nl())
        doc["suppliers"].append(table)
    return edit_config(path, change, env)


def set_supplier_enabled(path: Path, name: str, enabled: bool, env: Mapping[str, str] | None = None) -> Config:
    """`enabled = false` (or true) in the [[suppliers]] table named `name`, the rest of
    the table and its comments kept: a demo turned off is turned on again by one edit."""
    def change(doc: Any) -> None:
        for table in doc.get("suppliers") or ():
            if str(table.get("name")) == name:
                _set_key(table, "enabled", enabled)
    return edit_config(path, change, env)


def remove_supplier(path: Path, name: str, env: Mapping[str, str] | None = None) -> bool:
    """Drop the [[suppliers]] table named `name`; False if there is none."""
    found: list[bool] = []

    def change(doc: Any) -> None:
        tables = doc.get("suppliers")
        for i, table in enumerate(tables or ()):
            if str(table.get("name")) == name:
                del tables[i]
                found.append(True)
                break
        if found and not len(tables):
            del doc["suppliers"]
    if not Path(path).exists():
        return False
    edit_config(path, change, env)
    return bool(found)
