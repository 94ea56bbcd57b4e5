"""The config.toml a first start writes (issue 15: a clearer default markup for new
configs only).

Today's default, kept for every config that does not say otherwise, is two formulas:
the face value where it covers the cost, else cost x 1.03. The settings screen shows
"3%" for it while most orders (话费, game cards) earn the face value's discount
instead, and a product whose cost is above its face value sells above it. The
default written here is one formula, the same shape as every markup rule:
price = cost x 1.03, at most the face value. The markup shown is the markup earned,
a customer never pays more than the face value, and 话费 (whose discount is under
3%) still sells at the face value.

Written only on a first start: no config file and an empty data dir (no ledger).
A shop that has a ledger but no config file runs on the older default and keeps it,
so no price changes on an upgrade. Best effort: a home that cannot be written starts
on the older default rather than not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from kameng_tui.paths import AppPaths

STARTER = """\
# kameng-tui settings; docs/config.md lists every key. Written by the first start.

[pricing]
# price = cost x 1.03, at most the face value.
# Without these three lines the default is the older one: the face value where it
# covers the cost, else cost x 1.03.
markup = "0.03"
use_face_value = false
cap_at_face_value = true
"""


def first_start(paths: AppPaths) -> bool:
    """No config file yet and nothing in the data dir: this home was never used."""
    data = paths.data_dir
    return not paths.config_file.exists() and not (data.exists() and any(data.iterdir()))


def write_starter(paths: AppPaths, env: Mapping[str, str]) -> bool:
    """Write the starter config on a first start; True if written. (The editor's module
    loads only then: every later command starts without it.)"""
    if not first_start(paths):
        return False
    from kameng_tui.config_edit import create_config
    from kameng_tui.domain.errors import ConfigError

    try:
        return create_config(Path(paths.config_file), STARTER, env)
    except (OSError, ConfigError):
        return False
