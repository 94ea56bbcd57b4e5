"""The README tour runs top to bottom on a fresh home, as a reseller types it.

Each line of the fenced block under the tour heading (README.md "Tour", README.zh.md
"导览") runs verbatim in bash, `kameng-tui` being the venv's console script, in a fresh
KAMENG_TUI_HOME with no keyring (the env opt-in for the data key). A line exits 0,
unless its comment says otherwise: `(exit 2)`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kit import base_env

ROOT = Path(__file__).resolve().parents[2]
HEADINGS = {"README.md": "Tour", "README.zh.md": "导览"}
EXPECT = re.compile(r"\(exit (\d)\)")
MARK = "::tour-line "


def tour_lines(readme: str) -> list[str]:
    """The lines of the one ```sh block under the `## ...<heading>` section."""
    text = (ROOT / readme).read_text(encoding="utf-8")
    heading = HEADINGS[readme]
    sections = re.split(r"^## ", text, flags=re.M)
    found = [s for s in sections if heading.lower() in s.splitlines()[0].lower()]
    assert len(found) == 1, f"{readme}: one section whose heading holds {heading!r}"
    blocks = re.findall(r"^```sh\n(.*?)^```", found[0], flags=re.M | re.S)
    assert len(blocks) == 1, f"{readme}: the tour is one ```sh block"
    return [line for line in blocks[0].splitlines() if line.strip() and not line.lstrip().startswith("#")]


def expected_code(line: str) -> int:
    comment = line.split("#", 1)[1] if " #" in line else ""
    m = EXPECT.search(comment)
    return int(m.group(1)) if m else 0


@pytest.mark.parametrize("readme", sorted(HEADINGS))
def test_the_readme_tour_runs_top_to_bottom_on_a_fresh_home(readme, tmp_path):
    lines = tour_lines(readme)
    assert any(line.startswith("kameng-tui order") for line in lines)
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    env = base_env(home)
    bindir = Path(sys.executable).parent
    assert (bindir / "kameng-tui").exists(), "the venv's console script"
    env["PATH"] = f"{bindir}:{env.get('PATH', '/usr/bin:/bin')}"
    env.pop("KAMENG_TUI_DEMO_LATENCY_MS")          # the demo supplier as a user meets it
    script = []
    for i, line in enumerate(lines):
        # Each line in its own subshell with -e: `a; b` fails when a fails.
        script.append(f"( set -e -o pipefail\n{line}\n)\necho \"{MARK}{i} $?\" >&2")
    proc = subprocess.run(["bash", "-c", "\n".join(script)], cwd=work, env=env, capture_output=True,
                          text=True, timeout=600)
    codes = {int(m.group(1)): int(m.group(2)) for m in re.finditer(rf"^{MARK}(\d+) (\d+)$", proc.stderr, re.M)}
    assert len(codes) == len(lines), proc.stderr[-3000:]
    for i, line in enumerate(lines):
        assert codes[i] == expected_code(line), f"{readme} line {i + 1}: {line}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr + proc.stdout
