"""Old import path of kameng_tui.secret_store (renamed: `secrets` shadows the standard
library's module). Kept for one release; import kameng_tui.secret_store instead."""

import warnings

from kameng_tui.secret_store import *  # noqa: F401,F403
from kameng_tui.secret_store import SecretStore, SecretsStatus, env_name  # noqa: F401

warnings.warn("kameng_tui.secrets is now kameng_tui.secret_store", DeprecationWarning, stacklevel=2)
