"""Shared form pieces: a base form that strips whitespace from every text field, and the
parsing of whole numbers from query and form arguments."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = list(unbound_field.kwargs.get("filters", []))
            if _strip not in filters:
                filters.append(_strip)
            unbound_field.kwargs["filters"] = filters
            return unbound_field.bind(form=form, **options)


#: the largest value of an INTEGER column on PostgreSQL (ids, versions, page numbers)
MAX_INT = 2**31 - 1


def int_arg(value: str | None) -> int | None:
    """A whole number from a query or form argument, as an integer column can hold it; None
    for anything else, including digits that int() refuses ("²" is a digit to isdigit()) and
    numbers past the column (the database would raise instead of finding nothing)."""
    if value and value.isascii() and value.isdigit() and int(value) <= MAX_INT:
        return int(value)
    return None
