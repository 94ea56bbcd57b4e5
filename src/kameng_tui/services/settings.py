"""Settings edited from the TUI: interface values, keymap entries, markup rules,
customer levels; and the price preview of a rule before it is saved.

Each change goes through config_edit (comments kept, a broken file left alone) and
the running app gets the new Config at once (`ctx.config`), so the next checkout
or batch line prices with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from kameng_tui.domain.catalog_query import Query
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.markup import MarkupRule, category_path, formula, parse_markup
from kameng_tui.domain.models import Delivery, Product
from kameng_tui.domain.money import fmt
from kameng_tui.messages import Joined, Msg
from kameng_tui.services.config_cell import ConfigCell, ReadsConfig
from kameng_tui.services.catalog import CatalogService
from typing import Mapping
from kameng_tui.services.pricing import Priced, price_with

DEFAULT_KEY = ("", "")
MAX_LEVEL = 16
SAMPLE_COST = Decimal("100")
"""The cost the formula's example is worked on: a round number a person checks at a glance."""


@dataclass(frozen=True)
class PreviewRow:
    product: Product
    before: Priced                    # under the saved rules
    after: Priced                     # under the rule being edited


def _bad(field: str, key: str, /, **params: object) -> BadInput:
    return BadInput(Msg(key, **params), field=field)


class SettingsService(ReadsConfig):
    def __init__(self, config_file: Path, env: Mapping[str, str], catalog: CatalogService, config: ConfigCell) -> None:
        self.config_file, self.env, self.catalog, self._config = config_file, env, catalog, config

    @property
    def path(self) -> Path:
        return self.config_file

    def _saved(self, config: Any) -> Any:
        self.config = config
        return config

    # --- interface and keys ------------------------------------------------------------------------
    def set_values(self, section: str, **values: Any) -> Any:
        from kameng_tui.config_edit import set_values

        return self._saved(set_values(self.path, section, values, env=self.env))

    def set_keys(self, binding_id: str, keys: str | None) -> Any:
        """Keys already checked by the face that knows the bindings (tui/keymap_check.py)."""
        from kameng_tui.config_edit import set_keymap

        return self._saved(set_keymap(self.path, binding_id, keys, env=self.env))

    # --- customers and their levels ----------------------------------------------------------------
    def levels(self) -> list[str]:
        cfg = self.config
        return sorted({*cfg.customers.values(), *(r.level for r in cfg.pricing.rules if r.level)})

    def set_level(self, customer: str, level: str) -> Any:
        from kameng_tui.config_edit import set_customer

        name, level = customer.strip(), level.strip()
        if not name:
            raise _bad("customer", "err.settings.customer_name")
        if len(level) > MAX_LEVEL:
            raise _bad("level", "err.settings.level_length", most=MAX_LEVEL)
        if not level and name not in self.config.customers:
            raise _bad("level", "err.settings.no_level", name=name)
        return self._saved(set_customer(self.path, name, level or None, env=self.env))

    # --- markup rules ------------------------------------------------------------------------------
    def rules(self) -> list[MarkupRule]:
        """The default first (empty category and level), then the rules as written."""
        p = self.config.pricing
        return [MarkupRule(p.markup, use_face_value=p.use_face_value), *p.rules]

    def categories(self) -> list[str]:
        """Every category path and prefix in the catalog (reads the index: call off the UI thread)."""
        return sorted(self.catalog.index().query(Query(), limit=0).categories)

    def rule_from(self, category: str, level: str, markup: str, use_face_value: bool,
                  replaces: tuple[str, str] | None, categories: list[str] | None = None) -> MarkupRule:
        """A rule typed in the form, checked; raises BadInput on the field at fault."""
        value = parse_markup(markup)
        cat = category_path(category)
        if cat and categories is not None and cat not in categories:
            close = [c for c in categories if cat in c][:3]
            hint = Msg("settings.did_you_mean", close=Joined(close, "sep.enum")) if close else ""
            raise _bad("category", "err.settings.no_category", category=cat, hint=hint)
        level = level.strip()
        if len(level) > MAX_LEVEL:
            raise _bad("level", "err.settings.level_length", most=MAX_LEVEL)
        rule = MarkupRule(value, category=cat, level=level, use_face_value=use_face_value)
        if rule.key == DEFAULT_KEY and replaces not in (None, DEFAULT_KEY):
            raise _bad("category", "err.settings.rule_empty")
        if rule.key != replaces and rule.key in {r.key for r in self.rules()}:
            raise _bad("category", "err.settings.rule_exists", category=cat or Msg("word.all"), level=level or Msg("word.all"))
        return rule

    def save_rule(self, rule: MarkupRule, replaces: tuple[str, str] | None) -> Any:
        from kameng_tui.config_edit import save_rule

        return self._saved(save_rule(self.path, rule, replaces, env=self.env))

    def delete_rule(self, key: tuple[str, str]) -> Any:
        from kameng_tui.config_edit import delete_rule

        if key == DEFAULT_KEY:
            raise _bad("category", "err.settings.default_rule")
        return self._saved(delete_rule(self.path, key, env=self.env))

    def _priced_by(self, rule: MarkupRule, replaces: tuple[str, str] | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The pricing as saved, and as it would be with this rule saved."""
        p = self.config.pricing
        saved = dict(rules=p.rules, default_markup=p.markup, default_face=p.use_face_value,
                     default_cap=p.cap_at_face_value)
        if rule.key == DEFAULT_KEY:
            draft = {**saved, "default_markup": rule.markup, "default_face": rule.use_face_value}
        else:
            draft = {**saved, "rules": tuple(r for r in p.rules if r.key not in (replaces, rule.key)) + (rule,)}
        return saved, draft

    def preview(self, rule: MarkupRule, replaces: tuple[str, str] | None, limit: int = 6) -> list[PreviewRow]:
        """A few products of the rule's category priced under the saved rules and under
        the rules with this one saved, for a customer of the rule's level."""
        saved, draft = self._priced_by(rule, replaces)
        rows = []
        for product in self.catalog.search(Query(category=rule.category), limit=limit).rows:
            cost = product.unit_cost
            rows.append(PreviewRow(product, price_with(product=product, unit_cost=cost, level=rule.level, **saved),
                                   price_with(product=product, unit_cost=cost, level=rule.level, **draft)))
        return rows

    def formula(self, rule: MarkupRule) -> Msg:
        """What the rule does, in words; the default caps only where the config says so."""
        capped = rule.key != DEFAULT_KEY or self.config.pricing.cap_at_face_value
        return formula(rule.markup, rule.use_face_value, capped)

    def example(self, rule: MarkupRule, replaces: tuple[str, str] | None) -> Msg:
        """The rule worked on a sample cost of 100 元 (a product of its category with no face value)."""
        _, draft = self._priced_by(rule, replaces)
        sample = Product(sku="sample:0", supplier="sample", product_id="0", name="", category=tuple(
            part for part in rule.category.split("/") if part), delivery=Delivery.DIRECT, unit_cost=SAMPLE_COST)
        after = price_with(product=sample, unit_cost=SAMPLE_COST, level=rule.level, **draft)
        return Msg("markup.example", cost=fmt(SAMPLE_COST), price=fmt(after.price))
