"""Text that a spreadsheet opens safely: the public CSV of exchanges and the
admin's exports both write what visitors and staff typed, which a
spreadsheet would run as a formula ("=HYPERLINK(...)")."""

import re
from decimal import Decimal, InvalidOperation

import tablib

FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def defused(dataset: tablib.Dataset) -> tablib.Dataset:
    """``dataset`` with text that a spreadsheet would run as a formula
    ("=HYPERLINK(...)", typed by a visitor in an interest registration)
    prefixed with an apostrophe; numbers such as "-3.5" stay as they are."""

    def defuse(value):
        if isinstance(value, str) and FORMULA_START.match(value):
            try:
                Decimal(value)
            except InvalidOperation:
                return "'" + value
        return value

    safe = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        safe.append([defuse(value) for value in row])
    return safe
