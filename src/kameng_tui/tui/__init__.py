"""The Textual face of kameng-tui: screens render what services return, nothing more."""

import os

# Textual paints at most TEXTUAL_FPS frames a second (default 60): a keystroke waits up
# to 16.7 ms for its frame before any work starts. At 240 the wait is at most 4 ms;
# the update timer runs only while something changed, so an idle app costs nothing.
# Read when textual.constants is first imported, hence here, before any textual import.
os.environ.setdefault("TEXTUAL_FPS", "240")
