"""The XMP metadata an archivist expects, beyond what WeasyPrint writes.

WeasyPrint writes title, creator, description, keywords, dates and the PDF/A identification.
This adds, in predefined schemas only (no extension schema needed under PDF/A): the language
(dc:language), the keywords as subjects (dc:subject), the edition's date (dc:date), an
identifier (dc:identifier), the publisher (dc:publisher), the version (xmpMM:VersionID) and the
metadata date (xmp:MetadataDate).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from ..configuration import Config

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


def finisher(config: Config) -> Callable[[Any, Any], None]:
    """A WeasyPrint finisher that puts :func:`extra_rdf` into the document's XMP packet, and lists
    each associated file once in /AF (WeasyPrint 70 lists every attachment twice)."""
    extra = extra_rdf(config)

    def finish(document: Any, pdf: Any) -> None:
        if "AF" in pdf.catalog:
            unique = list(dict.fromkeys(pdf.catalog["AF"]))
            pdf.catalog["AF"].clear()
            pdf.catalog["AF"].extend(unique)
        reference = pdf.catalog.get("Metadata")
        if not reference:
            return
        if isinstance(reference, bytes):
            reference = reference.decode()
        stream = pdf.objects[int(str(reference).split()[0])]
        content = b"".join(stream.stream)
        stream.stream = [content.replace(b"</rdf:RDF>", extra + b"</rdf:RDF>", 1)]

    return finish
