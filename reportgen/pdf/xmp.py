"""The XMP metadata an archivist expects, beyond what WeasyPrint writes, and the finisher that
makes the PDF accessible (PDF/UA-1) before it is written.

WeasyPrint writes title, creator, description, keywords, dates and the PDF/A identification.
This adds, in predefined schemas only (no extension schema needed under PDF/A): the language
(dc:language), the keywords as subjects (dc:subject), the edition's date (dc:date), an
identifier (dc:identifier), the publisher (dc:publisher), the version (xmpMM:VersionID) and the
metadata date (xmp:MetadataDate), and the PDF/UA identification (``pdfuaid:part`` 1, with the PDF/A
extension schema that declares it). The packet is written uncompressed, where a program that does
not read PDF finds it too (ISO 16684-1's packet wrapper is made for such scanning); :func:`checked`
reads the written PDF with :mod:`reportgen.pdf.ua`'s checks and blanks the PDF/UA identification
out when one fails (spaces of the same length: every offset of the file stays true), so a PDF
claims PDF/UA-1 only when it passes every check, and is written once.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from ..configuration import Config
from . import release_memory
from .tagging import mend
from .ua import Problem, check_pdf

NAMESPACES = ('xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
              'xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"')


def extra_rdf(config: Config) -> bytes:
    report = config.report
    day = f"{report.date.isoformat()}T00:00:00Z"
    subjects = "".join(f"<rdf:li>{escape(k)}</rdf:li>" for k in report.keywords)
    return (
        f'<rdf:Description rdf:about="" {NAMESPACES}>'
        f"<dc:language><rdf:Bag><rdf:li>{escape(report.language)}</rdf:li></rdf:Bag></dc:language>"
        f"<dc:subject><rdf:Bag>{subjects}</rdf:Bag></dc:subject>"
        f"<dc:date><rdf:Seq><rdf:li>{report.date.isoformat()}</rdf:li></rdf:Seq></dc:date>"
        f"<dc:identifier>{escape(report.file_stem)}</dc:identifier>"
        f"<dc:publisher><rdf:Bag><rdf:li>{escape(report.organisation)}</rdf:li></rdf:Bag></dc:publisher>"
        f"<xmpMM:VersionID>{escape(report.version)}</xmpMM:VersionID>"
        f"<xmp:MetadataDate>{day}</xmp:MetadataDate>"
        "</rdf:Description>"
    ).encode()


# The PDF/UA identification, and the PDF/A extension schema that declares its namespace (PDF/A
# allows only declared properties outside its predefined schemas).
UA_RDF = (
    b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>'
    b'<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
    b'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    b"<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
    b"<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    b"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    b"<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">"
    b"<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    b"<pdfaProperty:category>internal</pdfaProperty:category>"
    b"<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>"
    b"</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"
)


class Finisher:
    """A WeasyPrint finisher: lists each associated file once in /AF (WeasyPrint 70 lists every
    attachment twice), mends the tags (:func:`reportgen.pdf.tagging.mend`), lets the laid-out boxes
    go (the document cannot be written a second time), and puts :func:`extra_rdf` and the PDF/UA
    identification into the XMP packet, which is left uncompressed. The written PDF goes through
    :func:`checked` before anyone sees it."""

    def __init__(self, config: Config):
        self.extra = extra_rdf(config)
        self.page_words = lambda text, page: config.messages("report.link_page", text=text, page=page)

    def __call__(self, document: Any, pdf: Any) -> None:
        if "AF" in pdf.catalog:
            unique = list(dict.fromkeys(pdf.catalog["AF"]))
            pdf.catalog["AF"].clear()
            pdf.catalog["AF"].extend(unique)
        mend(document, pdf, self.page_words)
        _release_boxes(document, pdf)
        reference = pdf.catalog.get("Metadata")
        if not reference:
            return
        if isinstance(reference, bytes):
            reference = reference.decode()
        stream = pdf.objects[int(str(reference).split()[0])]
        content = b"".join(stream.stream)
        stream.stream = [content.replace(b"</rdf:RDF>", self.extra + UA_RDF + b"</rdf:RDF>", 1)]
        stream.compress = False


def checked(pdf: bytes) -> tuple[bytes, list[Problem]]:
    """A PDF written with the :class:`Finisher`, checked against PDF/UA-1
    (:func:`reportgen.pdf.ua.check_pdf`), and what the checks found: when they found anything, its
    claim of PDF/UA-1 is blanked out of the XMP packet (with spaces, which XML allows between
    elements), else it is the same bytes."""
    problems = check_pdf(pdf)
    if problems:
        pdf = pdf.replace(UA_RDF, b" " * len(UA_RDF), 1)
    return pdf, problems


def finisher(config: Config) -> Finisher:
    """The finisher for an edition of ``config``'s report."""
    return Finisher(config)


def _release_boxes(document: Any, pdf: Any) -> None:
    """Let the laid-out pages' boxes go once the pages are painted and their tags mended: they hold
    most of a long report's memory, and what remains (the checks, writing the file) needs only the
    PDF's objects. The document cannot be written again after this."""
    for page in document.pages:
        page._page_box = None
    for item in pdf.objects:  # WeasyPrint's page streams keep their tagged boxes, by box
        if getattr(item, "_tags", None) is not None:
            item._tags = None
    release_memory()  # the boxes' memory back to the system, before the checks and the file are made
