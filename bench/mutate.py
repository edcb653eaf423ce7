"""Mutation testing: would the tests notice a small bug? `make mutate` runs mutmut over the modules
where a silent bug costs most, each with the fast tests that cover it, and prints the kill rate.

    .venv/bin/python bench/mutate.py                    # every module below
    .venv/bin/python bench/mutate.py writers opendata   # … or these
    .venv/bin/python bench/mutate.py --list             # the modules and their tests

Each module runs in a folder of its own, build/mutate/<module>/ (links to reportgen/, tests/,
inputs/, tools/ and the pytest plugin bench/mutmut_plugin.py, and a pyproject.toml with that
module's mutmut and pytest settings), so each keeps its own results and a second run re-tests only
the functions that changed. Not part of `make test`: a run takes a long while. Record what it prints
in bench/MUTATION.md, and look at every survivor there:
`cd build/mutate/<module> && ../../../.venv/bin/mutmut show <mutant>`.
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).with_name("mutmut")
WORK = ROOT / "build" / "mutate"
# The tests that use a session build (tests/conftest.py BUILD_GROUPS marks them xdist_group) make a
# PDF: in a mutant's process that is a build per mutant. They are left out unless a module needs them.
NO_SESSION_BUILDS = ["-m", "not xdist_group"]


@dataclass(frozen=True)
class Module:
    source: str           # the file mutated, from the repository's root
    tests: tuple[str, ...]  # the test files (pytest arguments) that cover it
    select: tuple[str, ...] = tuple(NO_SESSION_BUILDS)
    mutants: str = ""       # only these of the file's mutants (a mutmut name pattern); all by default


MODULES = {
    "writers": Module("reportgen/writers.py", ("tests/test_pipeline.py", "tests/test_hostile_faults.py",
                                               "tests/test_hostile_archive.py", "tests/test_mutants.py")),
    "render-text": Module("reportgen/render/text.py", ("tests/test_text.py", "tests/test_hostile_small.py",
                                                       "tests/test_mutants.py")),
    # … and the two tests of links and names that are not UTF-8 in the sheets folder (the rest of their files
    # build or run reportgen in a process of its own, where no mutant is). Not tests/test_checks.py: each of
    # its tests copies a report folder and reads its sheets, and every mutant of screen/discover ran them all
    # (6-40 s a mutant); tests/test_mutants_files.py tells the same by calling discover() and screen()
    "sheets-files": Module("reportgen/sheets/files.py", (
        "tests/test_mutants_files.py", "tests/test_hostile.py", "tests/test_hostile_small.py",
        "tests/test_mutants.py",
        "tests/test_hostile_round_two.py::test_a_link_in_the_sheets_folder_is_refused_not_followed",
        "tests/test_hostile_round_two.py::test_a_name_that_is_not_utf8_stops_only_what_it_may_be")),
    # … without the sample's check (all 50 sheets, in a process of its own, where no mutant is): a survivor
    # runs every test that reaches check_sheet
    "checks": Module("reportgen/checks.py", ("tests/test_checks.py", "tests/test_sheets.py", "tests/test_mentions.py",
                                             "tests/test_mutants_checks.py"),
                     select=(*NO_SESSION_BUILDS,
                             "--deselect", "tests/test_mentions.py::test_the_sample_checks_without_warnings")),
    "mentions": Module("reportgen/mentions.py", ("tests/test_mentions.py", "tests/test_mutants.py")),
    "diff": Module("reportgen/diff.py", ("tests/test_archive.py", "tests/test_pipeline.py", "tests/test_mutants.py")),
    "opendata": Module("reportgen/opendata.py", ("tests/test_opendata.py", "tests/test_mutants.py")),
    # … whose other tests publish (a build each): test_mutants_archive.py files an edition made without one
    "archive-store": Module("reportgen/archive/store.py", ("tests/test_archive.py", "tests/test_hostile_archive.py",
                                                           "tests/test_bag.py", "tests/test_mutants_archive.py")),
    # status_counts: the lambda in the render context (render/__init__.py), with the rest of that function
    "status-counts": Module("reportgen/render/__init__.py", ("tests/test_mutants.py",),
                            mutants="reportgen.render.x_context__mutmut_*"),
}


def settings(module: Module) -> str:
    """The pyproject.toml of a module's folder: mutmut's settings, and pytest's without xdist."""
    def toml_list(items: tuple[str, ...] | list[str]) -> str:
        return "[" + ", ".join(f'"{item}"' for item in items) + "]"

    return (
        "# Written by bench/mutate.py for one module; see there.\n"
        "[tool.mutmut]\n"
        'source_paths = ["reportgen"]\n'
        f"only_mutate = {toml_list([module.source])}\n"
        'also_copy = ["inputs", "tools", "mutmut_plugin.py"]\n'
        # each mutant's tests run in a process forked from one that has only collected the tests: never
        # from one that ran them, whose caches (functools.cache: the Markdown parser, the date pattern)
        # would keep what the unmutated code made
        'process_isolation = "forkserver"\n'
        # a mutant that loops is stopped after 10x the time its tests take (mutmut's default: 30x), plus
        # 10x 20 s: mutmut counts the tests' calls only, not their fixtures (a report folder copied, sheets
        # read), and with its default 1 s equivalent mutants of sheets/files "timed out" (see MUTATION.md)
        "timeout_multiplier = 5.0\n"
        "timeout_constant = 20.0\n"
        # the mutants run one after another in processes of their own: no xdist workers in them
        'pytest_add_cli_args = ["-p", "no:xdist", "-p", "no:cacheprovider", "-p", "mutmut_plugin"]\n'
        f"pytest_add_cli_args_test_selection = {toml_list([*module.tests, *module.select])}\n"
        "\n[tool.pytest.ini_options]\n"
        'testpaths = ["tests"]\n'
        'addopts = "-ra"\n'
    )


def prepare(name: str, module: Module) -> Path:
    folder = WORK / name
    folder.mkdir(parents=True, exist_ok=True)
    for link, to in (("reportgen", "reportgen"), ("tests", "tests"), ("inputs", "inputs"), ("tools", "tools"),
                     ("mutmut_plugin.py", "bench/mutmut_plugin.py")):  # every test with empty caches
        if not (folder / link).is_symlink():
            (folder / link).symlink_to(ROOT / to)
    (folder / "pyproject.toml").write_text(settings(module), encoding="utf-8")
    refresh(folder, module)
    return folder


def refresh(folder: Path, module: Module) -> None:
    """mutmut copies reportgen/ into mutants/ once and then only re-mutates the module's own file: every
    other file (the locales, the other modules) is copied again here when it has changed since."""
    copy = folder / "mutants"
    if not copy.is_dir():
        return
    for path in sorted((ROOT / "reportgen").rglob("*")):
        relative = path.relative_to(ROOT)
        target = copy / relative
        if path.is_file() and "__pycache__" not in relative.parts and relative.as_posix() != module.source and (
                not target.exists() or target.read_bytes() != path.read_bytes()):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


_RESULT = re.compile(r"^\s+(\S+): (.+)$")


def results(folder: Path, pattern: str) -> dict[str, str]:
    """Every mutant of the module's last run, with its status (killed, survived, timeout …)."""
    out = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=folder, capture_output=True, text=True,
                         check=True).stdout
    found = (_RESULT.match(line) for line in out.splitlines())
    return {m[1]: m[2] for m in found if m and fnmatch.fnmatchcase(m[1], pattern or "*")}


def summary(name: str, statuses: dict[str, str], seconds: float) -> str:
    counts = Counter(statuses.values())
    total = len(statuses)
    killed = counts["killed"] + counts["timeout"]
    rate = f"{100 * killed / total:.1f} %" if total else "-"
    other = ", ".join(f"{status} {n}" for status, n in sorted(counts.items())
                      if status not in ("killed", "survived", "timeout"))
    line = (f"{name:14} killed {counts['killed']:4}  survived {counts['survived']:3}  timeout {counts['timeout']:3}"
            f"  total {total:4}  {rate:>7}  {seconds:6.0f} s")
    return line + (f"  ({other})" if other else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", metavar="module", help=", ".join(MODULES))
    parser.add_argument("--list", action="store_true", help="list the modules and their tests")
    parser.add_argument("--max-children", type=int, default=1, help="mutants tested at once (default 1)")
    args = parser.parse_args()
    if args.list:
        for name, module in MODULES.items():
            print(f"{name:14} {module.source:32} {module.mutants or ''} {' '.join(module.tests + module.select)}")
        return 0
    unknown = [name for name in args.modules if name not in MODULES]
    if unknown:
        parser.error(f"not a module here: {', '.join(unknown)} (one of {', '.join(MODULES)})")
    lines = []
    for name in args.modules or list(MODULES):
        folder = prepare(name, MODULES[name])
        start = time.monotonic()
        module = MODULES[name]
        run = subprocess.run([str(MUTMUT), "run", "--max-children", str(args.max_children),
                              *([module.mutants] if module.mutants else [])], cwd=folder)
        statuses = results(folder, module.mutants)
        lines.append(summary(name, statuses, time.monotonic() - start))
        print(lines[-1], flush=True)
        for mutant, status in sorted(statuses.items()):
            if status not in ("killed", "timeout"):
                print(f"    {status:9} {mutant}")
        if run.returncode:
            print(f"{name}: mutmut stopped with exit code {run.returncode}", file=sys.stderr)
    print("\n".join(["", *lines]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
