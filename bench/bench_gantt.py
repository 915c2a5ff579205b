"""Gantt in Chromium: how long a 10,000-task project takes to open and how smooth scrolling is.

Targets (issue #3): the chart is ready in under 1.5 s and scrolls without stutter (frames near 16.7 ms).
Runs the browser test that builds the project and records the timings (tests/browser/test_gantt.py),
then prints its figures; asserts nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIMINGS = REPO / "build" / "gantt-timings.json"


def main() -> None:
    TIMINGS.unlink(missing_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/browser/test_gantt.py",
            "-k",
            "ten",
        ],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    figures = json.loads(TIMINGS.read_text())
    opened, scroll, fling = figures["open"], figures["scroll"], figures["fling"]
    rows = [
        ("navigation → chart ready (ms)", opened["ready_ms"], 1500),
        ("  page response end (ms)", opened["response_end_ms"], None),
        ("  data fetch (ms)", opened["fetch_ms"], None),
        ("  first render after script start (ms)", opened["first_render_ms"], None),
        ("wheel scroll 100 px/frame: median frame (ms)", scroll["p50_ms"], 16.7),
        ("wheel scroll: 95th percentile frame (ms)", scroll["p95_ms"], 33.3),
        ("wheel scroll: worst frame (ms)", scroll["max_ms"], None),
        ("fling 650 px/frame: median frame (ms)", fling["p50_ms"], 16.7),
        ("fling: 95th percentile frame (ms)", fling["p95_ms"], 33.3),
        ("fling: worst frame (ms)", fling["max_ms"], None),
        ("rows in the DOM while scrolling", scroll["rows_in_dom"], None),
    ]
    print(f"Gantt, {figures['tasks']:,} tasks, {scroll['frames']} frames per scroll run (Chromium, headless)")
    print(f"{'':48}{'measured':>10}{'target':>10}{'ratio':>8}")
    for label, value, target in rows:
        ratio = f"{value / target:.2f}" if target else ""
        print(f"{label:48}{value:>10.1f}{target if target is not None else '-':>10}{ratio:>8}")


if __name__ == "__main__":
    main()
