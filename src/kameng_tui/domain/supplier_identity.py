"""A supplier's identity on a team ledger (issue 19): which account a name means.

Two terminals that both call a supplier `up` must mean one account: a terminal whose
`up` is another base URL or key id would query an account that never saw the team's
orders, hear "not found" and re-send. The identity is what tells accounts apart and is
not secret: name, kind, base URL and key id (never the secret).
"""

from __future__ import annotations

from dataclasses import dataclass

FIELDS = ("kind", "base_url", "key_id")


@dataclass(frozen=True)
class SupplierIdentity:
    name: str
    kind: str
    base_url: str = ""          # without a trailing "/": "https://x/api/" is "https://x/api"
    key_id: str = ""            # http: key_id; fulu: app_key; "" for a kind without one

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", self.base_url.strip().rstrip("/"))
        object.__setattr__(self, "key_id", self.key_id.strip())

    def differs(self, other: "SupplierIdentity") -> tuple[str, ...]:
        """The fields (of FIELDS) where `other` means another account."""
        return tuple(f for f in FIELDS if getattr(self, f) != getattr(other, f))

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind, "base_url": self.base_url, "key_id": self.key_id}

    def show(self) -> str:
        """One line for a message: kind, base URL, key id."""
        return " ".join(x for x in (self.kind, self.base_url, self.key_id) if x)
