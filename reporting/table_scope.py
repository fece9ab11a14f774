"""Header scope for the report's tables, in the PDF's tag tree.

WeasyPrint tags a table's header cells (``/TH``) with an ``/ID`` and lists, on every data cell
(``/TD``), the headers it belongs to (``/Headers``), but it does not carry the template's
``<th scope>`` over as the ``/Scope`` attribute. Screen readers and PDF/UA checkers that look at the
header cells themselves then cannot tell a column header from a row header. This pass adds it:
a header that a data cell of its own row points to is a row header, every other a column header.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name


def _kids(node: Dictionary) -> list[Dictionary]:
    kids = node.get("/K")
    if kids is None:
        return []
    items = list(kids) if isinstance(kids, Array) else [kids]
    return [kid for kid in items if isinstance(kid, Dictionary) and "/S" in kid]


def _cells(node: Dictionary) -> list[Dictionary]:
    """The cells of a table row."""
    return [kid for kid in _kids(node) if kid.get("/S") in (Name.TH, Name.TD)]


def _rows(node: Dictionary) -> list[Dictionary]:
    """The rows of a table, through its head, body and foot."""
    found: list[Dictionary] = []
    for kid in _kids(node):
        if kid.get("/S") == Name.TR:
            found.append(kid)
        elif kid.get("/S") in (Name.THead, Name.TBody, Name.TFoot):
            found += _rows(kid)
    return found


def _set_scope(row: Dictionary) -> int:
    """Give every header cell of ``row`` its scope; return how many were given one."""
    cells = _cells(row)
    data = [cell.get("/A", Dictionary()) for cell in cells if cell.get("/S") == Name.TD]
    pointed_at = {str(ref) for attributes in data for ref in attributes.get("/Headers", [])}
    count = 0
    for cell in cells:
        if cell.get("/S") != Name.TH:
            continue
        attributes = cell.get("/A")
        if not isinstance(attributes, Dictionary):
            attributes = cell.A = Dictionary(O=Name.Table)
        attributes.Scope = Name.Row if str(cell.get("/ID", "")) in pointed_at else Name.Column
        count += 1
    return count


def _tables(node: Dictionary, depth: int = 0) -> list[Dictionary]:
    if depth > 200:
        return []
    if node.get("/S") == Name.Table:
        return [node]
    return [table for kid in _kids(node) for table in _tables(kid, depth + 1)]


def add_header_scope(pdf: bytes) -> bytes:
    """``pdf`` with ``/Scope`` on every header cell of every tagged table (unchanged when untagged)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        if not isinstance(tree, Dictionary):
            return pdf
        given = sum([_set_scope(row) for table in _tables(tree) for row in _rows(table)])
        if not given:
            return pdf
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
