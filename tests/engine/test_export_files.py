"""An export's files are written whole or not at all (services/export_files.py): a
write that fails half-way leaves neither half a file nor a temporary one, and a file
already at that name is untouched."""

from __future__ import annotations

import errno

import pytest

from kameng_tui.domain.errors import DiskFull
from kameng_tui.services.export_files import write_whole


def test_a_write_that_fails_half_way_leaves_nothing(tmp_path):
    dest = tmp_path / "订单.csv"
    dest.write_text("yesterday's export", encoding="utf-8")

    def half_then_full(path):
        path.write_text("order_no,state\nKM1,", encoding="utf-8")      # half a file reached the disk
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with pytest.raises(DiskFull) as caught:
        write_whole([(tmp_path / "first.csv", lambda p: p.write_text("ok", encoding="utf-8")), (dest, half_then_full)])
    assert str(dest) in caught.value.text("zh") and "磁盘已满" in caught.value.text("zh")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["订单.csv"]       # not even the first, finished file
    assert dest.read_text(encoding="utf-8") == "yesterday's export"


def test_whole_files_are_0600_and_replace_the_old_one(tmp_path):
    dest = tmp_path / "x.json"
    dest.write_text("old", encoding="utf-8")
    write_whole([(dest, lambda p: p.write_text("new", encoding="utf-8"))])
    assert dest.read_text(encoding="utf-8") == "new" and (dest.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]
