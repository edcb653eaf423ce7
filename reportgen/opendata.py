"""The edition's data for everyone: tidy CSV with a Frictionless Data Package descriptor, JSON, or
one workbook.

Three tables, one fact a row: ``actions.csv`` (one row per action: number, title, theme, status,
responsible, every configured field, typed by its kind), ``committees.csv`` (one row per action and committee
involved) and ``administrations.csv`` (one row per action and administration with a role). The
CSV is UTF-8 with a byte-order mark, ";"-separated and CRLF-terminated, so that Excel (Danish
settings) and LibreOffice open it with "æøå" intact; ``datapackage.json`` declares exactly that,
with the configuration's labels as titles, and the licence and source from ``open_data:``.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from .configuration import ActionField, slugify
from .fields import kind_of
from .model import Catalogue, Role

DELIMITER = ";"
ENCODING = "utf-8-sig"
FOLDER = "data"  # the package's folder in the web edition and in the archive
FORMATS = ("csv", "json", "xlsx")
Table = tuple[str, list[dict[str, Any]], list[dict[str, Any]]]  # name, schema fields, rows


def tables(catalogue: Catalogue) -> list[Table]:
    """The three tables: (name, Table Schema fields, rows)."""
    config, t = catalogue.config, catalogue.config.messages
    themes = {theme.number: theme.heading for theme in config.themes}
    statuses = {status.key: status.label for status in config.statuses}
    actions = [{"number": a.number, "title": a.title, "theme": a.theme, "theme_heading": themes.get(a.theme, ""),
                "status": a.status, "status_label": statuses.get(a.status, a.status), "responsible": a.responsible,
                **{f.key: _data(f, a.texts.get(f.key, "")) for f in config.fields}} for a in catalogue.actions]
    action_fields = [_field("number", "integer", t("report.number")), _field("title", "string", t("report.action")),
                     _field("theme", "integer", t("sheet.theme")), _field("theme_heading", "string", t("report.theme")),
                     _field("status", "string", t("report.status")),
                     _field("status_label", "string", t("report.status")),
                     _field("responsible", "string", t("report.responsible"))]
    action_fields += [_field(f.key, "string", f.label, f.help) | kind_of(f).table(f) for f in config.fields]
    return [(TABLES[0], action_fields, actions), _committees(catalogue), _administrations(catalogue)]


def _data(field: ActionField, text: str) -> Any:
    """A field's value in the tables: text as written, a date as a date, an amount as a number ("" when empty);
    the CSV writes a date as 2018-03-01 and a number with a point, as its Table Schema type reads them."""
    value = kind_of(field).value(text) if text else None
    return "" if value is None else value


TABLES = ("actions", "committees", "administrations")


def _field(name: str, kind: str, title: str, description: str = "") -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": kind, "title": title}
    if description:
        field["description"] = description
    return field


def _committees(catalogue: Catalogue) -> Table:
    config, t = catalogue.config, catalogue.config.messages
    names = {c.key: c.name for c in config.committees}
    rows = [{"number": a.number, "committee": key, "committee_name": names.get(key, key)}
            for a in catalogue.actions for key in a.committees]
    fields = [_field("number", "integer", t("report.number")),
              _field("committee", "string", t("sheet.section_committees")),
              _field("committee_name", "string", t("sheet.section_committees"))]
    return TABLES[1], fields, rows


def _administrations(catalogue: Catalogue) -> Table:
    config, t = catalogue.config, catalogue.config.messages
    names = {a.key: a.name for a in config.administrations}
    rows = [{"number": a.number, "administration": key, "administration_name": names.get(key, key), "role": role.value,
             "role_label": t(f"role.{role.value}")}
            for a in catalogue.actions for key, role in sorted(a.roles.items()) if role is not Role.NONE]
    fields = [_field("number", "integer", t("report.number")),
              _field("administration", "string", t("sheet.section_administrations")),
              _field("administration_name", "string", t("sheet.section_administrations")),
              _field("role", "string", t("report.role")), _field("role_label", "string", t("report.role"))]
    return TABLES[2], fields, rows


def csv_bytes(fields: list[dict[str, Any]], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, [f["name"] for f in fields], delimiter=DELIMITER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(ENCODING)


def package(catalogue: Catalogue) -> dict[str, bytes]:
    """The data package: the three CSV files and ``datapackage.json``, by file name."""
    made = tables(catalogue)
    files = {f"{name}.csv": csv_bytes(fields, rows) for name, fields, rows in made}
    descriptor = json.dumps(_descriptor(catalogue, made), ensure_ascii=False, indent=2) + "\n"
    return files | {"datapackage.json": descriptor.encode("utf-8")}


def _descriptor(catalogue: Catalogue, made: list[Table]) -> dict[str, Any]:
    config = catalogue.config
    report, data = config.report, config.open_data
    keys = {"actions": ["number"], "committees": ["number", "committee"],
            "administrations": ["number", "administration"]}
    resources = [{"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
                  "mediatype": "text/csv", "encoding": ENCODING, "dialect": {"delimiter": DELIMITER},
                  "schema": {"fields": fields, "primaryKey": keys[name],
                             **({"foreignKeys": [{"fields": ["number"], "reference": {"resource": "actions",
                                                                                      "fields": ["number"]}}]}
                                if name != "actions" else {})}}
                 for name, fields, _ in made]
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package", "name": f"{report.slug or slugify(report.title)}-{report.version}".lower(),
        "title": report.title, "version": report.version, "created": f"{report.date.isoformat()}T00:00:00Z",
        "description": report.subject or report.title, "keywords": list(report.keywords),
        "contributors": [{"title": report.organisation, "role": "publisher"}], "resources": resources,
    }
    if data.licence:
        descriptor["licenses"] = [{"name": data.licence, "title": data.licence_title or data.licence,
                                   **({"path": data.licence_url} if data.licence_url else {})}]
    if data.source:
        descriptor["sources"] = [{"title": report.organisation, "path": data.source}]
    return descriptor


def workbook(catalogue: Catalogue) -> bytes:
    """The three tables as one workbook, one sheet each; text is written as text, never a formula."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for name, fields, rows in tables(catalogue):
        ws = wb.create_sheet(name)
        ws.append([f["title"] for f in fields])
        for row in rows:
            ws.append([row[f["name"]] for f in fields])
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(catalogue: Catalogue, fmt: str, edition_json: bytes) -> dict[str, bytes]:
    """The files of an export in ``fmt`` (csv: the data package; json: the edition's data; xlsx)."""
    if fmt == "csv":
        return package(catalogue)
    if fmt == "json":
        return {"data.json": edition_json}
    return {f"{slugify(catalogue.config.report.title)}-data.xlsx": workbook(catalogue)}

