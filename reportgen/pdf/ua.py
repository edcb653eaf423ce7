"""PDF/UA-1's machine checks, for a tagged report: what the Matterhorn Protocol's machine-checkable
failure conditions ask of a document like this one, read from the PDF's bytes with pypdf.

No veraPDF runs here, so these are reportgen's own checks, one function each, named as the
findings are (``pdfua-<check>``):

- ``tagged``: a structure tree, ``/MarkInfo /Marked true``, no ``/Suspects`` (Matterhorn 01, 02);
- ``content``: every content item in the pages and the Form XObjects they draw is inside marked
  content that is an artifact or resolves, through the parent tree, to an element of the structure
  tree that claims it; no tagged content inside an artifact, nor an artifact inside tagged content (01);
- ``figure-alt``: every Figure and Formula has ``/Alt`` or ``/ActualText`` (13);
- ``table-headers``: every TH has a ``/Scope``; every ``/Headers`` ID resolves, through the
  ``/IDTree``, to a TH (15);
- ``links``: every annotation has a description (``/Contents``) a person can use, not an internal
  name, and a Link annotation belongs to a Link element; a page with annotations has ``/Tabs /S`` (28);
- ``nesting``: lists are ``L > LI > Lbl/LBody``, tables ``Table > THead/TBody/TFoot > TR > TH/TD``,
  and a Link holds no block, list, table or other link (09);
- ``headings``: the first heading is H1 and no level is skipped going down (14);
- ``language``: the document's ``/Lang`` is a language tag (11);
- ``title``: ``dc:title`` in the XMP and ``/DisplayDocTitle true`` (06, 07);
- ``fonts``: every font embedded and with a ``/ToUnicode`` map (31).

Not checked (they need a person): whether the tags say what the page shows, the reading order's
sense, the alternative texts' quality, colour and contrast.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from ..configuration import Config
from ..problems import Finding, Severity

CHECKS = ("tagged", "content", "figure-alt", "table-headers", "links", "nesting", "headings", "language", "title",
          "fonts")


@dataclasses.dataclass(frozen=True)
class Problem:
    """One place where the document breaks a check: the check, the page (from 1) if there is one,
    and what breaks it, in PDF's own terms (``/Figure``, ``Tj``, a font's name)."""

    check: str
    page: int | None
    item: str


def check_pdf(data: bytes) -> list[Problem]:
    """Every problem of a PDF, check by check (an empty list: it passes them all)."""
    reader = PdfReader(io.BytesIO(data))
    catalog: Any = reader.trailer["/Root"]
    if "/StructTreeRoot" not in catalog:
        return [Problem("tagged", None, "/StructTreeRoot")]
    tree = _Tree(reader)
    return [*_tagged(catalog), *_content(reader, tree), *_figures(tree), *_table_headers(tree), *_links(reader, tree),
            *_nesting(tree), *_headings(tree), *_language(catalog), *_title(reader, catalog), *_fonts(reader)]


def findings(problems: list[Problem], config: Config) -> list[Finding]:
    """The problems as warnings of the proof report, one per check: how many, and the first."""
    found = []
    for check in CHECKS:
        group = [problem for problem in problems if problem.check == check]
        if group:
            first = group[0]
            found.append(config.messages.finding(
                f"pdfua-{check}", Severity.WARNING, file=config.report.pdf_name,
                cell=f"page {first.page}" if first.page else None, page=first.page or "-", count=len(group),
                item=first.item))
    return found


# --- The structure tree ----------------------------------------------------------------------


@dataclasses.dataclass
class _Node:
    kind: str
    element: DictionaryObject
    parent: _Node | None
    page: int | None
    kids: list[_Node] = dataclasses.field(default_factory=list)
    content: int = 0  # marked-content sequences and annotations directly in it


class _Tree:
    """The structure tree, read once: its elements in reading order, who claims which marked
    content and which annotation, the parent tree and the ID tree."""

    def __init__(self, reader: PdfReader):
        catalog: Any = reader.trailer["/Root"]
        root = catalog["/StructTreeRoot"].get_object()
        self.pages = {_number(page): number for number, page in enumerate(reader.pages, start=1)}
        self.roles = {str(k): str(v) for k, v in root.get("/RoleMap", {}).items()}
        self.nodes: list[_Node] = []
        self.claims: dict[tuple[int, int], _Node] = {}   # (stream's object number, MCID) -> element
        self.annotations: dict[int, _Node] = {}           # annotation's object number -> element
        self.elements: dict[int, _Node] = {}              # element's object number -> element
        self.parent_tree = dict(_number_tree(root.get("/ParentTree")))
        self.ids = {str(k): v for k, v in _name_tree(root.get("/IDTree"))}
        self.page_streams = {number: page for number, page in enumerate(reader.pages, start=1)}
        for kid in _kids(root):
            self._walk(kid, None, None)

    def _walk(self, reference: Any, parent: _Node | None, page: Any) -> None:
        element = reference.get_object()
        if not isinstance(element, DictionaryObject) or element.get("/Type") in ("/MCR", "/OBJR"):
            return
        kind = str(element.get("/S", ""))
        page = element.raw_get("/Pg") if "/Pg" in element else page
        number = self.pages.get(page.idnum) if isinstance(page, IndirectObject) else None
        node = _Node(self.roles.get(kind, kind), element, parent, number)
        self.nodes.append(node)
        if isinstance(reference, IndirectObject):
            self.elements[reference.idnum] = node
        if parent is not None:
            parent.kids.append(node)
        for kid in _kids(element):
            self._claim(kid, node, page)

    def _claim(self, kid: Any, node: _Node, page: Any) -> None:
        target: Any = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if isinstance(target, int):
            node.content += 1
            if isinstance(page, IndirectObject):
                self.claims[(page.idnum, int(target))] = node
        elif isinstance(target, DictionaryObject) and target.get("/Type") == "/MCR":
            node.content += 1
            stream = _raw(target, "/Stm") or _raw(target, "/Pg") or page  # content of a form, or of a page
            if isinstance(stream, IndirectObject):
                self.claims[(stream.idnum, int(_raw(target, "/MCID")))] = node
        elif isinstance(target, DictionaryObject) and target.get("/Type") == "/OBJR":
            node.content += 1
            if isinstance(target.raw_get("/Obj"), IndirectObject):
                self.annotations[target.raw_get("/Obj").idnum] = node
        else:
            self._walk(kid, node, page)

    def parent_of(self, key: Any, mcid: int | None = None) -> _Node | None:
        """The element the parent tree names for a key (and an MCID, for a content stream)."""
        value = self.parent_tree.get(int(key)) if key is not None else None
        if mcid is not None:
            array = value.get_object() if value is not None else None
            value = array[mcid] if isinstance(array, ArrayObject) and mcid < len(array) else None
        return self.elements.get(value.idnum) if isinstance(value, IndirectObject) else None


def _raw(dictionary: DictionaryObject, key: str) -> Any:
    """A dictionary's value as written (pypdf's ``get`` resolves a reference, losing its number)."""
    return dictionary.raw_get(key) if key in dictionary else None


def _number(page: Any) -> int:
    """A page's object number."""
    return int(page.indirect_reference.idnum)


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K") if isinstance(element, DictionaryObject) else None
    if kids is None:
        return []
    if isinstance(kids, IndirectObject) and isinstance(kids.get_object(), ArrayObject):
        kids = kids.get_object()
    return list(kids) if isinstance(kids, ArrayObject) else [element.raw_get("/K")]


def _number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    node = node.get_object() if node is not None else None
    if node is None:
        return
    nums = node.get("/Nums", [])
    for index in range(0, len(nums) - 1, 2):
        yield int(nums[index]), nums[index + 1]
    for kid in node.get("/Kids", []):
        yield from _number_tree(kid)


def _name_tree(node: Any) -> Iterator[tuple[str, Any]]:
    node = node.get_object() if node is not None else None
    if node is None:
        return
    names = node.get("/Names", [])
    for index in range(0, len(names) - 1, 2):
        yield str(names[index]), names[index + 1]
    for kid in node.get("/Kids", []):
        yield from _name_tree(kid)


# --- Document-wide checks --------------------------------------------------------------------


def _tagged(catalog: Any) -> list[Problem]:
    marks = catalog.get("/MarkInfo", {})
    problems = [] if _true(marks.get("/Marked")) else [Problem("tagged", None, "/MarkInfo /Marked")]
    return problems + ([Problem("tagged", None, "/Suspects")] if _true(marks.get("/Suspects")) else [])


def _true(value: Any) -> bool:
    """A PDF boolean that is true (pypdf's BooleanObject is truthy even when false)."""
    return getattr(value, "value", value) is True


LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def _language(catalog: Any) -> list[Problem]:
    language = str(catalog.get("/Lang", ""))
    return [] if LANGUAGE_TAG.match(language) else [Problem("language", None, f"/Lang ({language})")]


def _title(reader: PdfReader, catalog: Any) -> list[Problem]:
    problems = []
    metadata = reader.xmp_metadata
    titles = metadata.dc_title if metadata is not None else None
    if not titles or not any(str(title).strip() for title in titles.values()):
        problems.append(Problem("title", None, "dc:title"))
    if not _true(catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle")):
        problems.append(Problem("title", None, "/DisplayDocTitle"))
    return problems


def _fonts(reader: PdfReader) -> list[Problem]:
    problems = []
    font: Any
    for font in _all_fonts(reader):
        name = str(font.get("/BaseFont", font.get("/Name", "?")))
        subtype = font.get("/Subtype")
        described = font["/DescendantFonts"][0].get_object() if subtype == "/Type0" else font
        descriptor = described.get("/FontDescriptor")
        embedded = subtype == "/Type3" or (descriptor is not None and any(
            key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")))
        if not embedded:
            problems.append(Problem("fonts", None, f"{name}: /FontFile"))
        if "/ToUnicode" not in font:
            problems.append(Problem("fonts", None, f"{name}: /ToUnicode"))
    return problems


def _all_fonts(reader: PdfReader) -> list[DictionaryObject]:
    """Every font the pages and the Form XObjects they draw use, once each."""
    fonts: dict[int, DictionaryObject] = {}
    seen: set[int] = set()
    pending = [page.get("/Resources") for page in reader.pages]
    while pending:
        resources = pending.pop()
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject) or id(resources) in seen:
            continue
        seen.add(id(resources))
        for reference in resources.get("/Font", {}).values():
            fonts.setdefault(id(reference.get_object()), reference.get_object())
        for reference in resources.get("/XObject", {}).values():
            pending.append(reference.get_object().get("/Resources"))
    return list(fonts.values())


# --- Elements --------------------------------------------------------------------------------


def _figures(tree: _Tree) -> list[Problem]:
    return [Problem("figure-alt", node.page, node.kind) for node in tree.nodes
            if node.kind in ("/Figure", "/Formula")
            and not str(node.element.get("/Alt", "")).strip() and not str(node.element.get("/ActualText", "")).strip()]


def _attributes(node: _Node) -> list[DictionaryObject]:
    attributes = node.element.get("/A")
    attributes = attributes.get_object() if attributes is not None else None
    items = list(attributes) if isinstance(attributes, ArrayObject) else [attributes]
    return [item.get_object() for item in items if item is not None and isinstance(item.get_object(), DictionaryObject)]


def _table_headers(tree: _Tree) -> list[Problem]:
    problems = []
    for node in tree.nodes:
        attributes = _attributes(node)
        if node.kind == "/TH" and not any(a.get("/Scope") in ("/Row", "/Column", "/Both") for a in attributes):
            problems.append(Problem("table-headers", node.page, "/TH /Scope"))
        for header in (h for a in attributes for h in a.get("/Headers", [])):
            target = tree.ids.get(str(header))
            owner = tree.elements.get(target.idnum) if isinstance(target, IndirectObject) else None
            if owner is None or owner.kind != "/TH":
                problems.append(Problem("table-headers", node.page, f"/Headers ({header})"))
    return problems


PARENTS = {"/LI": {"/L"}, "/Lbl": {"/LI"}, "/LBody": {"/LI"}, "/TR": {"/Table", "/THead", "/TBody", "/TFoot"},
           "/TH": {"/TR"}, "/TD": {"/TR"}, "/THead": {"/Table"}, "/TBody": {"/Table"}, "/TFoot": {"/Table"}}
CHILDREN = {"/L": {"/LI", "/Caption"}, "/LI": {"/Lbl", "/LBody"}, "/TR": {"/TH", "/TD"},
            "/Table": {"/TR", "/THead", "/TBody", "/TFoot", "/Caption"}, "/THead": {"/TR"}, "/TBody": {"/TR"},
            "/TFoot": {"/TR"}}
NOT_IN_LINK = {"/Document", "/Part", "/Art", "/Sect", "/Div", "/BlockQuote", "/TOC", "/TOCI", "/P", "/H", "/H1", "/H2",
               "/H3", "/H4", "/H5", "/H6", "/L", "/LI", "/Lbl", "/LBody", "/Table", "/TR", "/TH", "/TD", "/THead",
               "/TBody", "/TFoot", "/Link"}


def _nesting(tree: _Tree) -> list[Problem]:
    problems = []
    for node in tree.nodes:
        parent = node.parent.kind if node.parent is not None else None
        if node.kind in PARENTS and parent not in PARENTS[node.kind]:
            problems.append(Problem("nesting", node.page, f"{parent} > {node.kind}"))
        if node.kind in CHILDREN and (node.content or any(kid.kind not in CHILDREN[node.kind] for kid in node.kids)):
            wrong = next((kid.kind for kid in node.kids if kid.kind not in CHILDREN[node.kind]), "MCID")
            problems.append(Problem("nesting", node.page, f"{node.kind} > {wrong}"))
        if node.kind == "/Link":
            problems += [Problem("nesting", node.page, f"/Link > {kid.kind}") for kid in node.kids
                         if kid.kind in NOT_IN_LINK]
    return problems


HEADING = re.compile(r"^/H([1-6])$")


def _headings(tree: _Tree) -> list[Problem]:
    problems, last = [], 0
    for node in tree.nodes:
        match = HEADING.match(node.kind)
        if not match:
            continue
        level = int(match.group(1))
        if level > last + 1:
            problems.append(Problem("headings", node.page, f"/H{last} > /H{level}" if last else f"/H{level}"))
        last = level
    return problems


# --- Annotations -----------------------------------------------------------------------------


def _links(reader: PdfReader, tree: _Tree) -> list[Problem]:
    problems = []
    for number, page in enumerate(reader.pages, start=1):
        annotations = [a for a in page.get("/Annots", []) or [] if isinstance(a, IndirectObject)]
        if annotations and page.get("/Tabs") != "/S":
            problems.append(Problem("links", number, "/Tabs"))
        for reference in annotations:
            problems += _annotation(tree, number, reference)
    return problems


def _annotation(tree: _Tree, page: int, reference: IndirectObject) -> list[Problem]:
    annotation: Any = reference.get_object()
    if annotation.get("/Subtype") in ("/Popup", "/PrinterMark", "/TrapNet"):
        return []
    problems = []
    contents = str(annotation.get("/Contents", "")).strip()
    destination = annotation.get("/Dest")
    if not contents or (isinstance(destination, str) and contents == str(destination)):
        problems.append(Problem("links", page, f"/Contents ({contents})"))
    owner = tree.annotations.get(reference.idnum)
    named = tree.parent_of(annotation.get("/StructParent"))
    if owner is None or named is not owner or (annotation.get("/Subtype") == "/Link" and owner.kind != "/Link"):
        problems.append(Problem("links", page, f"{annotation.get('/Subtype')} /StructParent"))
    return problems


# --- Content ---------------------------------------------------------------------------------


PAINTING = {b"Tj", b"TJ", b"'", b'"', b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"S", b"s", b"sh", b"EI"}


@dataclasses.dataclass
class _Scan:
    """What a page's content holds: marked content by stream and MCID, and what breaks the check."""

    tree: _Tree
    page: int
    problems: list[Problem] = dataclasses.field(default_factory=list)


def _content(reader: PdfReader, tree: _Tree) -> list[Problem]:
    problems: list[Problem] = []
    for number, page in enumerate(reader.pages, start=1):
        contents = page.get_contents()
        if contents is None:
            continue
        scan = _Scan(tree, number)
        owner = _Stream(_number(page), page.get("/StructParents"))
        _scan(scan, contents.get_data(), page.get("/Resources"), owner, [], 0)
        problems += _first_few(scan.problems)
    return problems


def _first_few(problems: list[Problem], limit: int = 5) -> list[Problem]:
    """A page's problems of one kind, at most a few of each (a page of untagged text is one fault)."""
    seen: dict[str, int] = {}
    kept = []
    for problem in problems:
        seen[problem.item] = seen.get(problem.item, 0) + 1
        if seen[problem.item] <= limit:
            kept.append(problem)
    return kept


@dataclasses.dataclass(frozen=True)
class _Stream:
    number: int          # the object number the stream's MCIDs belong to: the page's, or the form's
    parents: Any         # its /StructParents key


def _scan(scan: _Scan, data: bytes, resources: Any, owner: _Stream, marks: list[tuple[str, int | None]],
          depth: int) -> None:
    """Walk one content stream, with the marked content around it (``marks``: tag and MCID)."""
    resources = resources.get_object() if resources is not None else DictionaryObject()
    for operator, operands in _operations(data):
        if operator in (b"BDC", b"BMC"):
            mark = (operands[0].decode("latin-1") if operands else "", _mcid(operator, operands, resources))
            _begin(scan, owner, marks, mark)
            marks.append(mark)
        elif operator == b"EMC":
            if marks:
                marks.pop()
        elif operator == b"Do" and operands:
            _draw(scan, resources, operands[-1], owner, marks, depth)
        elif operator in PAINTING and not _covered(marks):
            scan.problems.append(Problem("content", scan.page, operator.decode("latin-1")))


def _covered(marks: list[tuple[str, int | None]]) -> bool:
    return any(tag == "/Artifact" or mcid is not None for tag, mcid in marks)


def _begin(scan: _Scan, owner: _Stream, marks: list[tuple[str, int | None]], mark: tuple[str, int | None]) -> None:
    tag, mcid = mark
    if tag == "/Artifact" and any(outer is not None for _, outer in marks):
        scan.problems.append(Problem("content", scan.page, f"/Artifact in MCID {marks[-1][1]}"))
    if mcid is None:
        return
    if any(outer == "/Artifact" for outer, _ in marks):
        scan.problems.append(Problem("content", scan.page, f"{tag} MCID {mcid} in /Artifact"))
    claimed = scan.tree.claims.get((owner.number, mcid))
    named = scan.tree.parent_of(owner.parents, mcid) if owner.parents is not None else None
    if claimed is None or named is not claimed:
        scan.problems.append(Problem("content", scan.page, f"{tag} MCID {mcid}"))


def _draw(scan: _Scan, resources: Any, name: bytes, owner: _Stream, marks: list[tuple[str, int | None]],
          depth: int) -> None:
    xobjects = resources.get("/XObject")
    xobject = _raw(xobjects, name.decode("latin-1")) if isinstance(xobjects, DictionaryObject) else None
    stream = xobject.get_object() if xobject is not None else None
    if not isinstance(stream, StreamObject):
        return
    if stream.get("/Subtype") != "/Form":
        if not _covered(marks):
            scan.problems.append(Problem("content", scan.page, "Do"))
        return
    if depth < 8:
        inner = _Stream(xobject.idnum, stream.get("/StructParents")) if isinstance(xobject, IndirectObject) else owner
        _scan(scan, stream.get_data(), stream.get("/Resources"), inner, list(marks), depth + 1)


def _mcid(operator: bytes, operands: list[bytes], resources: Any) -> int | None:
    if operator != b"BDC" or len(operands) < 2:
        return None
    if operands[1].startswith(b"/"):  # a named property list in the resources
        properties = resources.get("/Properties", {}).get(operands[1].decode("latin-1"))
        value = properties.get_object().get("/MCID") if properties is not None else None
        return int(value) if value is not None else None
    if b"/MCID" in operands:
        index = operands.index(b"/MCID") + 1
        return int(operands[index]) if index < len(operands) else None
    return None


# Content streams: a small tokenizer (pypdf's own parser takes seconds over a report's pages).
_SPACE = rb"\x00\t\n\x0c\r "
_DELIMITERS = _SPACE + rb"()<>\[\]{}/%"
_TOKEN = re.compile(rb"[" + _SPACE + rb"]*(?:%[^\r\n]*[" + _SPACE + rb"]*)*(?:(?P<string>\()|(?P<hex><(?!<)[^>]*>)"
                    rb"|(?P<delimiter><<|>>|[\[\]{}])|(?P<name>/[^" + _DELIMITERS + rb"]*)"
                    rb"|(?P<word>[^" + _DELIMITERS + rb"]+)|(?P<end>\Z))")
_END_OF_IMAGE = re.compile(rb"[" + _SPACE + rb"]EI(?=[" + _SPACE + rb"]|\Z)")
_OPERAND_START = b"0123456789+-."


def _operations(data: bytes) -> Iterator[tuple[bytes, list[bytes]]]:
    """A content stream's operators, each with its operands (as tokens; strings left out)."""
    position, operands = 0, []
    while True:
        match = _TOKEN.match(data, position)
        if match is None or match.lastgroup == "end":
            return
        position, kind, token = match.end(), match.lastgroup, match.group(match.lastgroup or 0)
        if kind == "string":
            position = _string_end(data, position)
            operands.append(b"()")
        elif kind != "word" or token[0] in _OPERAND_START or token in (b"true", b"false", b"null"):
            operands.append(token)
        else:
            yield token, operands
            operands = []
            if token == b"ID":  # inline image data, up to EI
                end = _END_OF_IMAGE.search(data, position)
                position = end.end() if end else len(data)
                yield b"EI", []


def _string_end(data: bytes, position: int) -> int:
    depth = 1
    while depth and position < len(data):
        byte = data[position]
        if byte == 0x5C:  # backslash: the next byte is escaped
            position += 1
        elif byte == 0x28:
            depth += 1
        elif byte == 0x29:
            depth -= 1
        position += 1
    return position
