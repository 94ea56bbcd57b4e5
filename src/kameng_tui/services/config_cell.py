"""The configuration as it is now: one cell shared by the services that read it.

The settings screen and the supplier admin save config.toml and put the new Config here,
so the next checkout, sync or report reads the new values without a restart. Services get
the cell (their explicit collaborator), never the composition root.
"""

from __future__ import annotations

from kameng_tui.config import Config


class ConfigCell:
    def __init__(self, config: Config) -> None:
        self.current = config


class ReadsConfig:
    """Mixin: `self.config` reads (and, for the services that save config.toml, sets) the cell."""

    _config: ConfigCell

    @property
    def config(self) -> Config:
        return self._config.current

    @config.setter
    def config(self, value: Config) -> None:
        self._config.current = value
