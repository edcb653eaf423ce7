"""How fast could a build be that lays out the report's parts in parallel processes?

    .venv/bin/python bench/parts.py              # the sample, on all of this machine's cores
    .venv/bin/python bench/parts.py --workers 4

A lower bound, not a build: the sample's exact HTML is cut into its top-level parts (cover,
contents, front matter, summary, each theme, overview, matrix, closing), each part is laid out and
written as a PDF/A of its own, and nothing else is done. A real parallel build would add `check`,
rendering the HTML, the page numbers and contents across parts, and assembling one PDF (pages,
fonts, bookmarks, links, structure tree, attachments). So if these figures miss a target, a
parallel build misses it too. Printed side by side with one plain WeasyPrint pass over the whole
HTML, in the same run; every figure from a fresh process. Needs lxml (installed with the test extra).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from bench import PLAIN_PASS, ROOT, SAMPLE  # bench/bench.py, beside this script

# In a fresh process: lay out and write the parts given as files, in a pool of N processes.
LAY_OUT_PARTS = textwrap.dedent("""
    import sys, time
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path

    def one(path):
        import datetime as dt
        from reportgen.pdf import lay_out, write_pdf
        from reportgen.paths import default_templates_dir
        document = lay_out(Path(path).read_text(encoding="utf-8"), [default_templates_dir()])
        write_pdf(document, created=dt.date(2017, 6, 2))
        return len(document.pages)

    if __name__ == "__main__":
        paths = sys.argv[2:]
        with ProcessPoolExecutor(int(sys.argv[1])) as pool:
            print(sum(pool.map(one, paths)))
""")

def sample_html() -> str:
    from reportgen.checks import check
    from reportgen.configuration import load_config
    from reportgen.render import render_html
    return render_html(check(load_config(SAMPLE)[0]).catalogue)


def split(html: str) -> list[tuple[str, str]]:
    """(name, HTML document) of each top-level part, with the report's own head (styles)."""
    from lxml import html as lxml_html
    root = lxml_html.fromstring(html)
    head = lxml_html.tostring(root.head, encoding="unicode")
    parts = []
    for child in root.body:
        parts += list(child) if child.tag == "main" else [child]
    return [(part.get("id") or part.get("class").split()[0],
             f'<!DOCTYPE html><html lang="{root.get("lang")}">{head}<body><main>'
             f'{lxml_html.tostring(part, encoding="unicode")}</main></body></html>') for part in parts]


def timed(args: list) -> tuple[float, str]:
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", *map(str, args)], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, run.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        html = sample_html()
        (work / "report.html").write_text(html, encoding="utf-8")
        files = []
        for name, part in split(html):
            files.append(work / f"{name}.html")
            files[-1].write_text(part, encoding="utf-8")
        files.sort(key=lambda f: -f.stat().st_size)  # the largest first: the pool ends together
        from reportgen.paths import default_templates_dir  # the sample uses the default templates only
        (work / "plain.json").write_text(json.dumps({"roots": [str(default_templates_dir())], "files": {},
                                                     "attachments": []}))
        plain, _ = timed([PLAIN_PASS, work / "report.html", work / "plain.pdf", work / "plain.json"])
        parallel, pages = timed([LAY_OUT_PARTS, args.workers, *files])
        check, _ = timed(["from reportgen.cli import main; main()", "check", "-q", "-c", SAMPLE])
        print(f"machine: {os.cpu_count()} cores; {len(files)} parts, {pages} pages")
        print(f"plain WeasyPrint pass over the whole HTML   {plain:6.2f} s")
        print(f"reportgen check (needed before any layout)  {check:6.2f} s")
        bound = parallel + check
        print(f"all parts, {args.workers} worker processes          {parallel:6.2f} s;  + check {bound:6.2f} s"
              f" / plain {bound / plain:5.2f}   (a build adds rendering and assembly)")
        for file in sorted(f for f in files if f.stem.startswith("theme-")):
            bound = timed([LAY_OUT_PARTS, 1, file])[0] + check
            print(f"one part again + check: {file.stem:<12}       {bound:6.2f} s / plain {bound / plain:5.2f}"
                  "   (a rebuild adds assembly)")


if __name__ == "__main__":
    sys.path.insert(1, str(ROOT))
    main()
