"""Every place kameng-tui keeps files, in one module.

`KAMENG_TUI_HOME=DIR` puts config, data, state and logs under DIR (a second shop, a
test, a demo); otherwise the platform's own dirs. Everything is created private:
umask 077 first, dirs 0700, files 0600.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

APP = "kameng-tui"


@dataclass(frozen=True)
class AppPaths:
    config_dir: Path
    data_dir: Path
    state_dir: Path
    log_dir: Path
    secrets_dir: Path          # the opt-in key file lives here: never inside data_dir

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def key_file(self) -> Path:
        return self.secrets_dir / "keys.json"


def app_paths(env: Mapping[str, str] | None = None) -> AppPaths:
    env = os.environ if env is None else env
    home = env.get("KAMENG_TUI_HOME")
    if home:
        root = Path(home).expanduser()
        return AppPaths(root / "config", root / "data", root / "state", root / "state" / "logs", root / "secrets")
    import platformdirs

    config = Path(platformdirs.user_config_dir(APP))
    state = Path(platformdirs.user_state_dir(APP))
    return AppPaths(config, Path(platformdirs.user_data_dir(APP)), state, state / "logs", config / "secrets")


def ensure(paths: AppPaths) -> AppPaths:
    """Make the dirs, private. A dir open to others is closed (0700); one the owner made
    stricter (0500: a read-only data dir) is left as it is, never made writable again."""
    os.umask(0o077)
    for d in (paths.config_dir, paths.data_dir, paths.state_dir, paths.log_dir):
        d.mkdir(parents=True, exist_ok=True)
        if os.stat(d).st_mode & 0o077:
            os.chmod(d, 0o700)
    return paths
