"""The Dutch catalogue is complete, compiled and consistent with the code.

Messages are extracted in-process with the same map as ``pybabel extract -F babel.cfg``
(``make translations``), so a new ``_()``/``_l()``/``ngettext`` string in the code or the
templates without a Dutch translation fails here instead of showing English to Dutch users.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from babel.support import Translations

try:  # Babel >= 2.15
    from babel.messages.frontend import parse_keywords
    from babel.messages.frontend import parse_mapping_cfg as _parse_mapping
except ImportError:  # pragma: no cover - older Babel
    from babel.messages.frontend import parse_keywords
    from babel.messages.frontend import parse_mapping as _parse_mapping

ROOT = Path(__file__).resolve().parents[2]
BABEL_CFG = ROOT / "babel.cfg"
TRANSLATIONS = ROOT / "parliament_tracker" / "translations"
LOCALE = "nl"
PO = TRANSLATIONS / LOCALE / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / LOCALE / "LC_MESSAGES" / "messages.mo"
# The -k options `make translations` passes (babel.cfg also lists them per file type).
EXTRA_KEYWORDS = ["_l", "lazy_gettext", "lazy_ngettext:1,2"]
# Only these top-level folders hold files that babel.cfg maps; skipping the rest keeps it fast.
SOURCE_DIRS = {"parliament_tracker", "templates"}
HINT = "run `make translations` and translate"

# printf-style placeholders as Python's % operator reads them: %(name)s, %d, %.2f, %(n)05d ...
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")


def _extracted() -> dict[tuple, str]:
    """(msgid or (msgid, msgid_plural), context) of every message in the code -> where it first appears."""
    with BABEL_CFG.open() as fileobj:
        method_map, options_map = _parse_mapping(fileobj, filename=str(BABEL_CFG))
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(EXTRA_KEYWORDS)}

    def directory_filter(dirpath: str) -> bool:
        rel = Path(dirpath).relative_to(ROOT)
        name = rel.name
        return rel.parts[0] in SOURCE_DIRS and not name.startswith((".", "_"))

    found: dict[tuple, str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords, directory_filter=directory_filter
    ):
        if isinstance(message, (tuple, list)):
            message = tuple(message[:2]) if len(message) > 1 and message[1] else message[0]
        if not message:
            continue
        found.setdefault((message, context), f"{filename}:{lineno}")
    return found


def _read_po():
    with PO.open("rb") as fileobj:
        return read_po(fileobj, locale=LOCALE)


def _forms(string) -> tuple[str, ...]:
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def _norm(value):
    """read_mo gives plural ids and strings as lists, read_po as tuples."""
    return tuple(value) if isinstance(value, (tuple, list)) else value


def _placeholders(text: str) -> Counter:
    return Counter(p for p in PLACEHOLDER.findall(text) if p != "%%")


def test_babel_cfg_finds_the_messages():
    extracted = _extracted()
    # A broken babel.cfg (wrong globs, lost lazy keywords) would make test (a) pass vacuously.
    assert ("Cases", None) in extracted, "babel.cfg no longer extracts from templates/**.html"
    assert any(where.startswith("parliament_tracker/") for where in extracted.values()), (
        "babel.cfg no longer extracts from parliament_tracker/**.py"
    )


def test_every_message_has_a_dutch_translation():
    catalog = _read_po()
    missing = []
    for key, where in sorted(_extracted().items(), key=lambda item: item[1]):
        message_id, context = key
        message = catalog.get(message_id, context=context)
        if (
            message is None
            or message.fuzzy
            or not all(form.strip() for form in _forms(message.string))
            or (isinstance(message_id, tuple) and len(_forms(message.string)) != catalog.num_plurals)
        ):
            missing.append(f"  {where}: {message_id!r}" + (f" (context {context!r})" if context else ""))
    assert not missing, (
        f"{len(missing)} message(s) have no (or only a fuzzy) Dutch translation in "
        f"{PO.relative_to(ROOT)}; {HINT}:\n" + "\n".join(missing)
    )


def test_dutch_plural_forms():
    catalog = _read_po()
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"


def test_compiled_catalogue_matches_the_po():
    assert MO.is_file(), f"{MO.relative_to(ROOT)} is missing; {HINT}"
    catalog = _read_po()
    # What `pybabel compile` writes: translated, non-fuzzy, non-obsolete messages.
    expected = {
        (_norm(message.id), message.context): _norm(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }
    with MO.open("rb") as fileobj:
        compiled = read_mo(fileobj)
    actual = {(_norm(message.id), message.context): _norm(message.string) for message in compiled if message.id}
    stale = sorted(
        (repr(key[0]) for key in expected.keys() | actual.keys() if expected.get(key) != actual.get(key)),
    )
    assert not stale, (
        f"{MO.relative_to(ROOT)} is out of date with {PO.relative_to(ROOT)} "
        f"(run `pybabel compile -d {TRANSLATIONS.relative_to(ROOT)}` or `make translations`); "
        f"{len(stale)} message(s) differ:\n  " + "\n  ".join(stale[:50])
    )


def test_placeholders_are_kept():
    catalog = _read_po()
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = _forms(message.id)
        for index, form in enumerate(_forms(message.string)):
            if not form:
                continue
            # Plural form 0 is the singular for Dutch (and English); the others follow msgid_plural.
            source = ids[0] if index == 0 else ids[-1]
            if _placeholders(form) != _placeholders(source):
                wrong.append(
                    f"  {source!r}\n    -> {form!r}: "
                    f"expected {sorted(_placeholders(source).elements())}, "
                    f"got {sorted(_placeholders(form).elements())}"
                )
    assert not wrong, f"Placeholders differ from the English message in {PO.relative_to(ROOT)}:\n" + "\n".join(wrong)


@pytest.mark.parametrize(("english", "dutch"), [("Cases", "Zaken"), ("Log in", "Inloggen")])
def test_compiled_catalogue_loads(english, dutch):
    # The same loader Flask-Babel uses for translations/<locale>/LC_MESSAGES/messages.mo.
    translations = Translations.load(str(TRANSLATIONS), [LOCALE])
    assert translations.gettext(english) == dutch
    assert translations.ngettext("%(num)d case", "%(num)d cases", 1) % {"num": 1} == "1 zaak"
    assert translations.ngettext("%(num)d case", "%(num)d cases", 2) % {"num": 2} == "2 zaken"
