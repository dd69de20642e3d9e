"""Shared form pieces: a base form that strips whitespace from every text field, and the
parsing of whole numbers from query and form arguments."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import flash, has_request_context
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from wtforms import StringField

from parliament_tracker import kept_forms


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """A form whose text fields are stripped; on the page a form was posted from, it is filled
    with what was typed when that post was refused for an ended session (``kept_forms``)."""

    #: True when the fields came back from a refused post (the view leaves its defaults alone)
    restored = False

    def __init__(self, formdata: Any = _Auto, **kwargs: Any) -> None:
        kept = None
        if formdata is _Auto and has_request_context():
            kept = kept_forms.take({name for name, _f in self._unbound_fields})
        if kept is None:
            super().__init__(formdata=formdata, **kwargs)
            return
        super().__init__(formdata=kept[0], **kwargs)
        self.restored = True
        if kept[1] == "login":
            flash(_("Your session had ended, so the form was not saved. You are logged in again and what you typed is below: check it and save again."), "warning")
        else:
            flash(_("The form had expired, so it was not saved. What you typed is below: check it and save again."), "warning")

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = list(unbound_field.kwargs.get("filters", []))
            if _strip not in filters:
                filters.append(_strip)
            unbound_field.kwargs["filters"] = filters
            return unbound_field.bind(form=form, **options)


_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_dutch_date(text: str) -> dt.date | None:
    """A date typed the Dutch way: 7-12-2026, 07-12-2026 (also with / or .) or 2026-12-07.
    None when it is not one: the order never depends on the browser's language."""
    text = text.strip()
    if match := _DUTCH_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class DutchDateField(StringField):
    """A text field for a date, shown as dd-mm-jjjj and read by :func:`parse_dutch_date`
    (a native date field follows the browser's locale: 01122026 became 12 January)."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = {"inputmode": "numeric", "autocomplete": "off", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.typed = ""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d-%m-%Y") if isinstance(self.data, dt.date) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        self.typed = str(valuelist[0] or "").strip()
        if not self.typed:
            self.data = None
            return
        self.data = parse_dutch_date(self.typed)
        if self.data is None:
            raise ValueError(_("Enter the date as dd-mm-yyyy, for example 7-12-2026."))


#: the largest value of an INTEGER column on PostgreSQL (ids, versions, page numbers)
MAX_INT = 2**31 - 1


def int_arg(value: str | None) -> int | None:
    """A whole number from a query or form argument, as an integer column can hold it; None
    for anything else, including digits that int() refuses ("²" is a digit to isdigit()) and
    numbers past the column (the database would raise instead of finding nothing)."""
    if value and value.isascii() and value.isdigit() and int(value) <= MAX_INT:
        return int(value)
    return None
