"""Real supplier plugin entry points for tests, without pip: a `.dist-info` with an
entry_points.txt in a directory put on the path (PYTHONPATH for a subprocess,
sys.path in-process) is an installed distribution to importlib.metadata."""

from __future__ import annotations

import re
from pathlib import Path

CLASH = '''
from kameng_tui.suppliers.base import Capabilities, ConfigField


class Clash:
    kind = "clash"
    title = "clashing plugin"
    config_fields = (ConfigField("json", "output"),)
    capabilities = Capabilities()

    @classmethod
    def from_config(cls, name, options, secret, env):
        raise AssertionError("a broken plugin is never built")


NotAFactory = object()
'''


def write_plugins(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "clashplug.py").write_text(CLASH, encoding="utf-8")
    info = root / "brokenplugs-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: brokenplugs\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[kameng_tui.suppliers]\n"
        "gone = no_such_module_for_kameng:Factory\n"
        "clash = clashplug:Clash\n"
        "odd = clashplug:NotAFactory\n", encoding="utf-8")
    return root


DOC = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def doc_files() -> dict[str, str]:
    """The fenced blocks of the page that follow a `<!-- file: NAME -->` marker."""
    found = re.findall(r"<!-- file: (\S+) -->\n```\w*\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)
    return {name: body + "\n" for name, body in found}


def install_doc_plugin(root: Path) -> dict[str, str]:
    files = doc_files()
    root.mkdir(parents=True, exist_ok=True)
    (root / "kameng_pricelist.py").write_text(files["kameng_pricelist.py"], encoding="utf-8")
    info = root / "kameng_pricelist-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kameng-pricelist\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(files["entry_points.txt"], encoding="utf-8")
    return files


KIT_ACCOUNT = {"account": "13800138000"}


async def run_supplier_kit(kind: str, options: dict, secret: str | None, env: dict, **kw) -> list[str]:
    """Build a supplier through its kind's factory and run kameng_tui.testing's kit on it."""
    from kameng_tui.suppliers.registry import load_factory
    from kameng_tui.testing.supplier_kit import KitCase, run_kit

    factory = load_factory(kind)
    supplier = factory.from_config(name=kind, options=options, secret=secret, env=env)
    try:
        return await run_kit(KitCase(factory, supplier, KIT_ACCOUNT, **kw))
    finally:
        await supplier.aclose()
