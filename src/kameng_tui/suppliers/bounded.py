"""Replies are read with a bound on their decoded size, and never compressed.

A supplier (or whatever answers in its name) could send a reply of any size; read
whole, a few of them exhaust memory, and a compressed one is small on the wire and
huge once decoded. So every adapter asks for `Accept-Encoding: identity`, refuses a
reply that comes with any other `Content-Encoding`, and reads the body chunk by chunk,
stopping past its bound: 1 MiB for an order's reply, 32 MiB for the rest (catalog
pages above all). Since nothing is decoded, the bytes counted are the decoded bytes.

Duck-typed on httpx's response (`headers`, `aiter_raw()`), so this module imports no
HTTP library.
"""

from __future__ import annotations

from typing import Any

MIB = 1024 * 1024
ORDER_REPLY_MAX = 1 * MIB      # create, query: past it the order is unknown
READ_REPLY_MAX = 32 * MIB      # catalog pages, quotes, balances, order lists: past it the read fails
ACCEPT = {"Accept-Encoding": "identity"}


class ReplyRefused(Exception):
    """A reply that was not read: over `limit` bytes, or sent with a Content-Encoding."""

    def __init__(self, *, limit: int | None = None, encoding: str | None = None) -> None:
        super().__init__(f"reply over {mib(limit)}" if limit is not None else f"Content-Encoding {encoding}")
        self.limit = limit
        self.encoding = encoding

    @property
    def limit_text(self) -> str:
        return mib(self.limit or 0)


def mib(n: int | None) -> str:
    return f"{(n or 0) / MIB:g} MiB"


async def read_bounded(resp: Any, limit: int) -> bytes:
    """The body of `resp`, at most `limit` bytes; ReplyRefused past it or when encoded."""
    encoding = (resp.headers.get("Content-Encoding") or "").strip()
    if encoding and encoding.lower() != "identity":
        raise ReplyRefused(encoding=encoding[:40])
    declared = (resp.headers.get("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise ReplyRefused(limit=limit)
    chunks, size = [], 0
    async for chunk in resp.aiter_raw():
        size += len(chunk)
        if size > limit:
            raise ReplyRefused(limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)
