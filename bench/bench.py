"""reportgen benchmark: where a build spends its time, against one plain WeasyPrint pass.

    .venv/bin/python bench/bench.py            # the sample, a rebuild, check, and 500 actions
    .venv/bin/python bench/bench.py --quick    # without the 500-action catalogue
    .venv/bin/python bench/bench.py --check    # only `reportgen check` against opening the sheets

Every figure comes from a fresh process (what a user running the command gets), timed from the
outside; stages are timed inside the build. Peak memory is the largest resident set of that
process. Not a test: nothing here asserts a time. Record what it prints in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inputs" / "report.yaml"

# The build as `reportgen build` makes it (pipeline.build), its stages timed from inside; it also
# keeps what the plain pass needs to make the same PDF: the template folders, the files the pages
# may use, and the attachments.
STAGED_BUILD = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    import weasyprint
    from reportgen import pipeline, pdf as pdf_stage, render
    from reportgen.pdf import proof, xmp

    config_file, out = Path(sys.argv[1]), Path(sys.argv[2])
    times, plain = {}, {}

    def timed(owner, name, label, keep=None):
        function = getattr(owner, name)
        def run(*args, **kwargs):
            if keep:
                keep(*args, **kwargs)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                times[label] = times.get(label, 0) + time.perf_counter() - start
        setattr(owner, name, run)

    def keep_assets(html, roots, files=None):
        plain.update(roots=[str(r) for r in roots], files={k: str(v) for k, v in (files or {}).items()})

    class Kept(weasyprint.Attachment):  # what the build attaches, kept for the plain pass
        def __init__(self, *, string, **options):
            super().__init__(string=string, **options)
            number = len(plain.setdefault("attachments", []))
            (out / f"attachment-{number}").write_bytes(string)
            plain["attachments"].append({"file": str(out / f"attachment-{number}"), "name": options["name"],
                                         "description": options["description"],
                                         "relationship": options["relationship"]})

    weasyprint.Attachment = Kept
    timed(pipeline, "check_inputs", "check (read + check)")
    timed(render, "render_html", "render HTML (print and web)")
    timed(pdf_stage, "lay_out", "layout", keep_assets)
    timed(proof, "proof", "proof")
    timed(pdf_stage, "write_pdf", "write PDF")
    timed(xmp, "check_pdf", "  of which PDF/UA checks")
    timed(pipeline, "web_edition", "web edition (its HTML too)")
    result = pipeline.build(config_file, out / "build")
    (out / "report.html").write_bytes(result.html.read_bytes())
    (out / "plain.json").write_text(json.dumps(plain))
    print(json.dumps({"times": times, "pages": result.pages,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")

# One plain pass of stock WeasyPrint making the same PDF from the same HTML: the very calls the build
# makes (render with pdf_tags, write a tagged PDF/A-3a with the same attachments, the same fonts and
# files), without reportgen's fixes, checks and finishing.
PLAIN_PASS = textwrap.dedent("""
    import json, os, sys
    os.environ["REPORTGEN_STOCK_WEASYPRINT"] = "1"
    from pathlib import Path
    from weasyprint import HTML, Attachment
    from reportgen.pdf import AssetFetcher, BASE_URL, PDF_VARIANT
    html = Path(sys.argv[1]).read_text(encoding="utf-8")
    plain = json.loads(Path(sys.argv[3]).read_text())
    fetcher = AssetFetcher([Path(r) for r in plain["roots"]], {k: Path(v) for k, v in plain["files"].items()})
    attachments = [Attachment(string=Path(a["file"]).read_bytes(), name=a["name"], description=a["description"],
                              relationship=a["relationship"]) for a in plain["attachments"]]
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(presentational_hints=False,
                                                                                 pdf_tags=True)
    document.write_pdf(sys.argv[2], pdf_variant=PDF_VARIANT, pdf_tags=True, attachments=attachments)
""")

OPEN_ALL = textwrap.dedent("""
    import sys
    from pathlib import Path
    from openpyxl import load_workbook
    for path in sorted(Path(sys.argv[1]).glob("*.xlsx")):
        load_workbook(path).close()
""")

# The proofing loop of `reportgen serve`: the page made again after one sheet was saved.
PREVIEW_UPDATE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from reportgen.preview.state import Preview
    preview = Preview(sys.argv[1])
    preview.rebuild()
    sheet = Path(sys.argv[2])
    sheet.touch()
    start = time.perf_counter()
    preview.rebuild()
    assert preview.outcome is not None and not preview.outcome.result.errors
    print(time.perf_counter() - start)
""")


def run(args: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak MB of the child, stdout) of one command in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out = proc.stdout.read()
    if status != 0:
        raise SystemExit(f"failed: {' '.join(map(str, args))}\n{proc.stderr.read()}")
    return wall, usage.ru_maxrss / 1024, out


def py(code: str, *args) -> list[str]:
    return [sys.executable, "-c", code, *map(str, args)]


def reportgen(*args) -> list[str]:
    return [sys.executable, "-m", "reportgen", *map(str, args)]


def measure_catalogue(name: str, config: Path, work: Path, results: dict, rounds: int) -> None:
    """The staged build once; then ``rounds`` times in turn: the build, one plain pass of stock
    WeasyPrint over its HTML, and the build with stock WeasyPrint (``REPORTGEN_STOCK_WEASYPRINT``).
    Medians, and the median of each round's ratio (the machine's speed drifts between rounds)."""
    out = work / name
    out.mkdir()
    staged = json.loads(run(py(STAGED_BUILD, config, out))[2])
    stock_env = {**os.environ, "REPORTGEN_STOCK_WEASYPRINT": "1"}
    runs: dict[str, list[tuple[float, float]]] = {"build": [], "plain": [], "stock": []}
    for _ in range(rounds):
        runs["build"].append(run(reportgen("build", "-q", "-c", config, "--out", out / "build"))[:2])
        runs["plain"].append(run(py(PLAIN_PASS, out / "report.html", out / "plain.pdf", out / "plain.json"))[:2])
        runs["stock"].append(run(reportgen("build", "-q", "-c", config, "--out", out / "stock"), stock_env)[:2])
    pdf = next((out / "build").glob("*/*.pdf")).relative_to(out / "build")  # build/<name>/<name>.pdf
    results[name] = {
        "stages": staged["times"], "pages": staged["pages"],
        **{f"{key}_s": statistics.median(s for s, _ in values) for key, values in runs.items()},
        **{f"{key}_peak_mb": max(mb for _, mb in values) for key, values in runs.items()},
        "ratio": statistics.median(b[0] / p[0] for b, p in zip(runs["build"], runs["plain"], strict=True)),
        "stock_ratio": statistics.median(b[0] / s[0] for b, s in zip(runs["build"], runs["stock"], strict=True)),
        "same_pdf": (out / "build" / pdf).read_bytes() == (out / "stock" / pdf).read_bytes(),
    }


def measure_rebuild(config: Path, work: Path, results: dict) -> None:
    copy = work / "copy"
    shutil.copytree(config.parent, copy, ignore=shutil.ignore_patterns("README.md"))
    run(reportgen("build", "-q", "-c", copy / config.name, "--out", work / "rebuild"))
    sheet = sorted((copy / "sheets").glob("*.xlsx"))[6]
    import dataclasses

    from reportgen.checks import check
    from reportgen.configuration import load_config
    from reportgen.sheets.template import write_template  # the same action, one text changed
    cfg, _ = load_config(copy / config.name)
    action = next(a for a in check(cfg, [sheet]).catalogue.actions)
    texts = {**action.texts, "maal": action.texts["maal"] + " Ændret."}
    write_template(cfg, sheet, dataclasses.replace(action, texts=texts))
    results["rebuild_s"], _, _ = run(reportgen("build", "-q", "-c", copy / config.name, "--out", work / "rebuild"))
    results["preview_s"] = float(run(py(PREVIEW_UPDATE, copy / config.name, sheet))[2])


def measure_check(config: Path, results: dict, rounds: int = 7) -> None:
    """`reportgen check` against opening the same sheets with openpyxl, in turn, ``rounds`` times:
    medians, and the median of each pair's ratio (short commands: one pair is mostly noise)."""
    pairs = [(run(reportgen("check", "-q", "-c", config))[0], run(py(OPEN_ALL, config.parent / "sheets"))[0])
             for _ in range(rounds)]
    results["check_s"] = statistics.median(c for c, _ in pairs)
    results["open_all_s"] = statistics.median(o for _, o in pairs)
    results["check_ratio"] = statistics.median(c / o for c, o in pairs)


def compile_bytecode() -> None:
    """reportgen's modules compiled, as `pip install` leaves them: openpyxl's and WeasyPrint's are,
    and a process that compiles reportgen's on every start (an editable install under
    PYTHONDONTWRITEBYTECODE) would time Python's compiler, not reportgen."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "reportgen")], check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})


def make_catalogue(config: Path, target: Path, copies: int) -> Path:
    """The sample's configuration with ``copies`` × its 50 actions, renumbered: realistic lengths."""
    import dataclasses

    from reportgen.checks import check
    from reportgen.configuration import load_config
    from reportgen.sheets.template import write_template
    shutil.copy(config, target / config.name)
    (target / "sheets").mkdir()
    cfg, _ = load_config(target / config.name)
    actions = check(load_config(config)[0]).catalogue.actions
    for copy in range(copies):
        for action in actions:
            number = copy * len(actions) + action.number
            write_template(cfg, target / "sheets" / f"{number:04d}.xlsx", dataclasses.replace(action, number=number))
    return target / config.name


def report(results: dict) -> str:
    lines = [f"machine: {platform.node() and 'this machine'}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}"]
    for name in ("sample", "500 actions"):
        if name not in results:
            continue
        r = results[name]
        lines.append(f"\n{name}: {r['pages']} pages")
        for stage, seconds in r["stages"].items():
            lines.append(f"  {stage:<31} {seconds:7.2f} s")
        lines.append(f"  reportgen build                 {r['build_s']:7.2f} s   peak {r['build_peak_mb']:6.0f} MB")
        lines.append(f"  the same, stock WeasyPrint      {r['stock_s']:7.2f} s   peak {r['stock_peak_mb']:6.0f} MB"
                     f"   same PDF: {'yes' if r['same_pdf'] else 'NO'}")
        lines.append(f"  plain WeasyPrint pass           {r['plain_s']:7.2f} s   peak {r['plain_peak_mb']:6.0f} MB")
        lines.append(f"  build / plain                   {r['ratio']:7.2f}")
        lines.append(f"  build / build on stock          {r['stock_ratio']:7.2f}")
    if "rebuild_s" in results:
        plain = results["sample"]["plain_s"]
        lines.append(f"\nrebuild after one changed sheet {results['rebuild_s']:7.2f} s   / plain "
                     f"{results['rebuild_s'] / plain:5.2f}")
        lines.append(f"preview update (reportgen serve) {results['preview_s']:7.2f} s   / plain "
                     f"{results['preview_s'] / plain:5.2f}")
        lines.append(check_line(results))
    if "500 actions" in results:
        ratio = results["500 actions"]["build_s"] / results["sample"]["build_s"]
        lines.append(f"500 actions / 50 actions build   {ratio:7.2f}")
    return "\n".join(lines)


def check_line(results: dict) -> str:
    return (f"check of the sample             {results['check_s']:7.2f} s   / opening the sheets with "
            f"openpyxl ({results['open_all_s']:.2f} s): median of 7 pairs' ratios {results['check_ratio']:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--quick", action="store_true", help="skip the 500-action catalogue")
    parser.add_argument("--check", action="store_true", help="only `reportgen check` against opening the sheets")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of build / plain pass / stock build")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    results: dict = {}
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        measure_check(SAMPLE, results)
        if not args.check:
            measure_catalogue("sample", SAMPLE, work, results, args.rounds)
            measure_rebuild(SAMPLE, work, results)
        if not (args.quick or args.check):
            big = work / "big"
            big.mkdir()
            measure_catalogue("500 actions", make_catalogue(SAMPLE, big, 10), work, results, 1)
    print(check_line(results) if args.check else report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
