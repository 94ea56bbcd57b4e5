"""kameng-tui: a terminal client for 卡盟 resellers."""

__version__ = "0.1.0"
