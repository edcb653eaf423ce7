"""reportgen benchmark: where a build spends its time, against one plain WeasyPrint pass.

    .venv/bin/python bench/bench.py            # the sample, a rebuild, check, and 500 actions
    .venv/bin/python bench/bench.py --quick    # without the 500-action catalogue

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
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "inputs" / "report.yaml"

STAGED_BUILD = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    from reportgen.pdf import xmp
    from reportgen.pdf.attachments import attachments
    from reportgen.checks import check
    from reportgen.configuration import load_config
    from reportgen.pdf import lay_out, write_pdf
    from reportgen.render import render_html, template_dirs
    from reportgen.sheets.files import discover, screen
    from reportgen.sheets.reader import read_sheet

    config_file, out = Path(sys.argv[1]), Path(sys.argv[2])
    times = {}
    t = time.perf_counter()
    config, _ = load_config(config_file)
    files, _ = discover(config, None)
    for f in files:
        if not screen(f, config):
            read_sheet(f, config)
    times["read sheets"] = time.perf_counter() - t
    t = time.perf_counter()
    outcome = check(config)
    times["check (read + check)"] = time.perf_counter() - t
    t = time.perf_counter()
    html = render_html(outcome.catalogue)
    times["render HTML"] = time.perf_counter() - t
    t = time.perf_counter()
    document = lay_out(html, template_dirs(config))
    times["layout"] = time.perf_counter() - t
    t = time.perf_counter()
    pdf = write_pdf(document, created=config.report.date, finisher=xmp.finisher(config),
                    attachments=attachments(outcome.catalogue, config_file, outcome.paths))
    times["write PDF"] = time.perf_counter() - t
    (out / "report.html").write_text(html, encoding="utf-8")
    (out / "report.pdf").write_bytes(pdf)
    print(json.dumps({"times": times, "pages": len(document.pages),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")

PLAIN_PASS = textwrap.dedent("""
    import sys
    from weasyprint import HTML
    from reportgen.pdf import AssetFetcher, BASE_URL
    from reportgen.paths import default_templates_dir
    roots = [default_templates_dir()]
    html = open(sys.argv[1], encoding="utf-8").read()
    HTML(string=html, base_url=BASE_URL, url_fetcher=AssetFetcher(roots)).write_pdf(sys.argv[2])
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


def measure_catalogue(name: str, config: Path, work: Path, results: dict) -> None:
    out = work / name
    out.mkdir()
    _, _, staged = run(py(STAGED_BUILD, config, out))
    staged = json.loads(staged)
    build_s, build_mb, _ = run(reportgen("build", "-q", "-c", config, "--out", out / "build"))
    plain_s, plain_mb, _ = run(py(PLAIN_PASS, out / "report.html", out / "plain.pdf"))
    results[name] = {"stages": staged["times"], "pages": staged["pages"], "build_s": build_s,
                     "build_peak_mb": build_mb, "plain_s": plain_s, "plain_peak_mb": plain_mb,
                     "ratio": build_s / plain_s}


def measure_rebuild_and_check(config: Path, work: Path, results: dict) -> None:
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
    results["check_s"], _, _ = run(reportgen("check", "-q", "-c", config))
    results["open_all_s"], _, _ = run(py(OPEN_ALL, config.parent / "sheets"))


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
            lines.append(f"  {stage:<22} {seconds:7.2f} s")
        lines.append(f"  reportgen build        {r['build_s']:7.2f} s   peak {r['build_peak_mb']:6.0f} MB")
        lines.append(f"  plain WeasyPrint pass  {r['plain_s']:7.2f} s   peak {r['plain_peak_mb']:6.0f} MB")
        lines.append(f"  build / plain          {r['ratio']:7.2f}")
    if "rebuild_s" in results:
        plain = results["sample"]["plain_s"]
        lines.append(f"\nrebuild after one changed sheet {results['rebuild_s']:7.2f} s   / plain "
                     f"{results['rebuild_s'] / plain:5.2f}")
        lines.append(f"preview update (reportgen serve) {results['preview_s']:7.2f} s   / plain "
                     f"{results['preview_s'] / plain:5.2f}")
        lines.append(f"check of the sample             {results['check_s']:7.2f} s   / opening the sheets with "
                     f"openpyxl ({results['open_all_s']:.2f} s) {results['check_s'] / results['open_all_s']:5.2f}")
    if "500 actions" in results:
        ratio = results["500 actions"]["build_s"] / results["sample"]["build_s"]
        lines.append(f"500 actions / 50 actions build   {ratio:7.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--quick", action="store_true", help="skip the 500-action catalogue")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        measure_catalogue("sample", SAMPLE, work, results)
        measure_rebuild_and_check(SAMPLE, work, results)
        if not args.quick:
            big = work / "big"
            big.mkdir()
            measure_catalogue("500 actions", make_catalogue(SAMPLE, big, 10), work, results)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
