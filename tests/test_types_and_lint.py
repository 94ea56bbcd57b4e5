"""Issue 16 point 6: the type checker and the linter guard the code, and CI fails on them.

mypy is strict on domain/ and on every module that is not on the legacy list in
pyproject.toml (so a new module is strict from its first commit); ledger/ and services/
are strict too (issue 17 point 5): only TUI modules remain on the legacy list. ruff checks src and tests. `make test` runs both before
pytest, and the tests here run them too, so a plain `pytest` run fails on them as well.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import tokenize
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "kameng_tui"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is not installed in the venv: `make venv` installs the test extras"
    return str(path)


def _mypy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([_tool("mypy"), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _legacy_sections() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [o for o in config["tool"].get("mypy", {}).get("overrides", []) if o.get("disallow_any_generics") is False]


# --- the tools pass on the code as it is ---


def test_ruff_finds_nothing_in_src_and_tests():
    r = subprocess.run([_tool("ruff"), "check", "--no-cache", "src", "tests"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_passes_on_src_with_the_project_config():
    r = _mypy()                       # files, flags and cache dir all come from pyproject.toml
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success" in r.stdout, r.stdout


# --- the config says what the issue says: a probe package shows which flags apply where ---

UNTYPED = "def untyped(x):\n    return x\n"
LOOSE = ("from typing import Any\n\n\ndef loose(x: dict) -> int:\n    value: Any = x\n    return value\n")
APP_ATTR = "\n\ndef app_attr(x: int) -> int:\n    return x.ctx\n"           # what App[Any].ctx looks like to mypy


def _probe(tmp_path: Path, modules: dict[str, str]) -> str:
    """Write a throwaway `kameng_tui` package with these modules (dotted name -> text) and
    check it with the project's mypy config; returns mypy's report."""
    pkg = tmp_path / "probe"
    for name, text in modules.items():
        parts = name.split(".")
        for i in range(1, len(parts)):
            init = pkg.joinpath(*parts[:i], "__init__.py")
            init.parent.mkdir(parents=True, exist_ok=True)
            init.touch()
        pkg.joinpath(*parts[:-1], parts[-1] + ".py").write_text(text, encoding="utf-8")
    files = sorted(str(p.relative_to(pkg)) for p in pkg.rglob("*.py"))
    r = _mypy("--config-file", str(ROOT / "pyproject.toml"), "--no-site-packages",
              "--cache-dir", str(tmp_path / "cache"), *files, cwd=pkg)
    assert "error: " in r.stdout or r.returncode == 0, r.stdout + r.stderr   # mypy ran, no crash
    return r.stdout


def _errors(report: str, module_path: str) -> set[str]:
    return {m.group(1) for m in re.finditer(rf"^{re.escape(module_path)}:\d+: error: .*\[([a-z-]+)\]$", report, re.M)}


def test_domain_ledger_services_and_new_modules_are_strict(tmp_path):
    report = _probe(tmp_path, {
        "kameng_tui.domain.probe": UNTYPED + LOOSE,         # domain/: strict
        "kameng_tui.bootstrap": UNTYPED + LOOSE,            # a new module: strict
        "kameng_tui.ledger.orders_probe": UNTYPED + LOOSE,  # a new module in ledger/: strict
        "kameng_tui.ledger.sqlite": UNTYPED + LOOSE,        # ledger/: strict (issue 17 point 5)
        "kameng_tui.services.engine": UNTYPED + LOOSE,      # services/: strict (issue 17 point 5)
        "kameng_tui.tui.app": UNTYPED + LOOSE + APP_ATTR,   # legacy face: as before
        "kameng_tui.tui.screens.probe": UNTYPED + LOOSE + APP_ATTR,  # a new TUI module: strict but for App[Any]
    })
    strict = {"no-untyped-def", "type-arg", "no-any-return"}
    assert _errors(report, "kameng_tui/domain/probe.py") >= strict, report
    assert _errors(report, "kameng_tui/bootstrap.py") >= strict, report
    assert _errors(report, "kameng_tui/ledger/orders_probe.py") >= strict, report
    assert _errors(report, "kameng_tui/ledger/sqlite.py") >= strict, report
    assert _errors(report, "kameng_tui/services/engine.py") >= strict, report
    assert _errors(report, "kameng_tui/tui/app.py") == set(), report
    assert _errors(report, "kameng_tui/tui/screens/probe.py") == {"no-untyped-def", "type-arg"}, report


def test_the_legacy_list_names_only_modules_that_exist_and_never_domain_ledger_or_services():
    """The legacy list only shrinks: a module leaves it when it passes strict; a name on it
    that no longer exists (a renamed module) would let its successor in unchecked."""
    modules = {_module_name(p) for p in SRC.rglob("*.py")}
    listed = [m for section in _legacy_sections() for m in section["module"]]  # type: ignore[union-attr]
    assert listed, "no legacy section found in [tool.mypy.overrides]"
    assert sorted(set(listed) - modules) == [], "legacy entries naming no module"
    assert len(listed) == len(set(listed)), "a module listed twice"
    assert [m for m in listed if m.startswith(("kameng_tui.domain", "kameng_tui.ledger", "kameng_tui.services"))] == []
    assert all("*" not in m for m in listed), "legacy entries are module names, never patterns"


# --- every `type: ignore` names its error code and says why ---

IGNORE = re.compile(r"type:\s*ignore")
WELL_FORMED = re.compile(r"#\s*type:\s*ignore\[[a-z-]+(?:,\s*[a-z-]+)*\]\s+#\s*\S.{9,}")


def type_ignores(root: Path) -> list[tuple[str, int, str]]:
    """(file, line, comment) for every `type: ignore` comment under root (comments only)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT and IGNORE.search(tok.string):
                found.append((str(path.relative_to(root)), tok.start[0], tok.string))
    return found


def test_every_type_ignore_names_its_error_code_and_a_reason():
    bad = [f"{f}:{n}: {c}" for f, n, c in type_ignores(SRC) if not WELL_FORMED.search(c)]
    assert bad == [], ("write `# type: ignore[code]  # why it is right here`:\n" + "\n".join(bad))


def test_the_ignore_scan_sees_comments_not_strings(tmp_path):
    (tmp_path / "m.py").write_text(
        'x = "type: ignore"\n'
        "y = 1  # type: ignore\n"
        "z = 2  # type: ignore[assignment]\n"
        "w = 3  # type: ignore[assignment]  # the stub says int, the value is a str subclass\n",
        encoding="utf-8")
    found = type_ignores(tmp_path)
    assert [n for _, n, _ in found] == [2, 3, 4]
    assert [n for _, n, c in found if WELL_FORMED.search(c)] == [4]


# --- CI fails on them: `make test` (what .ci/run runs) runs both before pytest ---


def test_make_test_runs_ruff_and_mypy_before_pytest():
    make = shutil.which("make")
    assert make, "make is not installed"
    r = subprocess.run([make, "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()

    def first(word: str) -> int:
        return next((i for i, line in enumerate(lines) if word in line), -1)

    ruff, mypy, pytest = first("ruff check"), first("mypy"), first("-m pytest")
    assert pytest >= 0, r.stdout
    assert 0 <= ruff < pytest and 0 <= mypy < pytest, r.stdout
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M), ci
