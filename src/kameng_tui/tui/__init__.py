"""The Textual face of kameng-tui: screens render what services return, nothing more.
(Runtime tuning, frame rate and GC, is set when the app starts: tui/tuning.py.)"""
