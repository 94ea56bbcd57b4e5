"""argparse's own error sentences in the reader's language (one language at a time).

argparse writes its errors in English ("the following arguments are required: ...");
a zh reader gets them in Chinese. The sentences are matched as argparse (3.11+) words
them; one we do not know is passed on as it is (still exit 2, the `usage` envelope).
The parts taken from the command line (options, values, choices) stay as typed.
"""

from __future__ import annotations

import re

from kameng_tui.messages import Localized, Msg, Plain

_ARGUMENT = re.compile(r"^argument (?P<arg>[^:]+): (?P<rest>.*)$", re.S)
_WHOLE = (
    (re.compile(r"^the following arguments are required: (?P<args>.*)$", re.S), "err.usage.required"),
    (re.compile(r"^unrecognized arguments: (?P<args>.*)$", re.S), "err.usage.unrecognized"),
    (re.compile(r"^one of the arguments (?P<args>.*) is required$", re.S), "err.usage.one_of"),
    (re.compile(r"^ambiguous option: (?P<option>\S+) could match (?P<matches>.*)$", re.S), "err.usage.ambiguous"),
)
_OF_ARGUMENT = (
    (re.compile(r"^invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)$", re.S), "err.usage.choice"),
    (re.compile(r"^expected one argument$"), "err.usage.one_value"),
    (re.compile(r"^expected at most one argument$"), "err.usage.one_value"),
    (re.compile(r"^expected at least one argument$"), "err.usage.some_value"),
    (re.compile(r"^invalid (?P<kind>\w+) value: (?P<value>.*)$", re.S), "err.usage.bad_value"),
    (re.compile(r"^not allowed with argument (?P<other>.*)$", re.S), "err.usage.not_with"),
    (re.compile(r"^ignored explicit argument (?P<value>.*)$", re.S), "err.usage.no_value"),
)


def usage_message(message: str) -> Localized:
    """argparse's `message` as a message in the catalog where we know its wording."""
    for pattern, key in _WHOLE:
        found = pattern.match(message)
        if found:
            return Msg(key, **found.groupdict())
    found = _ARGUMENT.match(message)
    if found:
        for pattern, key in _OF_ARGUMENT:
            said = pattern.match(found.group("rest"))
            if said:
                params = {k: v for k, v in said.groupdict().items() if k != "kind"}
                return Msg(key, arg=found.group("arg"), **params)
    return Plain(message)
