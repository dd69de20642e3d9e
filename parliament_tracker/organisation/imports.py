"""``flask org import FILE``: directorates, signatories and committees from a CSV or YAML file.

CSV: a header line, then one row per object, its kind in the ``kind`` column::

    kind,code,name,email,office_title,abbreviation
    directorate,DGMI,Directoraat-Generaal Migratie,dgmi@example.org,,
    signatory,,Eric van der Burg,,De Staatssecretaris van Justitie en Veiligheid,
    committee,,vaste commissie voor Justitie en Veiligheid,,,J&V

YAML: lists under ``directorates``, ``signatories`` and ``committees`` with the same fields.

Each row is checked by the admin pages' forms and saved by ``services.save`` (with its audit
entry); an object is found again by its code, office title or name, so importing the same file
twice changes nothing. One bad row refuses the whole file, naming each line; the command's unit of work keeps nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from parliament_tracker.api import ApiError
from parliament_tracker.extensions import db
from parliament_tracker.organisation import services
from parliament_tracker.organisation.api import FIELDS, checked_values
from parliament_tracker.organisation.views import SECTIONS

#: the singular a CSV row names -> the section, and the field an object is found again by
KINDS = {"directorate": ("directorates", "code"), "signatory": ("signatories", "office_title"), "committee": ("committees", "name")}


class ImportRefused(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    updated: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})
    unchanged: int = 0


def _rows_from_csv(text: str) -> list[tuple[int, str, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "kind" not in reader.fieldnames:
        raise ImportRefused(["line 1: the header must name the columns, with a 'kind' column (directorate, signatory, committee)."])
    rows = []
    for record in reader:
        kind = (record.pop("kind") or "").strip().lower()
        values = {k: (v or "").strip() for k, v in record.items() if k is not None}
        section = KINDS.get(kind, (None,))[0]
        if section:  # only the columns this kind has; an empty optional one is no value
            values = {k: v for k, v in values.items() if k in FIELDS[section] and v != ""}
        rows.append((reader.line_num, kind, values))
    return rows


def _rows_from_yaml(text: str) -> list[tuple[int, str, dict[str, Any]]]:
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ImportRefused([f"not valid YAML: {exc}"]) from None
    if root is None:
        return []
    if not isinstance(root, yaml.MappingNode):
        raise ImportRefused([f"line {root.start_mark.line + 1}: expected directorates:, signatories: and committees: lists."])
    plural = {section: kind for kind, (section, _key) in KINDS.items()}
    rows = []
    for key_node, value_node in root.value:
        kind = plural.get(key_node.value)
        if kind is None:
            raise ImportRefused([f"line {key_node.start_mark.line + 1}: unknown list {key_node.value!r} (directorates, signatories, committees)."])
        if not isinstance(value_node, yaml.SequenceNode):
            raise ImportRefused([f"line {value_node.start_mark.line + 1}: {key_node.value} must be a list."])
        for item in value_node.value:
            value = yaml.safe_load(yaml.serialize(item))
            line = item.start_mark.line + 1
            if not isinstance(value, dict):
                raise ImportRefused([f"line {line}: each entry must be a mapping of fields."])
            rows.append((line, kind, {k: v for k, v in value.items() if v is not None}))
    return rows


def import_file(name: str, data: bytes, *, actor: Any = None) -> ImportResult:
    """Check every row, then save them; raises ImportRefused (nothing saved) on any problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(["the file is not UTF-8 text."]) from None
    rows = _rows_from_yaml(text) if name.lower().endswith((".yaml", ".yml")) else _rows_from_csv(text)
    result = ImportResult()
    problems: list[str] = []
    for line, kind, values in rows:
        if kind not in KINDS:
            problems.append(f"line {line}: unknown kind {kind!r} (directorate, signatory, committee).")
            continue
        section, key = KINDS[kind]
        model = SECTIONS[section].model
        existing = db.session.scalar(db.select(model).where(getattr(model, key) == values.get(key))) if values.get(key) else None
        item = existing or model()
        try:
            checked = checked_values(section, item, values)
        except ApiError as exc:
            problems += [f"line {line}: {name}: {message}" for name, message in (exc.errors or {"": exc.message}).items()]
            continue
        if existing is not None and all(getattr(existing, k) == v for k, v in checked.items()):
            result.unchanged += 1
            continue
        try:
            services.save(item, checked, unique=SECTIONS[section].unique, actor=actor)
        except services.DuplicateValue as exc:
            problems.append(f"line {line}: {exc.field}: this value is already in use.")
            continue
        (result.updated if existing is not None else result.created)[kind] += 1
    if problems:  # the caller's unit of work rolls back what the good rows flushed
        raise ImportRefused(problems)
    return result
