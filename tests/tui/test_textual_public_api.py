"""src/ and tests/ use Textual's public API only; what has no public hook goes through the
one compat module (kameng_tui/tui/textual_compat.py, whose own test exercises each use).

A private name here is one Textual defines with a leading `_` (a method, an attribute set
on `self`, a module-level name, a private module) that our code does not define itself;
using it means `._name`, `import _name`, `getattr(x, "_name")` (set-, has-, del-) or
`textual...._module`."""

from __future__ import annotations

import re
from pathlib import Path

import textual

ROOT = Path(__file__).resolve().parents[2]
COMPAT = ROOT / "src" / "kameng_tui" / "tui" / "textual_compat.py"
DEFINES = re.compile(r"(?:def\s+|class\s+|self\.|cls\.|^\s*)(_[A-Za-z]\w*)\s*(?:\(|:|=[^=])", re.M)
USES = re.compile(r"\.(_[A-Za-z]\w*)\b|\bimport\s+(_[A-Za-z]\w*)|\bimport\s[^\n#]*,\s*(_[A-Za-z]\w*)"
                  r"|(?:get|set|has|del)attr\([^\n]*?[\"'](_[A-Za-z]\w*)[\"']")
PRIVATE_MODULE = re.compile(r"\btextual(?:\.\w+)*\.(_(?!_)\w+)")
# Always private, even where a name of ours happens to match (the ones we have used).
KNOWN = {"_bindings", "_handle_exception", "_screen_stacks", "_watch_value", "_character_to_key",
         "_notifications", "_compositor", "_exit", "_exception", "_exception_event", "_return_code",
         "_suggestion", "_keymap", "_binding_chain", "_display", "_tell_screens"}


def ours() -> list[Path]:
    """Our files, but the compat module and this one (its samples are private uses)."""
    return sorted(p for d in ("src", "tests") for p in (ROOT / d).rglob("*.py") if p not in (COMPAT, Path(__file__).resolve()))


def textual_private_names() -> set[str]:
    theirs: set[str] = set()
    for f in Path(textual.__file__).parent.rglob("*.py"):
        theirs |= set(DEFINES.findall(f.read_text(encoding="utf-8")))
    mine: set[str] = set()
    for f in ours():
        mine |= set(DEFINES.findall(f.read_text(encoding="utf-8")))
    return {n for n in theirs - mine if not n.startswith("__")} | KNOWN


def private_uses(text: str, private: set[str]) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for m in USES.finditer(line):
            name = next(g for g in m.groups() if g)
            if name in private:
                found.append((number, name))
        found += [(number, f"textual.{m.group(1)}") for m in PRIVATE_MODULE.finditer(line)]
    return found


def test_the_scan_sees_each_kind_of_private_use():
    private = textual_private_names()
    sample = ("x = app._notifications\n"
              "from textual.keys import Keys, _character_to_key\n"
              "from textual.widgets._select import SelectCurrent\n"
              "self._bindings = BindingsMap([])\n"
              "app.screen._compositor.render_strips()\n"
              "monkeypatch.setattr(Input, \"_toggle_cursor\", lambda self: None)\n")
    assert {line for line, _ in private_uses(sample, private)} == {1, 2, 3, 4, 5, 6}
    assert {n for _, n in private_uses(sample, private)} >= {
        "_notifications", "_character_to_key", "textual._select", "_bindings", "_compositor", "_toggle_cursor"}
    assert private_uses("self.notifications(app)\nself._render_status()\n", private) == []


def test_no_textual_private_name_outside_the_compat_module():
    private = textual_private_names()
    found = [f"{path.relative_to(ROOT)}:{line}: {name}"
             for path in ours() for line, name in private_uses(path.read_text(encoding="utf-8"), private)]
    assert found == [], "Textual's private API outside kameng_tui/tui/textual_compat.py:\n" + "\n".join(found)
