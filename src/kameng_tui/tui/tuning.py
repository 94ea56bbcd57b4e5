"""How the TUI tunes the runtime when it starts, each setting with the measurement that
chose it (benchmarks/bench_tui.py; docs/keys.md for frame pacing). Set at the app's start,
not when a module is imported: importing kameng_tui.tui changes nothing in the process.

- Frame pacing (`pace_frames`, at the entry, before Textual is imported): Textual paints at
  most TEXTUAL_FPS frames a second (default 60), so a keystroke waits up to 16.7 ms for its
  frame before any work starts. At 240 the wait is at most 4 ms; the update timer runs only
  while something changed, so an idle app costs nothing. Textual reads the variable once,
  when `textual.constants` is first imported (`MAX_FPS`, and `textual.screen`'s
  `UPDATE_PERIOD` from it), hence before any Textual import. A TEXTUAL_FPS already set in
  the environment wins.
- GC passes (`collect_less_often`, in `KamengApp.on_mount`): a keystroke leaves a few
  thousand objects in reference cycles (Textual's Strip caches hold the strip itself), so
  the cyclic GC must run, and a pause lands on whichever keystroke it interrupts. Young
  passes stay small and frequent (Python's 700 and 10: at 100k products, bench_tui's 87
  keys saw gen0 pauses under 1 ms and gen1 ones of 2-5 ms); full passes run every 100 gen1
  passes instead of 10. A gen0 threshold of 50,000 (this module's earlier choice) made
  four pauses of 18-33 ms in the same 87 keys: the p95 itself.
- Frozen start-up objects (`freeze_long_lived`, once the catalog index is loaded): the index
  and the start-up objects live as long as the app; kept out of the cyclic GC's full passes,
  which otherwise stall a keystroke ~100 ms at 100k products.

This module imports neither Textual nor anything that does."""

from __future__ import annotations

import gc
import os

FPS = 240
GC_THRESHOLD = (700, 10, 100)


def pace_frames() -> None:
    """TEXTUAL_FPS=240 unless the environment says otherwise. Call before Textual is imported."""
    os.environ.setdefault("TEXTUAL_FPS", str(FPS))


def collect_less_often() -> None:
    gc.set_threshold(*GC_THRESHOLD)


def freeze_long_lived() -> None:
    gc.freeze()
