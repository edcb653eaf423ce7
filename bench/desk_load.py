"""The collection desk under load: every owner of the sample's round (50 actions, 20 owners) hands in
each sheet at once, against a real `reportgen desk serve` on 127.0.0.1; then a kill -9 of the desk in
the middle of a second wave, a restart, and the wave again.

    .venv/bin/python bench/desk_load.py              # the sample's round, each sheet handed in twice
    .venv/bin/python bench/desk_load.py --times 1

What it checks (and prints): every upload answered 200; each action accepted exactly as many times as
it was handed in; the sheets folder and the desk's log agree (each file's SHA-256 is the last accepted
one); after the kill, no temporary part and no upload's work folder is left, and `reportgen check
--expect` finds the round complete. Not a test: the times are figures to record, nothing asserts one.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import hashlib
import http.client
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTGEN = [sys.executable, "-m", "reportgen"]


def request(address: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
            cookie: str = "") -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection(address, timeout=300)
    conn.request(method, path, body=body, headers={**(headers or {}), **({"Cookie": cookie} if cookie else {})})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data, (response.getheader("set-cookie") or "").split(";")[0]


def owner_link(draft: Path) -> str:
    message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    return re.search(r"http://[^/]+(/o/[A-Za-z0-9_-]+)", text).group(1)  # type: ignore[union-attr]


def hand_in_all(address: str, link: str, times: int, results: list[tuple[str, int, float]]) -> None:
    """One owner: open the page, download each sheet, hand each in ``times`` times."""
    try:
        status, page, cookie = request(address, "GET", link)
        action = re.search(r'<form method="post" action="([^"]+)"', page.decode()).group(1).replace("&amp;", "&")
        for sheet in re.findall(r'href="(/o/[^"]+/sheet/\d+)"', page.decode()):
            _, data, _ = request(address, "GET", sheet, cookie=cookie)
            for _ in range(times):
                boundary = uuid.uuid4().hex
                body = (f'--{boundary}\r\nContent-Disposition: form-data; name="sheet"; filename="x.xlsx"\r\n\r\n'
                        .encode() + data + f"\r\n--{boundary}--\r\n".encode())
                start = time.perf_counter()
                status, _, _ = request(address, "POST", action, body,
                                       {"Content-Type": f"multipart/form-data; boundary={boundary}"}, cookie)
                results.append((sheet.rsplit("/", 1)[1], status, time.perf_counter() - start))
    except (OSError, http.client.HTTPException, AttributeError):
        results.append(("?", 0, 0.0))  # the desk was killed under it


def wave(address: str, links: list[str], times: int) -> tuple[list[tuple[str, int, float]], float]:
    results: list[tuple[str, int, float]] = []
    threads = [threading.Thread(target=hand_in_all, args=(address, link, times, results)) for link in links]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - start


def serve(folder: Path, port: int) -> subprocess.Popen[bytes]:
    desk = subprocess.Popen([*REPORTGEN, "desk", "serve", "-q", "-c", str(folder / "report.yaml"), "--round",
                             str(folder / "udsendt" / "round.json"), "--port", str(port),
                             "--per-address", "100000"])  # every owner comes from 127.0.0.1 here
    while True:  # until it listens
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return desk
        except OSError:
            time.sleep(0.1)


def agree(folder: Path) -> tuple[bool, dict[int, int]]:
    """The sheets folder and the log agree; how many times each action was accepted."""
    db = sqlite3.connect(folder / "udsendt" / "desk.sqlite")
    rows = db.execute("SELECT action, file, sha256 FROM submissions WHERE accepted = 1 ORDER BY id").fetchall()
    db.close()
    last = {file: sha for _, file, sha in rows}
    counts: dict[int, int] = {}
    for number, _, _ in rows:
        counts[number] = counts.get(number, 0) + 1
    in_folder = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (folder / "sheets").glob("*.xlsx")}
    return in_folder == last, counts


def report(name: str, results: list[tuple[str, int, float]], seconds: float) -> None:
    times = sorted(t for _, status, t in results if status == 200)
    statuses = sorted({status for _, status, _ in results})
    p95 = times[int(len(times) * 0.95) - 1] if times else 0.0
    print(f"{name}: {len(results)} uploads in {seconds:.1f} s, answers {statuses}; per upload median "
          f"{statistics.median(times) if times else 0:.2f} s, 95th percentile {p95:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--times", type=int, default=2, help="How often each sheet is handed in.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="desk-load-") as tmp:
        folder = Path(tmp) / "report"
        shutil.copytree(ROOT / "inputs", folder, ignore=shutil.ignore_patterns("build"))
        config = str(folder / "report.yaml")
        subprocess.run([*REPORTGEN, "sheets", "-q", "-c", config, "--out", str(folder / "udsendt")], check=True)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        address = f"127.0.0.1:{port}"
        subprocess.run([*REPORTGEN, "desk", "links", "-q", "-c", config, "--round",
                        str(folder / "udsendt" / "round.json"), "--url", f"http://{address}"], check=True,
                       stdout=subprocess.DEVNULL)
        links = [owner_link(d) for d in sorted((folder / "udsendt" / "mail").glob("*.eml"))]
        desk = serve(folder, port)
        results, seconds = wave(address, links, args.times)
        report(f"{len(links)} owners at once", results, seconds)
        same, counts = agree(folder)
        print(f"  folder and log agree: {same}; every action accepted {args.times} times: "
              f"{len(counts) == 50 and set(counts.values()) == {args.times}}")
        killer = threading.Timer(1.0, desk.send_signal, args=(signal.SIGKILL,))
        killer.start()
        results, seconds = wave(address, links, 1)
        desk.wait()
        leftovers = [p for p in folder.rglob("*") if p.name.endswith(".part")]
        report("a wave with kill -9 after 1 s", results, seconds)
        desk = serve(folder, port)
        work = folder / "udsendt" / "desk" / "work"
        print(f"  after the restart: temporary parts left {len(leftovers)}, upload work left "
              f"{len(list(work.iterdir())) if work.exists() else 0}; folder and log agree: {agree(folder)[0]}")
        results, seconds = wave(address, links, 1)
        report("the wave again", results, seconds)
        desk.terminate()
        desk.wait()
        expect = str(folder / "udsendt" / "round.json")
        checked = subprocess.run([*REPORTGEN, "check", "-c", config, "--expect", expect], capture_output=True,
                                 text=True)
        print(f"  folder and log agree: {agree(folder)[0]}; reportgen check --expect: exit {checked.returncode}, "
              f"{checked.stdout.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
