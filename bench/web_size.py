"""What the web edition transfers: index.html gzip-compressed, plus every file it loads (fonts,
pictures; the CSS is inside index.html), without the PDF download and the open data.

    .venv/bin/python bench/web_size.py FOLDER-web ...   # a built web edition
    .venv/bin/python bench/web_size.py --500 [--sample]  # made here, without a PDF (no layout)
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def transfer(files: dict[str, bytes]) -> dict[str, int]:
    """Bytes on the wire per kind: the page (gzip -9), fonts, other files (sent as they are)."""
    sizes = {"index.html (gzip)": len(gzip.compress(files["index.html"], 9, mtime=0)),
             "index.html (raw)": len(files["index.html"]), "fonts": 0, "pictures and other": 0}
    for name, data in files.items():
        if name == "index.html" or name.endswith(".pdf") or name.startswith("data/"):
            continue
        sizes["fonts" if "/fonts/" in name or name.startswith("assets/fonts") else "pictures and other"] += len(data)
    sizes["total"] = sizes["index.html (gzip)"] + sizes["fonts"] + sizes["pictures and other"]
    return sizes


def folder_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def made_files(config: Path) -> dict[str, bytes]:
    """The web edition of a report, made without its PDF (the page's link has no size then)."""
    from reportgen.pipeline import check_inputs, load, web_edition

    cfg, warnings = load(config)
    edition = web_edition(check_inputs(cfg, warnings).catalogue, pdf_link=cfg.report.pdf_name, data_link="data")
    return {name: data if isinstance(data, bytes) else Path(data).read_bytes() for name, data in edition.items()}


def show(label: str, files: dict[str, bytes]) -> None:
    print(label)
    for kind, size in transfer(files).items():
        print(f"  {kind:<22} {size / 1024:9.1f} KB")


def main(args: list[str]) -> None:
    for arg in args:
        if arg == "--sample":
            show("sample (made here)", made_files(ROOT / "inputs" / "report.yaml"))
        elif arg == "--500":
            sys.path.insert(0, str(ROOT / "bench"))
            from bench import make_catalogue

            with tempfile.TemporaryDirectory() as tmp:
                show("500 actions (made here)", made_files(make_catalogue(ROOT / "inputs" / "report.yaml",
                                                                         Path(tmp), 10)))
        else:
            show(arg, folder_files(Path(arg)))


if __name__ == "__main__":
    main(sys.argv[1:])
