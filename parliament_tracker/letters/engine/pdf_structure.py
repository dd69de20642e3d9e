"""Where things are in a PDF, for the signing step: the page tree, named destinations (the
template's signature box) and the structure tree the signature widget joins in a tagged letter
(PDF/UA-1 §7.18.4). Pure: pyHanko's PDF objects only."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pyHanko is imported where a PDF is signed (issue #19: start-up)
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

SIGNATURE_DESCRIPTION = "Digitale handtekening"


def tag_signature_widget(writer: IncrementalPdfFileWriter, field_name: str, page: int) -> bool:
    """Put the (new) signature widget into the structure tree of a tagged PDF (PDF/UA-1 §7.18.4).

    Returns False, changing nothing, when the document has no structure tree.
    """
    from pyhanko.pdf_utils import generic

    root = writer.root
    if "/StructTreeRoot" not in root:
        return False
    tree = root["/StructTreeRoot"]
    widget_ref = None
    for ref in root["/AcroForm"]["/Fields"]:
        candidate = ref.get_object()
        if candidate.get("/T") == field_name:
            widget_ref = ref
            break
    if widget_ref is None:
        return False
    widget = widget_ref.get_object()
    widget["/TU"] = generic.TextStringObject(SIGNATURE_DESCRIPTION)
    document_ref = tree.raw_get("/K")
    if isinstance(document_ref, generic.ArrayObject):
        document_ref = document_ref[0]
    document = document_ref.get_object()
    page_ref = _page_reference(writer, page)
    objr = writer.add_object(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/OBJR"),
        generic.pdf_name("/Obj"): widget_ref,
        generic.pdf_name("/Pg"): page_ref,
    }))
    form = writer.add_object(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/StructElem"),
        generic.pdf_name("/S"): generic.pdf_name("/Form"),
        generic.pdf_name("/P"): document_ref,
        generic.pdf_name("/Pg"): page_ref,
        generic.pdf_name("/Alt"): generic.TextStringObject(SIGNATURE_DESCRIPTION),
        generic.pdf_name("/K"): generic.ArrayObject([objr]),
    }))
    kids = document["/K"]
    kids.append(form)
    parent_tree = tree["/ParentTree"]
    nums = parent_tree["/Nums"]
    next_key = max((int(nums[i]) for i in range(0, len(nums), 2)), default=-1) + 1
    next_key = max(next_key, int(tree.get("/ParentTreeNextKey", 0)))
    nums.append(generic.NumberObject(next_key))
    nums.append(form)
    tree["/ParentTreeNextKey"] = generic.NumberObject(next_key + 1)
    widget["/StructParent"] = generic.NumberObject(next_key)
    for container in (widget, document, parent_tree, tree):
        writer.update_container(container)
    return True


def _page_reference(writer: IncrementalPdfFileWriter, page: int) -> generic.IndirectObject:
    """The indirect reference of page ``page`` (0-based)."""
    ref: generic.IndirectObject = _page_refs(writer.root.raw_get("/Pages"))[page]
    return ref


def _page_refs(node: Any) -> list[Any]:
    """The page objects' references in order (a page tree walked depth first)."""
    out: list[Any] = []
    for kid in node.get_object()["/Kids"]:
        obj = kid.get_object()
        if obj.get("/Type") == "/Pages":
            out.extend(_page_refs(kid))
        else:
            out.append(kid)
    return out


def _name_tree_lookup(node: Any, name: str) -> Any:
    node = node.get_object()
    names = node.get("/Names")
    if names is not None:
        for i in range(0, len(names) - 1, 2):
            if str(names[i]) == name:
                return names[i + 1].get_object()
    for kid in node.get("/Kids", []):
        found = _name_tree_lookup(kid, name)
        if found is not None:
            return found
    return None


def named_destination(pdf_bytes: bytes, name: str) -> tuple[int, float, float] | None:
    """A named destination's page index and (left, top) in PDF points, or None.

    WeasyPrint writes one for every element with an id (``/Names /Dests``); the signing step
    finds the template's signature box this way in the stored PDF instead of laying it out again.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        root = reader.root
        dests = root.get("/Names", generic.DictionaryObject()).get_object().get("/Dests")
        if dests is None:
            return None
        dest = _name_tree_lookup(dests, name)
        if isinstance(dest, generic.DictionaryObject):
            dest = dest["/D"]
        if dest is None or len(dest) < 4:
            return None
        refs = [getattr(r, "reference", r) for r in _page_refs(root.raw_get("/Pages"))]
        target = getattr(dest.raw_get(0), "reference", None)
        return refs.index(target), float(dest[2]), float(dest[3])
    except (KeyError, ValueError, TypeError, IndexError):
        return None
