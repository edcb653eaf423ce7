"""The built report's HTML read back: each action page's field texts and the rows of both matrices
(shared by the tests that compare what the pages say with what the matrices mark)."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"br", "img", "hr", "wbr", "input", "meta", "link", "col", "source"}


class BuiltReport(HTMLParser):
    """From the built HTML: each action page's field texts, and the rows of both matrices."""

    def __init__(self):
        super().__init__()
        self.pages: dict[int, dict[str, str]] = {}
        self.tables: dict[str, list[list[str]]] = {"overview": [], "matrix": []}
        self.action = self.field = None
        self.depth = 0          # <div> depth inside a field
        self.in_label = False
        self.section = self.row = self.cell = None
        self.hidden = 0         # inside text for screen readers only (the web edition's mark words)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if self.hidden or "visually-hidden" in classes:
            self.hidden += tag not in VOID
        elif tag == "article" and (attrs.get("id") or "").startswith("action-"):
            self.action = int(attrs["id"].removeprefix("action-"))
            self.pages[self.action] = {}
        elif tag == "div" and self.field is not None:
            self.depth += 1
        elif tag == "div" and self.action is not None and "field" in classes:
            self.field = next(c.removeprefix("field-") for c in classes if c.startswith("field-"))
            self.pages[self.action][self.field] = ""
            self.depth = 1
        elif tag == "strong" and self.field is not None and "label" in classes:
            self.in_label = True
        elif tag in ("p", "li", "br") and self.field is not None:
            self.pages[self.action][self.field] += "\n"
        elif tag == "section" and attrs.get("id") in self.tables:
            self.section = attrs["id"]
        elif tag == "tr" and self.section:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if self.hidden:
            self.hidden -= 1
        elif tag == "strong" and self.in_label:
            self.in_label = False
        elif tag == "div" and self.field is not None:
            self.depth -= 1
            if not self.depth:
                self.field = None
        elif tag == "article":
            self.action = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join(self.cell.split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.section].append(self.row)
            self.row = None
        elif tag == "section":
            self.section = None

    def handle_data(self, data):
        if self.hidden:
            return
        if self.field is not None and not self.in_label:
            self.pages[self.action][self.field] += data
        if self.cell is not None:
            self.cell += data
