"""Kuroko's engine side by side with TaskJuggler (Debian package `tj3`) on the same generated networks.

Both schedule the same random network (bench_cpm.random_plan, FS/SS/FF links with lags, working days of
8 hours, Japanese holidays); the script prints both wall times and the ratio. TaskJuggler has no FF/SF
links, so those are given to it as FS: the comparison times the same amount of work, not identical
schedules. TaskJuggler's time includes its start-up and report writing (they cannot be measured apart);
Kuroko's is `schedule()` in-process.

Run: `.venv/bin/python bench/bench_tj3.py [--sizes 1000 5000]` (needs `apt-get install tj3`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_cpm import random_plan

from kuroko.engine.cpm import schedule
from kuroko.engine.model import LinkType, Plan


def to_tjp(plan: Plan) -> str:
    """The plan as a TaskJuggler project: the same tasks, durations (effortless `length`) and links."""
    holidays = "\n".join(
        f'leaves holiday "{e.name or "holiday"}" {e.start:%Y-%m-%d}'
        for e in plan.calendars[0].exceptions
        if e.start.year <= 2035  # TaskJuggler's calendar ends in 2035
    )
    lines = [
        f'project bench "Bench" {plan.start:%Y-%m-%d}-08:00 +9y {{',
        '  timezone "Asia/Tokyo"',
        "  workinghours mon - fri 9:00 - 12:00, 13:00 - 18:00",
        "  workinghours sat, sun off",
        "  dailyworkinghours 8",
        "}",
        holidays,
    ]
    preds: dict[str, list[str]] = {}
    for link in plan.links:
        # TaskJuggler knows FS (depends) and SS (depends … {onstart}); FF/SF are approximated by FS here,
        # so the comparison times the same amount of work, not identical semantics.
        gap = f" {{ gaplength {round(link.lag) / 60:g}h }}" if link.lag > 0 else ""
        onstart = " { onstart }" if link.type == LinkType.SS and not gap else ""
        preds.setdefault(link.successor, []).append(f"!{link.predecessor}{gap or onstart}")
    for t in plan.tasks:
        lines.append(f'task {t.id} "{t.name}" {{')
        lines.append(f"  length {t.duration / 60:g}h")
        if t.id in preds:
            lines.append("  depends " + ", ".join(p.replace("!", "") for p in preds[t.id]))
        lines.append("}")
    lines.append('taskreport "out" { formats csv columns id, start, end }')
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000])
    args = parser.parse_args()
    tj3 = shutil.which("tj3")
    if tj3 is None:
        sys.exit("tj3 is not installed: apt-get install tj3")
    print(f"{'tasks':>7}{'Kuroko ms':>12}{'TaskJuggler s':>15}{'ratio':>10}")
    for n in args.sizes:
        plan = random_plan(n, seed=n)
        schedule(plan)
        t0 = time.perf_counter()
        schedule(plan)
        ours = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.tjp"
            path.write_text(to_tjp(plan), encoding="utf-8")
            t0 = time.perf_counter()
            done = subprocess.run(
                [tj3, "--no-color", "-o", tmp, str(path)], capture_output=True, text=True, check=False
            )
            theirs = time.perf_counter() - t0
        status = (
            "" if done.returncode == 0 else f"  (tj3 exit {done.returncode}: {done.stderr.strip()[:120]})"
        )
        print(f"{n:>7}{ours * 1000:>12.1f}{theirs:>15.2f}{theirs / ours:>10.0f}×{status}")


if __name__ == "__main__":
    main()
