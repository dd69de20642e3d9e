"""DOCX → HTML: Word's numbered and bulleted lists, read from the numbering part (pure: the
``Walker`` in ``docx_walker`` asks these for a paragraph's list and its indentation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from parliament_tracker.letters.engine.docx_styles import BULLET_FORMATS, OL_TYPES, TWIP_PER_PT, to_float
from parliament_tracker.letters.engine.ooxml import qn

T = TypeVar("T")


def _by_num(doc: Any, level: Callable[[Any], tuple[str, T]]) -> dict[tuple[str, str], T]:
    """(numId, ilvl) → value, with ``level(w:lvl)`` → (ilvl, value), for every level of every
    list in the document."""
    try:
        root = doc.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    abstract: dict[str, dict[str, T]] = {}
    for an in root.findall(qn("w:abstractNum")):
        levels = {}
        for lvl in an.findall(qn("w:lvl")):
            ilvl, value = level(lvl)
            levels[ilvl] = value
        abstract[an.get(qn("w:abstractNumId"))] = levels
    out: dict[tuple[str, str], T] = {}
    for num in root.findall(qn("w:num")):
        aid = num.find(qn("w:abstractNumId"))
        if aid is not None:
            for ilvl, value in abstract.get(aid.get(qn("w:val")), {}).items():
                out[(num.get(qn("w:numId")), ilvl)] = value
    return out


def _list_type(lvl: Any) -> tuple[str, tuple[str, str]]:
    ilvl = lvl.get(qn("w:ilvl"))
    fmt_el = lvl.find(qn("w:numFmt"))
    fmt = fmt_el.get(qn("w:val")) if fmt_el is not None else "decimal"
    if fmt in BULLET_FORMATS:
        return ilvl, ("ul", "disc" if fmt == "bullet" else "none")
    return ilvl, ("ol", OL_TYPES.get(fmt, "decimal"))


def _geometry(lvl: Any) -> tuple[str, tuple[float, float, str]]:
    ilvl = lvl.get(qn("w:ilvl")) or "0"
    ind = lvl.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    left = to_float(ind.get(qn("w:left")) or ind.get(qn("w:start")), 720 * (int(ilvl) + 1)) if ind is not None \
        else 720.0 * (int(ilvl) + 1)
    hanging = to_float(ind.get(qn("w:hanging")), 360) if ind is not None else 360.0
    text = lvl.find(qn("w:lvlText"))
    return ilvl, (left / TWIP_PER_PT, hanging / TWIP_PER_PT, (text.get(qn("w:val")) if text is not None else None) or "%1.")


def numbering(doc: Any) -> dict[tuple[str, str], tuple[str, str]]:
    """(numId, ilvl) → ("ul"|"ol", list-style-type)."""
    return _by_num(doc, _list_type)


def list_indents(doc: Any) -> dict[tuple[str, str], tuple[float, float, str]]:
    """(numId, ilvl) → (left, hanging) in pt and the level's text (``%1.``), from the numbering."""
    return _by_num(doc, _geometry)


def list_item_css(indents: dict[tuple[str, str], tuple[float, float, str]], num_id: str, ilvl: str,
                  direct: dict[str, Any]) -> list[str]:
    """Where Word puts a list item: the marker at left − hanging, a tab to ``left`` where the
    text starts and wraps. The nested list sits inside its parent item, whose text starts
    at the parent level's left, so the margin is relative to that."""
    left, hanging, _text = indents.get((num_id, ilvl), (36.0 * (int(ilvl) + 1), 18.0, "%1."))
    if "ind_left" in direct:
        left = to_float(direct["ind_left"]) / TWIP_PER_PT
    if "ind_hanging" in direct:
        hanging = to_float(direct["ind_hanging"]) / TWIP_PER_PT
    parent_left = 0.0
    if int(ilvl) > 0:
        parent_left = indents.get((num_id, str(int(ilvl) - 1)), (36.0 * int(ilvl), 0, ""))[0]
    return [f"margin-left:{left - parent_left:g}pt", f"--hanging:{hanging:g}pt"]


def open_list_item(out: list[str], lists: list[str], level: int, list_tag: str, list_type: str) -> None:
    """Close deeper lists (and a list of the other kind at this level), open lists down to
    ``level``, and end the previous item at this level so a new ``<li>`` can start."""
    while len(lists) > level + 1:
        out.append(f"</li></{lists.pop()}>")
    if len(lists) == level + 1 and lists[-1] != list_tag:
        out.append(f"</li></{lists.pop()}>")
    if len(lists) == level + 1:
        out.append("</li>")
    while len(lists) < level + 1:
        marker = ("bullets" if list_type == "disc" else "plain") if list_tag == "ul" else f"n-{list_type}"
        out.append(f'<{list_tag} class="{marker}" style="list-style-type:{list_type}">')
        lists.append(list_tag)
