"""PDF/UA-1's machine checks, for a tagged report: what the Matterhorn Protocol's machine-checkable
failure conditions ask of a document like this one, read from the PDF's bytes with pikepdf.

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
from xml.parsers.expat import ExpatError

import pikepdf
from defusedxml import DefusedXmlException
from defusedxml.minidom import parseString

from ..configuration import Config
from ..problems import Finding, Severity

CHECKS = ("tagged", "content", "figure-alt", "table-headers", "links", "nesting", "headings", "language", "title",
          "fonts")

_Key = tuple[int, int]  # an indirect object's number and generation (pikepdf's ``objgen``)


@dataclasses.dataclass(frozen=True)
class Problem:
    """One place where the document breaks a check: the check, the page (from 1) if there is one,
    and what breaks it, in PDF's own terms (``/Figure``, ``Tj``, a font's name)."""

    check: str
    page: int | None
    item: str


def check_pdf(data: bytes) -> list[Problem]:
    """Every problem of a PDF, check by check (an empty list: it passes them all)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        catalog = pdf.Root
        if "/StructTreeRoot" not in catalog:
            return [Problem("tagged", None, "/StructTreeRoot")]
        pages = list(pdf.pages)
        tree = _Tree(catalog.StructTreeRoot, [page.obj for page in pages])
        return [*_tagged(catalog), *_content(pages, tree), *_figures(tree), *_table_headers(tree),
                *_links(pages, tree), *_nesting(tree), *_headings(tree), *_language(catalog), *_title(catalog),
                *_fonts(pages)]


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
    element: pikepdf.Object
    parent: _Node | None
    page: int | None
    kids: list[_Node] = dataclasses.field(default_factory=list)
    content: int = 0  # marked-content sequences and annotations directly in it


class _Tree:
    """The structure tree, read once: its elements in reading order, who claims which marked
    content and which annotation, the parent tree and the ID tree."""

    def __init__(self, root: pikepdf.Object, pages: list[pikepdf.Object]):
        self.pages = {page.objgen: number for number, page in enumerate(pages, start=1)}
        self.roles = {str(k): str(v) for k, v in root.get("/RoleMap", {}).items()}
        self.nodes: list[_Node] = []
        self.claims: dict[tuple[_Key, int], _Node] = {}  # (stream's object, MCID) -> element
        self.annotations: dict[_Key, _Node] = {}         # annotation's object -> element
        self.elements: dict[_Key, _Node] = {}            # element's object -> element
        self.parent_tree = {int(k): v for k, v in _tree_entries(root.get("/ParentTree"), "/Nums")}
        self.ids = {str(k): v for k, v in _tree_entries(root.get("/IDTree"), "/Names")}
        self._arrays: dict[int, list[_Key | None]] = {}  # parent tree key -> its array's objects
        for kid in _kids(root):
            self._walk(kid, None, None)

    def _walk(self, element: Any, parent: _Node | None, page: _Key | None) -> None:
        if not _is_dictionary(element) or element.get("/Type") in ("/MCR", "/OBJR"):
            return
        kind = str(element.get("/S", ""))
        page = _key(element.get("/Pg")) if "/Pg" in element else page
        node = _Node(self.roles.get(kind, kind), element, parent, self.pages.get(page) if page else None)
        self.nodes.append(node)
        if (key := _key(element)) is not None:
            self.elements[key] = node
        if parent is not None:
            parent.kids.append(node)
        for kid in _kids(element):
            self._claim(kid, node, page)

    def _claim(self, kid: Any, node: _Node, page: _Key | None) -> None:
        if isinstance(kid, int) and not isinstance(kid, bool):  # an MCID of the page
            node.content += 1
            if page is not None:
                self.claims[(page, kid)] = node
        elif _is_dictionary(kid) and kid.get("/Type") == "/MCR":
            node.content += 1
            # content of a form, or of a page
            stream = _key(kid.get("/Stm")) if "/Stm" in kid else _key(kid.get("/Pg")) if "/Pg" in kid else page
            if stream is not None:
                self.claims[(stream, int(kid.get("/MCID")))] = node
        elif _is_dictionary(kid) and kid.get("/Type") == "/OBJR":
            node.content += 1
            if (annotation := _key(kid.get("/Obj"))) is not None:
                self.annotations[annotation] = node
        else:
            self._walk(kid, node, page)

    def parent_of(self, key: Any, mcid: int | None = None) -> _Node | None:
        """The element the parent tree names for a key (and an MCID, for a content stream)."""
        if key is None:
            return None
        if mcid is None:
            value = _key(self.parent_tree.get(int(key)))
        else:
            array = self._array(int(key))
            value = array[mcid] if mcid < len(array) else None
        return self.elements.get(value) if value is not None else None

    def _array(self, key: int) -> list[_Key | None]:
        """The objects in the parent tree's array for a content stream's key, read once."""
        if key not in self._arrays:
            value = self.parent_tree.get(key)
            self._arrays[key] = [_key(item) for item in value] if isinstance(value, pikepdf.Array) else []
        return self._arrays[key]


def _key(value: Any) -> _Key | None:
    """The object's number and generation if it is an indirect object (pikepdf resolves a
    reference as it reads it, but the object keeps its number)."""
    return value.objgen if isinstance(value, pikepdf.Object) and value.is_indirect else None


def _is_dictionary(value: Any) -> bool:
    return isinstance(value, pikepdf.Dictionary | pikepdf.Stream)


def _kids(element: Any) -> list[Any]:
    kids = element.get("/K") if _is_dictionary(element) else None
    if kids is None:
        return []
    return list(kids.as_list()) if isinstance(kids, pikepdf.Array) else [kids]


def _tree_entries(node: Any, entries: str) -> Iterator[tuple[Any, Any]]:
    """The (key, value) pairs of a number tree (``entries`` "/Nums") or a name tree ("/Names")."""
    if node is None:
        return
    flat = list(node.get(entries, []))
    for index in range(0, len(flat) - 1, 2):
        yield flat[index], flat[index + 1]
    for kid in node.get("/Kids", []):
        yield from _tree_entries(kid, entries)


def _in_file_order(dictionary: Any) -> list[tuple[str, Any]]:
    """A dictionary's entries in the order they are written in the file, as far as that can be
    told: qpdf keeps a dictionary's keys sorted, but a writer (pydyf, qpdf) numbers the objects
    as it writes them, so references come in the order of their numbers (direct values first)."""
    if not _is_dictionary(dictionary):
        return []
    return sorted(dictionary.items(), key=lambda item: _key(item[1]) or (0, 0))


# --- Document-wide checks --------------------------------------------------------------------


def _tagged(catalog: Any) -> list[Problem]:
    marks = catalog.get("/MarkInfo", {})
    problems = [] if _true(marks.get("/Marked")) else [Problem("tagged", None, "/MarkInfo /Marked")]
    return problems + ([Problem("tagged", None, "/Suspects")] if _true(marks.get("/Suspects")) else [])


def _true(value: Any) -> bool:
    """A PDF boolean that is true (pikepdf reads it as a Python bool)."""
    return value is True


LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def _language(catalog: Any) -> list[Problem]:
    language = str(catalog.get("/Lang", ""))
    return [] if LANGUAGE_TAG.match(language) else [Problem("language", None, f"/Lang ({language})")]


def _title(catalog: Any) -> list[Problem]:
    problems = []
    titles = _xmp_titles(catalog.get("/Metadata"))
    if not titles or not any(title.strip() for title in titles.values()):
        problems.append(Problem("title", None, "dc:title"))
    if not _true(catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle")):
        problems.append(Problem("title", None, "/DisplayDocTitle"))
    return problems


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"


def _xmp_titles(metadata: Any) -> dict[str, str]:
    """``dc:title`` in the XMP packet, by language, read as pypdf reads it: from the descriptions
    about the document (``rdf:about=""``), each ``rdf:li`` of an ``rdf:Alt`` or else the text."""
    try:
        document = parseString(metadata.read_bytes()) if isinstance(metadata, pikepdf.Stream) else None
    except (ExpatError, DefusedXmlException):
        return {}
    roots = document.getElementsByTagNameNS(RDF, "RDF") if document is not None else []
    titles: dict[str, str] = {}
    for description in roots[0].getElementsByTagNameNS(RDF, "Description") if roots else []:
        if description.getAttributeNS(RDF, "about") != "":
            continue
        for element in description.getElementsByTagNameNS(DC, "title"):
            alternatives = element.getElementsByTagNameNS(RDF, "Alt")
            for alternative in alternatives:
                for item in alternative.getElementsByTagNameNS(RDF, "li"):
                    titles[item.getAttribute("xml:lang")] = _text(item)
            if not alternatives:
                titles["x-default"] = _text(element)
    return titles


def _text(element: Any) -> str:
    return "".join(child.data for child in element.childNodes if child.nodeType == child.TEXT_NODE)


def _fonts(pages: list[pikepdf.Page]) -> list[Problem]:
    problems = []
    for font in _all_fonts(pages):
        name = str(font.get("/BaseFont", font.get("/Name", "?")))
        subtype = font.get("/Subtype")
        described = font["/DescendantFonts"][0] if subtype == "/Type0" else font
        descriptor = described.get("/FontDescriptor")
        embedded = subtype == "/Type3" or (descriptor is not None and any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")))
        if not embedded:
            problems.append(Problem("fonts", None, f"{name}: /FontFile"))
        if "/ToUnicode" not in font:
            problems.append(Problem("fonts", None, f"{name}: /ToUnicode"))
    return problems


def _all_fonts(pages: list[pikepdf.Page]) -> list[Any]:
    """Every font the pages and the Form XObjects they draw use, once each."""
    fonts: dict[Any, Any] = {}
    seen: set[Any] = set()
    pending: list[tuple[Any, _Key]] = [(page.obj.get("/Resources"), page.obj.objgen) for page in pages]
    while pending:
        resources, owner = pending.pop()
        identity = _key(resources) or ("in", owner)  # or: resources written in their page or form, ``owner``
        if not _is_dictionary(resources) or identity in seen:
            continue
        seen.add(identity)
        font_names = _key(resources.get("/Font")) or identity
        for name, font in _in_file_order(resources.get("/Font")):
            fonts.setdefault(_key(font) or (font_names, name), font)
        for _, xobject in _in_file_order(resources.get("/XObject")):
            if _is_dictionary(xobject):
                pending.append((xobject.get("/Resources"), xobject.objgen))
    return list(fonts.values())


# --- Elements --------------------------------------------------------------------------------


def _figures(tree: _Tree) -> list[Problem]:
    return [Problem("figure-alt", node.page, node.kind) for node in tree.nodes
            if node.kind in ("/Figure", "/Formula")
            and not str(node.element.get("/Alt", "")).strip() and not str(node.element.get("/ActualText", "")).strip()]


def _attributes(node: _Node) -> list[Any]:
    attributes = node.element.get("/A")
    items = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    return [item for item in items if _is_dictionary(item)]


def _table_headers(tree: _Tree) -> list[Problem]:
    problems = []
    for node in tree.nodes:
        attributes = _attributes(node)
        if node.kind == "/TH" and not any(a.get("/Scope") in ("/Row", "/Column", "/Both") for a in attributes):
            problems.append(Problem("table-headers", node.page, "/TH /Scope"))
        for header in (h for a in attributes for h in a.get("/Headers", [])):
            target = _key(tree.ids.get(str(header)))
            owner = tree.elements.get(target) if target is not None else None
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


def _links(pages: list[pikepdf.Page], tree: _Tree) -> list[Problem]:
    problems = []
    for number, page in enumerate(pages, start=1):
        annotations = [a for a in page.obj.get("/Annots", []) or [] if _key(a) is not None]
        if annotations and page.obj.get("/Tabs") != "/S":
            problems.append(Problem("links", number, "/Tabs"))
        for annotation in annotations:
            problems += _annotation(tree, number, annotation)
    return problems


def _annotation(tree: _Tree, page: int, annotation: Any) -> list[Problem]:
    subtype = annotation.get("/Subtype")
    if subtype in ("/Popup", "/PrinterMark", "/TrapNet"):
        return []
    problems = []
    contents = str(annotation.get("/Contents", "")).strip()
    destination = annotation.get("/Dest")
    if not contents or (isinstance(destination, pikepdf.String | pikepdf.Name) and contents == str(destination)):
        problems.append(Problem("links", page, f"/Contents ({contents})"))
    owner = tree.annotations.get(annotation.objgen)
    named = tree.parent_of(annotation.get("/StructParent"))
    if owner is None or named is not owner or (subtype == "/Link" and owner.kind != "/Link"):
        problems.append(Problem("links", page, f"{subtype} /StructParent"))
    return problems


# --- Content ---------------------------------------------------------------------------------


PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "EI"}
PAINTED_AT = {"INLINE IMAGE": "EI"}  # pikepdf's one instruction for ``BI … ID … EI``: painted at its EI
# What the checks look at, for pikepdf's parser to keep (BI and ID too, or it splits inline images up).
OPERATORS = " ".join(["BDC", "BMC", "EMC", "Do", "BI", "ID", *sorted(PAINTING)])


@dataclasses.dataclass
class _Scan:
    """What a page's content holds: marked content by stream and MCID, and what breaks the check."""

    tree: _Tree
    page: int
    problems: list[Problem] = dataclasses.field(default_factory=list)


def _content(pages: list[pikepdf.Page], tree: _Tree) -> list[Problem]:
    problems: list[Problem] = []
    for number, page in enumerate(pages, start=1):
        if not isinstance(page.obj.get("/Contents"), pikepdf.Stream | pikepdf.Array):
            continue
        scan = _Scan(tree, number)
        owner = _Stream(page.obj.objgen, page.obj.get("/StructParents"))
        _scan(scan, pikepdf.parse_content_stream(page, OPERATORS), page.obj.get("/Resources"), owner, [], 0)
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
    number: _Key         # the object the stream's MCIDs belong to: the page, or the form
    parents: Any         # its /StructParents key


def _scan(scan: _Scan, instructions: list[Any], resources: Any, owner: _Stream,
          marks: list[tuple[str, int | None]], depth: int) -> None:
    """Walk one content stream, with the marked content around it (``marks``: tag and MCID)."""
    resources = resources if _is_dictionary(resources) else pikepdf.Dictionary()
    for instruction in instructions:
        operator = str(instruction.operator)
        operator = PAINTED_AT.get(operator, operator)
        if operator in ("BDC", "BMC"):
            operands = instruction.operands
            mark = (str(operands[0]) if operands else "", _mcid(operator, operands, resources))
            _begin(scan, owner, marks, mark)
            marks.append(mark)
        elif operator == "EMC":
            if marks:
                marks.pop()
        elif operator == "Do" and instruction.operands:
            _draw(scan, resources, instruction.operands[-1], owner, marks, depth)
        elif operator in PAINTING and not _covered(marks):
            scan.problems.append(Problem("content", scan.page, operator))


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


def _draw(scan: _Scan, resources: Any, name: Any, owner: _Stream, marks: list[tuple[str, int | None]],
          depth: int) -> None:
    xobjects = resources.get("/XObject")
    # As before the port: an /XObject dictionary written as a reference of its own is not looked into.
    direct = _is_dictionary(xobjects) and not xobjects.is_indirect and isinstance(name, pikepdf.Name)
    stream = xobjects.get(name) if direct else None
    if not isinstance(stream, pikepdf.Stream):
        return
    if stream.get("/Subtype") != "/Form":
        if not _covered(marks):
            scan.problems.append(Problem("content", scan.page, "Do"))
        return
    if depth < 8:
        inner = _Stream(stream.objgen, stream.get("/StructParents")) if stream.is_indirect else owner
        instructions = pikepdf.parse_content_stream(stream, OPERATORS)
        _scan(scan, instructions, stream.get("/Resources"), inner, list(marks), depth + 1)


def _mcid(operator: str, operands: list[Any], resources: Any) -> int | None:
    if operator != "BDC" or len(operands) < 2:
        return None
    properties = operands[1]
    if isinstance(properties, pikepdf.Name):  # a named property list in the resources
        properties = resources.get("/Properties", {}).get(properties)
    value = properties.get("/MCID") if _is_dictionary(properties) else None
    return int(value) if value is not None else None
