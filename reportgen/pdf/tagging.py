"""The PDF's tags, mended for PDF/UA-1, on WeasyPrint's own objects before the file is written.

WeasyPrint 70 tags what it draws, but some of its tags break PDF/UA-1's rules. A finisher
(:mod:`reportgen.pdf.xmp`) calls :func:`mend`, which changes pydyf's objects in place, so the bytes
stay reproducible. What it changes, and how the HTML says it:

- page heads and feet (the running line, page numbers), which WeasyPrint tags but leaves out of
  the structure tree, become pagination artifacts;
- a picture the HTML marks as decoration (``aria-hidden="true"``, or ``alt=""``) becomes an
  artifact: the summary's status bars, whose numbers stand beside them;
- text drawn in a Form XObject (an element with ``opacity``, such as a theme's number) is
  referenced as the standard asks (the XObject's own ``/StructParents``, marked-content references)
  instead of through numbers of the page it is not drawn in;
- links: one Link element per link (WeasyPrint nests a Link for generated text inside the link's
  own), each annotation described by its target's text and page ("7. …, side 12"); a link with
  generated text (the contents' leaders and page numbers) reads as its own text and page;
- lists: ``L > LI > Lbl/LBody``: a list inside a list goes into the item before it, and a list
  WeasyPrint splits into columns is one list again;
- tables: every header cell gets its ``/Scope`` from the HTML's ``scope``, every cell its
  ``/Headers`` (its column's, its row's and its row group's headers), and the structure tree an
  ``/IDTree``; a cell with ``aria-label`` reads as that (a matrix's "X" is "Administrativ forankring").
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

from ..render.words import SOFT_HYPHEN

PageWords = Callable[[str, int], str]  # (a text, a page number) -> "the text, side 12"
NULL = b"null"
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SCOPES = {"col": "Column", "colgroup": "Column", "row": "Row", "rowgroup": "Row"}


@dataclasses.dataclass
class _Marked:
    """Where a marked-content sequence begins: the stream and the index of its property list."""

    stream: Any
    index: int

    @property
    def properties(self) -> Any:
        return self.stream.stream[self.index]

    def to_artifact(self, kind: str) -> None:
        self.stream.stream[self.index - 1] = "/Artifact"
        self.stream.stream[self.index] = pydyf.Dictionary({"Type": f"/{kind}"})


class _Tags:
    """An index over the structure tree WeasyPrint wrote: elements, the parent tree, content."""

    def __init__(self, pdf: Any):
        self.pdf = pdf
        self.root = self.get(pdf.catalog["StructTreeRoot"])
        self.nums = self.get(self.root["ParentTree"])["Nums"]
        self.page_refs: tuple[bytes, ...] = pdf.page_references
        self.pages = [self.get(ref) for ref in self.page_refs]
        self.marked = [self._marked(index) for index in range(len(self.pages))]

    def get(self, reference: bytes) -> Any:
        return self.pdf.objects[int(reference.split()[0])]

    def parents(self, key: int) -> Any:
        """The parent tree's value for a key (a page's array by MCID, or an annotation's element)."""
        return self.nums[self._position(key) + 1]

    def set_parent(self, key: int, value: Any) -> None:
        self.nums[self._position(key) + 1] = value

    def _position(self, key: int) -> int:
        return next(i for i in range(0, len(self.nums), 2) if self.nums[i] == key)

    def add_parents(self, value: Any) -> int:
        key = int(max(self.nums[::2])) + 1
        self.nums.extend([key, value])
        self.root["ParentTreeNextKey"] = key + 1
        return key

    def elements(self) -> Iterator[tuple[bytes, Any]]:
        """Every element reachable from the structure tree's root, in reading order."""
        stack = list(reversed(self.root["K"]))
        while stack:
            reference = stack.pop()
            element = self.get(reference)
            yield reference, element
            stack.extend(reversed([kid for kid in element["K"] if _is_element(self, kid)]))

    def _forms(self, resources: bytes | None) -> dict[bytes, Any]:
        """The Form XObjects of a resource dictionary, by how a content stream draws them (``/x0 Do``)."""
        found = {}
        for name, reference in (self.get(resources).get("XObject", {}) if resources else {}).items():
            stream = self.get(reference)
            if stream.extra.get("Subtype") == "/Form":
                found[b"/" + str(name).encode() + b" Do"] = stream
        return found

    def streams(self, page: int) -> Iterator[Any]:
        """A page's content stream and the Form XObjects it draws (and they draw), once each."""
        seen: set[int] = set()
        stack = [(self.get(self.pages[page]["Contents"]), self.pages[page].get("Resources"))]
        while stack:
            stream, resources = stack.pop()
            if id(stream) in seen:
                continue
            seen.add(id(stream))
            yield stream
            forms = self._forms(resources)
            stack.extend((forms[item], forms[item].extra.get("Resources")) for item in stream.stream
                         if isinstance(item, bytes) and item in forms)

    def _marked(self, page: int) -> dict[int, _Marked]:
        """Each marked-content sequence with an MCID on a page (in its stream or its forms), by MCID."""
        found = {}
        for stream in self.streams(page):
            items = stream.stream
            for index, item in enumerate(items[:-1]):
                if isinstance(item, dict) and "MCID" in item and items[index + 1] == b"BDC":
                    found[item["MCID"]] = _Marked(stream, index)
        return found


def _is_element(tags: _Tags, kid: Any) -> bool:
    return isinstance(kid, bytes) and tags.get(kid).get("Type") == "/StructElem"


def mend(document: Any, pdf: Any, page_words: PageWords) -> None:
    """Mend the tags of a tagged PDF WeasyPrint is writing (see the module's description)."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    tags = _Tags(pdf)
    layout = _Layout(document)
    _pagination_artifacts(tags)
    _decorative_figures(tags, layout)
    _links(tags, layout, page_words)
    _lists(tags)
    _form_references(tags)
    _tables(layout)
    _id_tree(tags)


# --- Artifacts -------------------------------------------------------------------------------


def _pagination_artifacts(tags: _Tags) -> None:
    """Content WeasyPrint tags but leaves out of the tree (page margin boxes) becomes artifacts."""
    reachable = {int(reference.split()[0]) for reference, _ in tags.elements()}
    for page, marked in enumerate(tags.marked):
        array = tags.parents(page)
        for mcid, reference in enumerate(array):
            if reference != NULL and int(reference.split()[0]) not in reachable and mcid in marked:
                marked.pop(mcid).to_artifact("Pagination")
                array[mcid] = NULL


def _decorative_figures(tags: _Tags, layout: _Layout) -> None:
    """Figures of pictures the HTML marks as decoration become artifacts, out of the tree."""
    for reference, element in list(tags.elements()):
        if element["S"] != "/Figure" or "A" not in element or "BBox" not in element["A"]:
            continue
        page = tags.page_refs.index(element["Pg"])
        if tuple(element["A"]["BBox"]) not in layout.decorative[page]:
            continue
        array = tags.parents(page)
        for mcid in [kid for kid in element["K"] if isinstance(kid, int)]:
            tags.marked[page].pop(mcid).to_artifact("Layout")
            array[mcid] = NULL
        parent = tags.get(element["P"])
        parent["K"][:] = [kid for kid in parent["K"] if kid != reference]
        element.clear()


def _form_references(tags: _Tags) -> None:
    """Marked content inside a Form XObject, numbered as if it were the page's, gets the form's own
    numbers, ``/StructParents`` and marked-content references (ISO 32000-1, 14.7.4.3)."""
    for page, marked in enumerate(tags.marked):
        page_stream = tags.get(tags.pages[page]["Contents"])
        by_form: dict[int, list[tuple[int, _Marked]]] = defaultdict(list)
        for mcid, where in sorted(marked.items()):
            if where.stream is not page_stream:
                by_form[id(where.stream)].append((mcid, where))
        array = tags.parents(page)
        for sequences in by_form.values():
            form = sequences[0][1].stream
            elements = pydyf.Array()
            for number, (mcid, where) in enumerate(sequences):
                element = tags.get(array[mcid])
                where.properties["MCID"] = number
                reference = pydyf.Dictionary({"Type": "/MCR", "Pg": tags.page_refs[page], "Stm": form.reference,
                                              "MCID": number})
                element["K"][:] = [reference if kid == mcid else kid for kid in element["K"]]
                elements.append(array[mcid])
                array[mcid] = NULL
                del marked[mcid]
            form.extra["StructParents"] = tags.add_parents(elements)


# --- Links -----------------------------------------------------------------------------------


def _links(tags: _Tags, layout: _Layout, page_words: PageWords) -> None:
    """One Link element per link, each annotation with a description, generated text read aloud
    as the link's text and page."""
    for reference, element in reversed(list(tags.elements())):  # children before their parents
        waiting = [(reference, element)]
        while waiting:  # a merged element's children now sit in a Link themselves: theirs too
            reference, element = waiting.pop()
            if element and element["S"] in ("/Link", "/Span", "/NonStruct") and tags.get(element["P"])["S"] == "/Link":
                kids = [(kid, tags.get(kid)) for kid in element["K"] if _is_element(tags, kid)]
                _merge_link(tags, reference, element)
                waiting += reversed(kids)
    for _, element in tags.elements():
        if element["S"] != "/Link":
            continue
        annotations = [tags.get(tags.get(kid)["Obj"]) for kid in element["K"]
                       if isinstance(kid, bytes) and tags.get(kid).get("Type") == "/OBJR"]
        link_boxes = [layout.links[annotation.number] for annotation in annotations
                      if annotation.number in layout.links]
        if not link_boxes:
            continue
        target = _href(link_boxes[0])
        description, actual = layout.describe(target, link_boxes, page_words)
        for annotation in annotations:
            annotation["Contents"] = pydyf.String(description)
        if actual:
            element["ActualText"] = pydyf.String(actual)


def _merge_link(tags: _Tags, reference: bytes, element: Any) -> None:
    """A Link inside a Link (generated text of the same link), or a Span (or its generated text)
    inside a Link (a part of its text styled apart: a contents entry's last word and page number),
    gives its content to its parent: one link, one owner of its annotations, one text."""
    parent_reference = element["P"]
    parent = tags.get(parent_reference)
    page = tags.page_refs.index(element["Pg"])
    for kid in element["K"]:
        if isinstance(kid, int):
            tags.parents(page)[kid] = parent_reference
        elif tags.get(kid).get("Type") == "/OBJR":
            tags.set_parent(tags.get(tags.get(kid)["Obj"])["StructParent"], parent_reference)
        else:
            tags.get(kid)["P"] = parent_reference
    position = parent["K"].index(reference)
    parent["K"][position:position + 1] = list(element["K"])
    element.clear()


def _href(box: Any) -> str:
    return str(box.element.get("href") or "") if box.element is not None else ""


# --- Lists -----------------------------------------------------------------------------------


def _lists(tags: _Tags) -> None:
    """``L > LI > Lbl/LBody``: a list directly inside a list goes into the item before it (a
    nested list), or, with no item before it (a list WeasyPrint split into columns), gives its
    items to the list it is in."""
    for reference, element in list(tags.elements()):
        if element.get("S") != "/L":
            continue
        kids: list[Any] = []
        pending = list(element["K"])
        while pending:
            kid = pending.pop(0)
            inner = tags.get(kid) if _is_element(tags, kid) else None
            if inner is None or inner["S"] != "/L" or any(isinstance(k, int) for k in inner["K"]):
                kids.append(kid)
            elif kids and _is_element(tags, kids[-1]) and tags.get(kids[-1])["S"] == "/LI":
                _into_item(tags, kids[-1], kid)
            else:
                for moved in inner["K"]:
                    if _is_element(tags, moved):
                        tags.get(moved)["P"] = reference
                pending[:0] = list(inner["K"])
                inner.clear()
        element["K"][:] = kids


def _into_item(tags: _Tags, item_reference: bytes, list_reference: bytes) -> None:
    item = tags.get(item_reference)
    bodies = [kid for kid in item["K"] if _is_element(tags, kid) and tags.get(kid)["S"] == "/LBody"]
    if bodies:
        body_reference = bodies[-1]
    else:
        body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(), "P": item_reference,
                                 "Pg": item.get("Pg")})
        tags.pdf.add_object(body)
        body_reference = body.reference
        item["K"].append(body_reference)
    tags.get(body_reference)["K"].append(list_reference)
    tags.get(list_reference)["P"] = body_reference


# --- Tables ----------------------------------------------------------------------------------


def _tables(layout: _Layout) -> None:
    """Scope, Headers and ActualText of every table cell, from the HTML of its table."""
    for table in layout.tables:
        column_headers: dict[int, list[Any]] = defaultdict(list)
        for group in table.children:
            group_headers: list[Any] = []
            for row in group.children:
                _row(row, group.element_tag == "thead", column_headers, group_headers)


def _row(row: Any, in_head: bool, column_headers: dict[int, list[Any]], group_headers: list[Any]) -> None:
    row_headers: list[Any] = []
    column = 0
    for cell in row.children:
        columns = range(column, column + cell.colspan)
        column += cell.colspan
        mark = getattr(cell, "mark", None)
        if mark is None or cell.element is None:
            continue
        label = cell.element.get("aria-label")
        if label:
            mark["ActualText"] = pydyf.String(label)
        scope = cell.element.get("scope") or ("col" if in_head else "row")
        above = [header for c in columns for header in column_headers.get(c, [])]
        if cell.element_tag != "th":
            _headers(mark, [*above, *group_headers, *row_headers])
            continue
        mark["A"]["Scope"] = f"/{SCOPES.get(scope, 'Column')}"
        if scope in ("col", "colgroup") and in_head:
            column_headers.update({c: [*column_headers[c], mark["ID"]] for c in columns})
            _headers(mark, [])
        elif scope in ("rowgroup", "colgroup"):  # a row that heads the rows of its group (a theme)
            group_headers.append(mark["ID"])
            _headers(mark, [])
        else:
            _headers(mark, [*above, *group_headers])
            row_headers.append(mark["ID"])


def _headers(mark: Any, headers: list[Any]) -> None:
    if headers:
        mark["A"]["Headers"] = pydyf.Array(headers)
    else:
        mark["A"].pop("Headers", None)


def _id_tree(tags: _Tags) -> None:
    """The structure tree's ``/IDTree``: every element's ID, so cells' ``/Headers`` resolve."""
    named = sorted((element["ID"].string, reference) for reference, element in tags.elements() if "ID" in element)
    if named:
        tags.root["IDTree"] = pydyf.Dictionary({"Names": pydyf.Array(
            [item for name, reference in named for item in (pydyf.String(name), reference)])})


# --- What the layout knows -------------------------------------------------------------------


class _Layout:
    """What the laid-out boxes know that the tags do not: which annotation belongs to which link,
    which pictures are decoration, the tables' cells, the targets of links and their pages."""

    def __init__(self, document: Any):
        self.links: dict[int, Any] = {}
        self.decorative: list[set[tuple[float, ...]]] = []
        self.tables: list[Any] = []
        self.pages: dict[str, int] = {}
        for number, page in enumerate(document.pages, start=1):
            self.decorative.append(set())
            for name in page.anchors:
                self.pages.setdefault(name, number)
            for box in _descendants(page._page_box):
                self._note(box)
        root = next((box.element for box in _descendants(document.pages[0]._page_box) if box.element is not None),
                    None) if document.pages else None
        self.targets = {str(e.get("id")): e for e in root.iter() if e.get("id")} if root is not None else {}

    def _note(self, box: Any) -> None:
        if box.link_annotation is not None:
            self.links[box.link_annotation.number] = box
        if isinstance(box, boxes.TableBox):
            self.tables.append(box)
        elif isinstance(box, boxes.ReplacedBox) and box.element is not None and _decorative(box.element):
            x, y = box.content_box_x(), box.content_box_y()
            self.decorative[-1].add((x, y, x + box.width, y + box.height))

    def describe(self, href: str, link_boxes: list[Any], page_words: PageWords) -> tuple[str, str | None]:
        """A link's description (its target's text and page, or its address), and what it reads as
        when CSS adds text to it (its own text and its target's page), if it does."""
        if not href.startswith("#"):
            return href, None
        name = href[1:]
        target, page = self.targets.get(name), self.pages.get(name)
        text = _target_text(target) if target is not None else name
        own = _text(link_boxes[0].element) or text
        generated = any("::" in (box.element_tag or "") for box in link_boxes)
        if page is None:
            return text, None
        return page_words(text, page), page_words(own, page) if generated else None


def _decorative(element: Any) -> bool:
    return bool(element.get("aria-hidden") == "true" or element.get("alt") == "")


def _descendants(box: Any) -> Iterator[Any]:
    stack = [box]
    while stack:
        box = stack.pop()
        if isinstance(box, AbsolutePlaceholder):  # an absolutely positioned box, where it was laid out
            box = box._box
        yield box
        stack.extend(reversed(getattr(box, "children", ())))


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).replace(SOFT_HYPHEN, "").split())


def _target_text(element: Any) -> str:
    """What a link's target is called: its heading (the element, or the first heading in it), or
    the start of its text."""
    if element.tag in HEADINGS:
        return _text(element)
    heading = next((e for e in element.iter() if e.tag in HEADINGS), None)
    return _text(heading) if heading is not None else _text(element)[:120]
