"""Old import path of kameng_tui.state_style (renamed: `palette` reads as Textual's command
palette). Kept for one release; import kameng_tui.state_style instead."""

import warnings

from kameng_tui.state_style import STATE_STYLE  # noqa: F401

warnings.warn("kameng_tui.palette is now kameng_tui.state_style", DeprecationWarning, stacklevel=2)
