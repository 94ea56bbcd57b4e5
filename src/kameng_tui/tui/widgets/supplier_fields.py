"""The add-supplier form's fields, rendered from what each kind declares (its
SupplierFactory's config_fields): one input per field key any usable kind declares,
shown for the kinds that declare it, labelled with that kind's label."""

from __future__ import annotations

from dataclasses import dataclass

from kameng_tui.suppliers.base import ConfigField
from kameng_tui.suppliers.factory import SupplierFactory


@dataclass(frozen=True)
class FormFields:
    keys: tuple[str, ...]                               # every field key, in form (and Tab) order
    by_kind: dict[str, dict[str, ConfigField]]          # kind -> its declared fields by key

    def secret(self, key: str) -> bool:
        return any(key in fields and fields[key].secret for fields in self.by_kind.values())

    def of(self, kind: str) -> dict[str, ConfigField]:
        return self.by_kind.get(kind, {})


def form_fields(factories: dict[str, SupplierFactory], first: str) -> FormFields:
    """The union of the kinds' fields. Each kind's own order is kept: a key new to the
    union goes right after the key its kind declares before it, and the kind `first`
    (the form's default) is laid out first, so its fields read in its declared order."""
    keys: list[str] = []
    order = [first, *sorted(k for k in factories if k != first)] if first in factories else sorted(factories)
    for kind in order:
        after = -1
        for f in factories[kind].config_fields:
            if f.key in keys:
                after = keys.index(f.key)
            else:
                keys.insert(after + 1, f.key)
                after += 1
    return FormFields(tuple(keys), {k: {f.key: f for f in factories[k].config_fields} for k in factories})
