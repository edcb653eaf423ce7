"""The web edition's search and filter in the real browser: how long each interaction takes from the
input to the next frame, and what the page costs (height, DOM nodes, load), at 500 actions.

    .venv/bin/python bench/web_interact.py                 # 500 actions (bench.make_catalogue), made here
    .venv/bin/python bench/web_interact.py --sample        # the sample's 50 actions too
    .venv/bin/python bench/web_interact.py FOLDER-web ...  # a built web edition
    options: --repeat N (default 5), --width W (default 1280; 375 is a phone), --no-cv (content-visibility off),
             --trace (also the main thread's CPU time per interaction, from Chrome's trace)

Each interaction is a real input through Playwright (a click on a checkbox or the reset button, a key
typed into the search field) in Debian's Chromium. Two figures per interaction:
  next frame   from the input event's timeStamp to the first task after the next animation frame
               (requestAnimationFrame, then a message): script, style, layout and paint of that frame;
  event timing the browser's own Event Timing entry (PerformanceEventTiming.duration: input to the
               next paint, what Core Web Vitals' INP reports; entries shorter than 16 ms are not kept,
               shown as "<16").
  cpu (--trace) the main thread's own time (thread time, not wall time) in the input's event dispatch,
               style, layout, pre-paint and paint, from Chrome's trace: what the interaction costs,
               whatever else the machine is doing (a shared machine stretches the two figures above).
The median and the largest of --repeat runs are printed. Not a test: nothing here asserts a time.
Record what it prints in bench/WEB.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

# Installed before the page's own script: every click and key is timed to the frame after it.
PROBE = """
window.__frames = []; window.__events = [];
const mark = (event) => {
  const start = event.timeStamp;
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => window.__frames.push(performance.now() - start);
    channel.port2.postMessage(0);
  });
};
addEventListener('click', mark, true);
addEventListener('keydown', mark, true);
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.interactionId) { window.__events.push([entry.interactionId, entry.duration]); }
  }
}).observe({type: 'event', durationThreshold: 16, buffered: true});
"""

# (label, what to do): the page's filter starts with nothing chosen before each.
STATUS, THEME, COMMITTEE = "input[name=status][value=igang]", "input[name=theme][value='3']", "input[name=committee]"


def interactions(page) -> list[tuple[str, list[tuple[float, float | None]]]]:
    """Each interaction once: its label and, per input in it, (next frame ms, event timing ms)."""
    done = []
    for label, box in (("status", STATUS), ("theme", THEME), ("committee", COMMITTEE)):
        done.append((f"tick a {label} (all → some)", _timed(page, lambda b=box: page.locator(b).first.click())))
        done.append((f"untick the {label} (some → all)", _timed(page, lambda b=box: page.locator(b).first.click())))
    typing = _timed(page, lambda: page.locator("#filter-q").press_sequentially("skole"))
    done.append(("type \"skole\" (each key)", typing))
    page.locator(STATUS).click()
    done.append(("clear all (search + status → all)", _timed(page, lambda: page.locator("button[type=reset]").click())))
    return done


TRACED = ("EventDispatch", "UpdateLayoutTree", "Layout", "PrePaint", "Paint")  # top-level, not nested
CPU: list[float] = []
TRACE = False


def _timed(page, act) -> list[tuple[float, float | None]]:
    page.evaluate("window.__frames = []; window.__events = []")
    browser = page.context.browser
    if TRACE:
        browser.start_tracing(page=page, categories=["devtools.timeline", "disabled-by-default-devtools.timeline"])
    act()
    if TRACE:
        page.wait_for_timeout(300)
        trace = json.loads(browser.stop_tracing())
        trace = trace["traceEvents"] if isinstance(trace, dict) else trace
        cpu = sum(e.get("tdur", 0) for e in trace if e.get("ph") == "X" and e["name"] in TRACED) / 1000
    page.wait_for_function("window.__frames.length > 0")
    page.wait_for_timeout(300)  # the Event Timing entries arrive after the paint; this is a bench, not a test
    frames = page.evaluate("window.__frames")
    if TRACE:
        CPU.append(cpu / len(frames))  # per input (a word typed is one input a key)
    events: dict[int, float] = {}
    for interaction, duration in page.evaluate("window.__events"):
        events[interaction] = max(events.get(interaction, 0), duration)
    timings = sorted(events.values())
    return [(frame, None) for frame in frames] if not timings else \
        [(frame, timings[i] if i < len(timings) else None) for i, frame in enumerate(frames)]


def costs(page) -> dict[str, float]:
    return page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        return {height: document.documentElement.scrollHeight, nodes: document.getElementsByTagName('*').length,
                dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, fcp: paint ? paint.startTime : -1};
    }""")


def measure(label: str, index: Path, repeat: int, width: int, no_cv: bool) -> None:
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[tuple[float, float | None]]] = {}
    cpus: dict[str, list[float]] = {}
    loads = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(repeat):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.add_init_script(PROBE)
            page.goto(index.as_uri())
            if no_cv:
                page.add_style_tag(content=".action { content-visibility: visible !important; }")
            page.wait_for_timeout(500)
            loads.append(costs(page))
            for name, timed in interactions(page):
                runs.setdefault(name, []).extend(timed)
                if TRACE:
                    cpus.setdefault(name, []).append(CPU.pop())
            context.close()
        browser.close()
    first = loads[0]
    print(f"\n{label} at {width} px{' (content-visibility off)' if no_cv else ''}: "
          f"page {first['height']:,} px high, {first['nodes']:,} elements; "
          f"DOMContentLoaded {statistics.median(x['dcl'] for x in loads):.0f} ms, "
          f"load {statistics.median(x['load'] for x in loads):.0f} ms, "
          f"first contentful paint {statistics.median(x['fcp'] for x in loads):.0f} ms (median of {repeat}, from disk)")
    print(f"  {'interaction':<36} {'next frame ms':>22} {'event timing ms':>22} {'cpu ms':>22}")
    print(f"  {'':<36} {'median':>10} {'max':>10}  {'median':>10} {'max':>10}  {'median':>10} {'max':>10}")
    for name, timed in runs.items():
        frames = [f for f, _ in timed]
        events = [e for _, e in timed if e is not None]
        shown = (f"{statistics.median(events):10.0f} {max(events):10.0f}" if len(events) == len(timed)
                 else f"{'<16':>10} {max(events) if events else '<16':>10}")
        cpu = cpus.get(name)
        traced = f"  {statistics.median(cpu):10.0f} {max(cpu):10.0f}" if cpu else ""
        print(f"  {name:<36} {statistics.median(frames):10.0f} {max(frames):10.0f}  {shown}{traced}")


def made(config: Path, folder: Path) -> Path:
    """The web edition of a report, made without its PDF, written into ``folder``: its index.html."""
    from reportgen.pipeline import check_inputs, load, web_edition

    cfg, warnings = load(config)
    files = web_edition(check_inputs(cfg, warnings).catalogue, pdf_link=cfg.report.pdf_name, data_link="data")
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else Path(content).read_bytes())
    return folder / "index.html"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--sample", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--no-cv", action="store_true")
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    global TRACE
    TRACE = args.trace
    for folder in args.folders:
        measure(str(folder), folder / "index.html", args.repeat, args.width, args.no_cv)
    if args.folders:
        return
    tmp = Path(tempfile.mkdtemp(prefix="web-interact-"))
    try:
        if args.sample:
            measure("sample (50 actions)", made(ROOT / "inputs" / "report.yaml", tmp / "sample"), args.repeat,
                    args.width, args.no_cv)
        sys.path.insert(0, str(ROOT / "bench"))
        from bench import make_catalogue

        (tmp / "500").mkdir()
        config = make_catalogue(ROOT / "inputs" / "report.yaml", tmp / "500", 10)
        measure("500 actions", made(config, tmp / "500-web"), args.repeat, args.width, args.no_cv)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
