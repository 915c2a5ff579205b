"""Import benchmark: a 10,000-row Excel WBS and a 10,000-task MS Project XML file, each imported end to end
(parse, validate, write, schedule) as a new project on SQLite, and the dry-run re-import of the sheet.

Targets (issue 7): each import under 5 s. The inputs are built here: a WBS of 4 levels (10 phases × 10
× 10 × 9 work packages = 10,110 rows) with owners, planned dates, progress, effort and a predecessor on
about half the rows (each work package after its previous sibling); the MS Project file is the same
outline written with `write_mspdi` from a synthetic plan. Each run imports into a fresh project code in
a fresh SQLite database in a temporary directory; medians of `--repeat` runs (3) are printed with the
ratio to the target. It asserts nothing.

Run: `.venv/bin/python bench/bench_import.py [--repeat 3] [--phases 10]`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

TARGET_S = 5.0


def outline(phases: int) -> list[tuple[str, int]]:
    """(WBS code, level) of 4 levels: phases × 10 × 10 × 9."""
    rows: list[tuple[str, int]] = []
    for a in range(1, phases + 1):
        rows.append((f"{a}", 1))
        for b in range(1, 11):
            rows.append((f"{a}.{b}", 2))
            for c in range(1, 11):
                rows.append((f"{a}.{b}.{c}", 3))
                for d in range(1, 10):
                    rows.append((f"{a}.{b}.{c}.{d}", 4))
    return rows


def excel_wbs(phases: int) -> bytes:
    """The WBS as an .xlsx in Japanese headers (written with openpyxl's streaming writer)."""
    from kuroko.formats.excel_wbs import WbsRow, default_layout, write_wbs

    headers = {
        "id": "ID", "wbs": "WBS", "name": "タスク名", "owner": "担当", "start": "予定開始",
        "finish": "予定終了", "duration": "期間", "actual_start": "実績開始", "actual_finish": "実績終了",
        "progress": "進捗率", "work": "工数(時間)", "predecessors": "先行", "notes": "備考",
    }  # fmt: skip
    import holidays

    off = holidays.Japan(years=2027)
    # Working days of 2027 whose next day works too: every start–finish span has working time.
    days = [
        d
        for d in (date(2027, 1, 1) + timedelta(days=n) for n in range(360))
        if d.weekday() < 4 and d not in off and d + timedelta(days=1) not in off
    ]
    rows = []
    for n, (code, level) in enumerate(outline(phases)):
        leaf = level == 4
        last = int(code.rsplit(".", 1)[-1])
        start = days[n % len(days)]
        rows.append(
            WbsRow(
                level=level,
                name=f"作業 {code}",
                id=str(n + 1),
                wbs=code,
                owners=(f"担当者 {n % 50:02d}",) if leaf else (),
                start=start if leaf else None,
                finish=start + timedelta(days=1) if leaf else None,
                progress=(n * 7) % 101 if leaf else None,
                work=16 * 60 if leaf else None,
                predecessors=f"{code.rsplit('.', 1)[0]}.{last - 1}" if leaf and last > 1 else "",
                notes="",
                summary=not leaf,
            )
        )
    return write_wbs(rows, default_layout(headers, sheet="WBS"))


def mspdi_file(phases: int) -> bytes:
    """The same outline as MS Project XML: durations, the same predecessor links."""
    from kuroko.engine.model import Link, Plan, Task
    from kuroko.formats.mspdi import write_mspdi

    codes = outline(phases)
    ids = {code: str(n + 1) for n, (code, _level) in enumerate(codes)}
    tasks = []
    links = []
    for code, level in codes:
        parent = ids[code.rsplit(".", 1)[0]] if level > 1 else None
        tasks.append(
            Task(id=ids[code], name=f"Work {code}", duration=960 if level == 4 else 0, parent=parent)
        )
        last = int(code.rsplit(".", 1)[-1])
        if level == 4 and last > 1:
            links.append(Link(ids[f"{code.rsplit('.', 1)[0]}.{last - 1}"], ids[code]))
    plan = Plan(start=datetime(2027, 4, 5, 9), tasks=tuple(tasks), links=tuple(links), name="Bench")
    return write_mspdi(plan)


def median_s(run: Callable[[int], Any], repeat: int) -> float:
    times = []
    for n in range(repeat):
        t0 = time.perf_counter()
        run(n)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--phases", type=int, default=10, help="top-level phases (1,011 rows each)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="kuroko-bench-import-"))
    (data_dir / "static").mkdir()
    os.environ.update({"KUROKO_DATA_DIR": str(data_dir), "KUROKO_DEMO": "1"})
    for name in ("KUROKO_DEBUG", "KUROKO_DATABASE_URL"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from kuroko.core.models import Role, User
    from kuroko.projects.models import Project
    from kuroko.projects.services import (
        project_import_excel,
        project_import_mspdi,
        project_update_excel,
    )

    call_command("migrate", "--no-input", "--verbosity", "0")
    user = User.objects.create(username="bench-pmo", role=Role.PMO_ADMIN)
    t0 = time.perf_counter()
    sheet = excel_wbs(args.phases)
    built_sheet = time.perf_counter() - t0
    t0 = time.perf_counter()
    xml = mspdi_file(args.phases)
    built_xml = time.perf_counter() - t0
    rows = len(outline(args.phases))
    print(f"inputs: {rows:,} rows; .xlsx {len(sheet) / 1e6:.1f} MB built in {built_sheet:.1f} s, "
          f"MSPDI {len(xml) / 1e6:.1f} MB built in {built_xml:.1f} s")  # fmt: skip

    def excel_run(n: int) -> None:
        project_import_excel(actor=user, data=sheet, options=None, code=f"XL-{n}")

    def mspdi_run(n: int) -> None:
        project_import_mspdi(actor=user, data=xml, code=f"MX-{n}")

    excel_s = median_s(excel_run, args.repeat)
    tasks = Project.objects.get(code="XL-0").tasks.count()
    ratio = excel_s / TARGET_S
    print(
        f"Excel WBS import ({tasks:,} tasks): median {excel_s:.2f} s — {ratio:.2f} × the 5 s target",
        flush=True,
    )
    mspdi_s = median_s(mspdi_run, args.repeat)
    tasks = Project.objects.get(code="MX-0").tasks.count()
    ratio = mspdi_s / TARGET_S
    print(
        f"MSPDI import ({tasks:,} tasks): median {mspdi_s:.2f} s — {ratio:.2f} × the 5 s target", flush=True
    )
    project = Project.objects.get(code="XL-0")

    def dry_run(_n: int) -> None:
        diff = project_update_excel(actor=user, project=project, data=sheet, options=None, dry_run=True)
        assert diff is not None

    dry_s = median_s(dry_run, args.repeat)
    print(f"Excel WBS re-import, dry run (same sheet): median {dry_s:.2f} s")


if __name__ == "__main__":
    main()
