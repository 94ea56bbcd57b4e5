"""The Textual face of kameng-tui: screens render what services return, nothing more."""
