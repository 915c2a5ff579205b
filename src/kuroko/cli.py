"""The `kuroko` command: demo, serve, worker, seed, manage."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

app = typer.Typer(
    name="kuroko",
    help="Kuroko — the open-source PMO platform.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
console = Console()
err = Console(stderr=True)


def _django(**env: str) -> None:
    """Configure Django once, after the command has set its environment."""
    for key, value in env.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuroko.settings")
    import django

    django.setup()
    from kuroko.core.i18n import compile_catalogs

    compile_catalogs()


def _gunicorn(bind: str, *, workers: int) -> None:
    """Serve with gunicorn (whitenoise serves the static files) until interrupted."""
    from django.conf import settings
    from gunicorn.app.wsgiapp import run

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    sys.argv = [
        "gunicorn",
        "kuroko.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]
    run()


def _background_worker() -> subprocess.Popen[bytes]:
    """Start `kuroko worker` (the django-tasks-db worker) as a child process with this environment."""
    return subprocess.Popen([sys.executable, "-m", "kuroko.cli", "worker"], env=os.environ.copy())


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    seed: Annotated[int, typer.Option(help="Seed of the generated demo organisation.")] = 2026,
    reset: Annotated[bool, typer.Option(help="Delete the demo database and build it again.")] = False,
    serve: Annotated[bool, typer.Option(help="Start the web server after loading.")] = True,
) -> None:
    """Create the demo organisation in an embedded SQLite database and serve it."""
    data_dir = Path(os.environ.get("KUROKO_DATA_DIR", Path.cwd() / "var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if reset and not os.environ.get("KUROKO_DATABASE_URL"):
        for suffix in ("", "-wal", "-shm"):
            (data_dir / f"kuroko.sqlite3{suffix}").unlink(missing_ok=True)
    _django(KUROKO_DEMO="1", KUROKO_DATA_DIR=str(data_dir))
    _manage("migrate", "--no-input", "--verbosity", "0")
    from kuroko.demo.generator import DEMO_PASSWORD, build_demo, demo_logins, has_data

    if has_data():
        console.print("[dim]Demo data already loaded (use --reset to rebuild it).[/dim]")
    else:
        with console.status("Building the demo organisation…"):
            summary = build_demo(seed=seed)
        console.print(f"[green]Loaded[/green] {summary}")
    url = f"http://{host}:{port}/"
    console.rule("[bold]Kuroko demo")
    console.print(f"Open [bold cyan]{url}[/bold cyan] and log in as (password [bold]{DEMO_PASSWORD}[/bold]):")
    for username, role in demo_logins():
        console.print(f"  [bold]{username:<12}[/bold] {role}")
    console.print(f"Data: {data_dir}   Stop with Ctrl+C.")
    if serve:
        # Background work (levelling proposals) needs a task worker beside the web server.
        worker = _background_worker()
        try:
            _gunicorn(f"{host}:{port}", workers=2)
        finally:
            worker.terminate()


@app.command(name="serve")
def serve_cmd(
    bind: Annotated[str, typer.Option(help="host:port to bind.")] = "127.0.0.1:8000",
    workers: Annotated[int, typer.Option(help="Number of gunicorn worker processes.")] = 2,
    migrate: Annotated[bool, typer.Option(help="Apply database migrations first.")] = True,
) -> None:
    """Run the production server (gunicorn; static files served by whitenoise)."""
    _django()
    if migrate:
        _manage("migrate", "--no-input", "--verbosity", "0")
    _manage("collectstatic", "--no-input", "--verbosity", "0")
    _gunicorn(bind, workers=workers)


@app.command()
def worker(
    queue: Annotated[str, typer.Option(help="Queue to process.")] = "default",
    batch: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False,
    scheduler: Annotated[
        bool, typer.Option(help="Queue the daily jobs (audit, escalations, EVM snapshots) when they are due.")
    ] = True,
) -> None:
    """Process background tasks (django-tasks-db worker); every minute, queue the periodic jobs that are
    due (kuroko.core.scheduler; each slot once, however many workers run)."""
    _django()
    args = ["db_worker", "--queue-name", queue]
    if batch:
        args.append("--batch")
    stop = None
    if scheduler and not batch:
        import threading

        from kuroko.core.scheduler import scheduler_loop

        stop = threading.Event()
        threading.Thread(target=scheduler_loop, args=(stop,), name="kuroko-scheduler", daemon=True).start()
    try:
        _manage(*args)
    finally:
        if stop is not None:
            stop.set()


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True}, add_help_option=False
)
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `kuroko manage createsuperuser`."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kuroko manage", *ctx.args])


@app.command()
def seed(
    projects: Annotated[int, typer.Option(min=1, help="Number of projects.")] = 50,
    tasks_per_project: Annotated[int, typer.Option(min=1, help="Tasks in each project.")] = 100,
    people: Annotated[int, typer.Option(min=1, help="Number of people.")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same data.")] = 1,
    timesheet_days: Annotated[
        int,
        typer.Option(
            min=0,
            help="Days of daily time entries back from today, with weekly timesheets, rates and baselines "
            "(365 with 500 projects × 200 tasks and 1,000 people gives about a million entries).",
        ),
    ] = 0,
) -> None:
    """Generate a deterministic synthetic organisation (for load tests and benchmarks)."""
    _django()
    _manage("migrate", "--no-input", "--verbosity", "0")
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from kuroko.demo.generator import build_synthetic

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        job = bar.add_task("Seeding", total=projects)
        summary = build_synthetic(
            projects=projects,
            tasks_per_project=tasks_per_project,
            people=people,
            seed=seed,
            progress=lambda done: bar.update(job, completed=done),
            timesheet_days=timesheet_days,
            timesheet_progress=lambda step: bar.update(job, description=f"Timesheets: {step}"),
        )
    console.print(f"[green]Seeded[/green] {summary}")


@app.command(name="schedule")
def schedule_cmd(
    file: Annotated[Path, typer.Argument(help="A Kuroko plan JSON file or an MS Project XML (MSPDI) file.")],
    status_date: Annotated[
        str | None,
        typer.Option("--status-date", help="Status date YYYY-MM-DD[THH:MM]; overrides the file's."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the schedule as JSON.")] = False,
) -> None:
    """Schedule a plan file and print every task's dates, floats and the critical path."""
    import dataclasses
    import json
    from datetime import datetime

    from kuroko.engine.cpm import PlanError, schedule
    from kuroko.formats.plan_json import PlanFormatError, read_plan

    def fail(message: str) -> None:
        err.print(f"[red]Error:[/red] {message}", highlight=False)
        raise typer.Exit(2)

    if not file.is_file():
        fail(f"{file}: no such file.")
    try:
        if file.suffix.lower() == ".xml":
            from kuroko.formats.mspdi import read_mspdi

            plan = read_mspdi(file).plan
        else:
            plan = read_plan(file)
        if status_date:
            try:
                plan = dataclasses.replace(plan, status_date=datetime.fromisoformat(status_date))
            except ValueError:
                fail(f"--status-date: {status_date!r} is not a date like 2026-04-01.")
        result = schedule(plan)
    except (PlanFormatError, PlanError, ValueError) as exc:
        fail(f"{file}: {exc}")
        return
    names = {t.id: t.name for t in plan.tasks}

    def iso(value: datetime) -> str:
        return value.strftime("%Y-%m-%dT%H:%M:%S")

    if as_json:
        print(
            json.dumps(
                {
                    "project_start": iso(result.project_start),
                    "project_finish": iso(result.project_finish),
                    "critical_path": list(result.critical_path),
                    "problems": [{"task": p.task, "message": p.message} for p in result.problems],
                    "tasks": [
                        {
                            "id": t.id,
                            "name": names.get(t.id, ""),
                            "start": iso(t.start),
                            "finish": iso(t.finish),
                            "early_start": iso(t.early_start),
                            "early_finish": iso(t.early_finish),
                            "late_start": iso(t.late_start),
                            "late_finish": iso(t.late_finish),
                            "total_float_minutes": t.total_float,
                            "free_float_minutes": t.free_float,
                            "critical": t.critical,
                            "summary": t.summary,
                        }
                        for t in result.tasks.values()
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    from rich.table import Table

    table = Table(
        title=f"{plan.name or file.name}: {result.project_start:%Y-%m-%d %H:%M} → "
        f"{result.project_finish:%Y-%m-%d %H:%M}"
    )
    for column in ("ID", "Name", "Start", "Finish", "Total float (h)", "Free float (h)", "Critical"):
        table.add_column(column, justify="right" if "float" in column else "left")
    for t in result.tasks.values():
        table.add_row(
            t.id,
            names.get(t.id, ""),
            f"{t.start:%Y-%m-%d %H:%M}",
            f"{t.finish:%Y-%m-%d %H:%M}",
            f"{t.total_float / 60:g}",
            f"{t.free_float / 60:g}",
            "yes" if t.critical else "",
            style="bold red" if t.critical else None,
        )
    console.print(table)
    console.print("Critical path: " + " → ".join(names.get(t, t) or t for t in result.critical_path))
    for problem in result.problems:
        console.print(
            f"[yellow]Warning[/yellow] {names.get(problem.task) or problem.task}: {problem.message}"
        )


@app.command(name="evm")
def evm_cmd(
    file: Annotated[Path, typer.Argument(help="A Kuroko plan JSON file with baselines and actual costs.")],
    status_date: Annotated[
        str | None,
        typer.Option("--status-date", help="Status date YYYY-MM-DD (default: the file's status_date)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Earned value of a plan file as of a status date: PV, EV, AC, indices, EAC, earned schedule."""
    import json
    from datetime import date, datetime

    from rich.markup import escape

    from kuroko.engine.evm import Figures, display_places, earned_value, round_half_up
    from kuroko.formats.plan_json import PlanFormatError, evm_from_dict, plan_from_dict

    def fail(message: str) -> None:
        err.print(f"[red]Error:[/red] {escape(message)}", highlight=False)
        raise typer.Exit(2)

    day: date | None = None
    if status_date is not None:
        try:
            day = date.fromisoformat(status_date)
        except ValueError:
            fail(f"--status-date: {status_date!r} is not a date like 2027-06-18.")
    if not file.is_file():
        fail(f"{file}: no such file.")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: cannot be read ({exc}).")
    except json.JSONDecodeError as exc:
        fail(f"{file}: line {exc.lineno}, column {exc.colno}: {exc.msg}")
    try:
        plan = plan_from_dict(data)
        project = evm_from_dict(data, plan)
    except (PlanFormatError, ValueError) as exc:
        fail(f"{file}: {exc}")
        return
    if day is None:
        if plan.status_date is None:
            fail(f"{file} has no status_date: give one with --status-date YYYY-MM-DD.")
            return
        day = plan.status_date.date()
    if not any(t.start is not None or t.phasing for t in project.tasks):
        fail(
            f'{file}: no task has a baseline; give tasks a "baseline" with start, finish and budget '
            "(see docs/plan-format.md)."
        )
    result = earned_value(project, status_date=day)

    def iso(value: datetime | None) -> str | None:
        return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%S")

    def values(f: Figures) -> dict[str, object]:
        keys = "bac pv ev ac sv cv spi cpi eac eac_atypical eac_cpi eac_cpi_spi etc vac tcpi tcpi_eac"
        keys += " pd at es sv_t spi_t ieac_t"
        return (
            {"id": f.id, "name": f.name, "summary": f.summary}
            | {"baseline_start": iso(f.start), "baseline_finish": iso(f.finish)}
            | {key: getattr(f, key) for key in keys.split()}
            | {"forecast_finish": iso(f.forecast_finish)}
        )

    if as_json:
        head = {"status_date": day.isoformat(), "method": result.method.value, "unit": result.unit.value}
        body = values(result.project) | {"tasks": [values(f) for f in result.elements.values()]}
        print(json.dumps(head | {"currency": result.currency} | body, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    places = display_places(result.unit, result.currency)

    def amount(value: float | None) -> str:
        return "—" if value is None else f"{round_half_up(value, places):,}"

    def index(value: float | None) -> str:
        return "—" if value is None else str(round_half_up(value, 2))

    def days(value: float | None) -> str:
        return "—" if value is None else f"{round_half_up(value, 1)} d"

    unit = result.currency or result.unit.value.replace("_", "-")
    p = result.project
    finish = "—" if p.forecast_finish is None else f"{p.forecast_finish:%Y-%m-%d %H:%M}"
    summary = Table(title=f"{plan.name or file.name}: earned value on {day} ({result.method.value}, {unit})")
    for column in ("", "amount", "", "index", "", "time (working days)"):
        summary.add_column(column, justify="left" if column == "" else "right")
    rows = [
        ("BAC", amount(p.bac), "SPI = EV/PV", index(p.spi), "PD", days(p.pd)),
        ("PV", amount(p.pv), "CPI = EV/AC", index(p.cpi), "AT", days(p.at)),
        ("EV", amount(p.ev), "TCPI to BAC", index(p.tcpi), "ES", days(p.es)),
        ("AC", amount(p.ac), "TCPI to EAC", index(p.tcpi_eac), "SV(t) = ES − AT", days(p.sv_t)),
        ("SV = EV − PV", amount(p.sv), "", "", "SPI(t) = ES/AT", index(p.spi_t)),
        ("CV = EV − AC", amount(p.cv), "", "", "IEAC(t) = PD/SPI(t)", days(p.ieac_t)),
        ("EAC = BAC/CPI", amount(p.eac), "", "", "forecast finish", finish),
        ("EAC = AC + BAC − EV", amount(p.eac_atypical), "", "", "", ""),
        ("EAC = AC + (BAC − EV)/(CPI×SPI)", amount(p.eac_cpi_spi), "", "", "", ""),
        ("ETC = EAC − AC", amount(p.etc), "", "", "", ""),
        ("VAC = BAC − EAC", amount(p.vac), "", "", "", ""),
    ]
    for row in rows:
        summary.add_row(*row)
    console.print(summary)
    tasks = Table()
    for column in ("ID", "Name", "BAC", "PV", "EV", "AC", "SPI", "CPI", "EAC", "ES", "SPI(t)"):
        tasks.add_column(column, justify="left" if column in ("ID", "Name") else "right")
    for f in result.elements.values():
        tasks.add_row(
            f.id,
            f.name,
            amount(f.bac),
            amount(f.pv),
            amount(f.ev),
            amount(f.ac),
            index(f.spi),
            index(f.cpi),
            amount(f.eac),
            days(f.es),
            index(f.spi_t),
            style="bold" if f.summary else None,
        )
    console.print(tasks)


@app.command(name="simulate")
def simulate_cmd(
    file: Annotated[
        Path,
        typer.Argument(help="A Kuroko plan JSON file (with or without its risk section) or an MSPDI .xml."),
    ],
    iterations: Annotated[
        int, typer.Option("--iterations", help="Iterations to run (1 to 1,000,000).")
    ] = 5000,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed; the same seed gives the same forecast.")
    ] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the forecast as JSON.")] = False,
    sampling: Annotated[
        str, typer.Option("--sampling", help="lhs (Latin Hypercube, default) or random.")
    ] = "lhs",
    spread: Annotated[
        str | None,
        typer.Option(
            "--range",
            help="Factors of the planned duration (low,likely,high) for tasks without an estimate, "
            "e.g. 0.9,1,1.3.",
        ),
    ] = None,
    distribution: Annotated[
        str | None,
        typer.Option(
            "--distribution", help="Distribution of --range: pert, triangular, uniform or lognormal."
        ),
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option("--deadline", help="Deadline YYYY-MM-DD[THH:MM]: the probability of meeting it."),
    ] = None,
    convergence: Annotated[
        float | None,
        typer.Option(
            "--convergence",
            help="Stop once P50 and P80 move less than this many working minutes between batches.",
        ),
    ] = None,
) -> None:
    """Monte Carlo schedule and cost risk of a plan file: P10–P90 finish, milestones, criticality, cost."""
    import dataclasses
    import json
    from datetime import datetime

    from rich.markup import escape

    from kuroko.engine.cpm import PlanError
    from kuroko.engine.risk import Distribution, RiskInputError, RiskModel, simulate
    from kuroko.formats.plan_json import PlanFormatError, plan_from_dict
    from kuroko.formats.risk_json import forecast_to_dict, risk_model_from_dict

    def fail(message: str) -> None:
        err.print(f"[red]Error:[/red] {escape(message)}", highlight=False)
        raise typer.Exit(2)

    factors: tuple[float, float, float] | None = None
    if spread is not None:
        try:
            low, likely, high = (float(part) for part in spread.split(","))
            factors = (low, likely, high)
        except ValueError:
            fail(f"--range: {spread!r} is not three factors like 0.9,1,1.3.")
    kind: Distribution | None = None
    if distribution is not None:
        try:
            kind = Distribution(distribution)
        except ValueError:
            fail(
                f"--distribution: {distribution!r} is not one of {', '.join(d.value for d in Distribution)}."
            )
    due: datetime | None = None
    if deadline is not None:
        try:
            due = datetime.fromisoformat(deadline)
            if "T" not in deadline and " " not in deadline:  # a day: finishing any time that day meets it
                due = due.replace(hour=23, minute=59)
        except ValueError:
            fail(f"--deadline: {deadline!r} is not a date like 2027-03-31.")
        if due is not None and due.tzinfo is not None:
            fail(f"--deadline: {deadline!r} has a time zone; give local time like 2027-03-31T17:00.")
    if seed < 0:
        fail("--seed: give a whole number of 0 or more.")
    if not file.is_file():
        fail(f"{file}: no such file.")
    try:
        if file.suffix.lower() == ".xml":
            from kuroko.formats.mspdi import read_mspdi

            plan = read_mspdi(file).plan
            model = RiskModel()
        else:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                fail(f"{file}: cannot be read ({exc}).")
            except json.JSONDecodeError as exc:
                fail(f"{file}: line {exc.lineno}, column {exc.colno}: {exc.msg}")
            plan = plan_from_dict(data)
            model = risk_model_from_dict(data, plan)
        if factors is not None:
            model = dataclasses.replace(model, default_range=factors)
        if kind is not None:
            model = dataclasses.replace(model, default_distribution=kind)
        forecast = simulate(
            plan,
            model,
            iterations=iterations,
            seed=seed,
            sampling=sampling,
            convergence=convergence,
            deadline=due,
        )
    except RiskInputError as exc:
        fail(f"{file}: {exc}" if exc.task or exc.event else str(exc))
        return
    except (PlanFormatError, PlanError, ValueError) as exc:
        fail(f"{file}: {exc}")
        return
    # What the inputs let vary (not what one short run happened to show: one iteration has no spread).
    low, _likely, high = model.default_range or (1.0, 1.0, 1.0)
    varies = (
        low != high
        or any(e.minimum != e.maximum for e in model.estimates.values())
        or any(e.probability > 0 for e in model.events)
        or bool(forecast.sensitivity)
    )
    if not varies:
        err.print(
            "[yellow]Warning:[/yellow] nothing in this plan is uncertain, so every iteration is the CPM "
            'schedule. Give tasks an "estimate" (or the plan "risks"; see docs/plan-format.md), or pass '
            "--range 0.9,1,1.3 to vary every task's duration.",
            highlight=False,
        )
    if as_json:
        print(json.dumps(forecast_to_dict(forecast, plan), ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    names = {t.id: t.name for t in plan.tasks}
    finish = forecast.finish
    converged = {True: ", converged", False: ", did not converge", None: ""}[forecast.converged]
    console.print(
        f"[bold]{escape(plan.name or file.name)}[/bold]: {forecast.iterations:,} iterations "
        f"({forecast.sampling}, seed {forecast.seed}{converged}); "
        f"CPM finish {finish.deterministic:%Y-%m-%d %H:%M}, "
        f"met in {finish.probability_deterministic:.0%} of iterations"
    )
    dates = Table(title="Project finish")
    for p in (10, 20, 50, 80, 90):
        dates.add_column(f"P{p}", justify="right")
    dates.add_row(*(f"{finish.percentiles[p]:%Y-%m-%d}" for p in (10, 20, 50, 80, 90)))
    console.print(dates)
    if finish.deadline is not None and finish.probability_deadline is not None:
        console.print(
            f"Probability of finishing by {finish.deadline:%Y-%m-%d %H:%M}: {finish.probability_deadline:.1%}"
        )
    if forecast.milestones:
        table = Table(title="Milestones and deadlines")
        for column in ("ID", "Name", "CPM", "P50", "P80", "P90", "Deadline", "P(deadline)"):
            table.add_column(column, justify="left" if column in ("ID", "Name") else "right")
        for task, d in forecast.milestones.items():
            table.add_row(
                task,
                names.get(task, ""),
                f"{d.deterministic:%Y-%m-%d}",
                *(f"{d.percentiles[p]:%Y-%m-%d}" for p in (50, 80, 90)),
                "" if d.deadline is None else f"{d.deadline:%Y-%m-%d}",
                "" if d.probability_deadline is None else f"{d.probability_deadline:.0%}",
            )
        console.print(table)
    ranking = Table(title="Top 10 tasks")
    for column in ("ID", "Name", "Criticality", "ID ", "Name ", "Sensitivity (Spearman)"):
        ranking.add_column(column, justify="right" if column[0] in "CS" else "left")
    critical = sorted(forecast.criticality.items(), key=lambda kv: -kv[1])[:10]
    sensitive = sorted(forecast.sensitivity.items(), key=lambda kv: -abs(kv[1]))[:10]
    for k in range(max(len(critical), len(sensitive))):
        left = (
            (critical[k][0], names.get(critical[k][0], ""), f"{critical[k][1]:.0%}")
            if k < len(critical)
            else ("", "", "")
        )
        right = (
            (sensitive[k][0], names.get(sensitive[k][0], ""), f"{sensitive[k][1]:+.2f}")
            if k < len(sensitive)
            else ("", "", "")
        )
        ranking.add_row(*left, *right)
    console.print(ranking)
    if forecast.cost is not None:
        cost = forecast.cost
        table = Table(title="Cost")
        for column in ("Plan", "Mean", "P10", "P50", "P80", "P90"):
            table.add_column(column, justify="right")
        table.add_row(
            f"{cost.deterministic:,.0f}",
            f"{cost.mean:,.0f}",
            *(f"{cost.percentiles[p]:,.0f}" for p in (10, 50, 80, 90)),
        )
        console.print(table)
    if forecast.event_occurrence:
        console.print(
            "Risk events occurred: "
            + ", ".join(f"{risk} {share:.0%}" for risk, share in forecast.event_occurrence.items())
        )


@app.command(name="evm-snapshots")
def evm_snapshots_cmd(
    day: Annotated[
        str | None,
        typer.Option("--date", help="Status date YYYY-MM-DD (default: each project's own, else today)."),
    ] = None,
    background: Annotated[
        bool, typer.Option("--background", help="Queue the work for `kuroko worker` instead of doing it now.")
    ] = False,
) -> None:
    """Record the earned value of every active project (the history behind EVM trends); run it from cron."""
    from datetime import date

    from rich.markup import escape

    def fail(message: str) -> None:
        err.print(f"[red]Error:[/red] {escape(message)}", highlight=False)
        raise typer.Exit(2)

    status_date = None
    if day is not None:
        try:
            status_date = date.fromisoformat(day)
        except ValueError:
            fail(f"--date: {day!r} is not a date like 2027-06-30.")
    _django()
    if background:
        from kuroko.tracking.tasks import evm_snapshots_in_background

        result = evm_snapshots_in_background.enqueue(status_date.isoformat() if status_date else None)
        console.print(f"Queued: {result.id}")
        return
    from kuroko.tracking.services.evm import evm_snapshots_record_all

    count = evm_snapshots_record_all(status_date=status_date)
    console.print(f"Recorded the earned value of {count} projects.")


@app.command(name="escalate")
def escalate_cmd(
    day: Annotated[
        str | None, typer.Option("--date", help="Check as of this day, YYYY-MM-DD (default: today).")
    ] = None,
    background: Annotated[
        bool, typer.Option("--background", help="Queue the work for `kuroko worker` instead of doing it now.")
    ] = False,
) -> None:
    """Apply the escalation rules to open issues, risks and action items; run it daily from cron."""
    from datetime import date

    from rich.markup import escape

    as_of = None
    if day is not None:
        try:
            as_of = date.fromisoformat(day)
        except ValueError:
            err.print(
                f"[red]Error:[/red] {escape(f'--date: {day!r} is not a date like 2027-06-30.')}",
                highlight=False,
            )
            raise typer.Exit(2) from None
    _django()
    if background:
        from kuroko.raid.tasks import escalations_in_background

        result = escalations_in_background.enqueue(as_of.isoformat() if as_of else None)
        console.print(f"Queued: {result.id}")
        return
    from django.utils import timezone

    from kuroko.raid.selectors.registers import escalation_event_items
    from kuroko.raid.services.escalation import escalations_check

    events = escalations_check(today=as_of or timezone.localdate())
    for event in escalation_event_items(events):
        item = getattr(event, "item", None)
        console.print(
            f"{event.project.code} {item if item is not None else event.item_id} → "
            f"{event.get_level_display()}",
            highlight=False,
        )
    console.print(f"Escalated {len(events)} item{'s' if len(events) != 1 else ''}.")


@app.command(name="level")
def level_cmd(
    file: Annotated[Path, typer.Argument(help="A PSPLIB single-mode instance (.sm).")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.001, help="Seconds of search (one core).")
    ] = 1.0,
    solver: Annotated[
        str, typer.Option("--solver", help="heuristic (built in) or cpsat (OR-Tools).")
    ] = "heuristic",
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the search.")] = 0,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="CP-SAT search workers (default: the CPUs, up to 8; 1 is reproducible).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the makespan and starts as JSON.")] = False,
) -> None:
    """Level a resource-constrained project (PSPLIB .sm file): the shortest schedule found in the time."""
    import json

    from rich.markup import escape

    from kuroko.formats.psplib import PsplibError, read_psplib

    def fail(message: str) -> None:
        err.print(f"[red]Error:[/red] {escape(message)}", highlight=False)
        raise typer.Exit(2)

    if solver not in {"heuristic", "cpsat"}:
        fail(f"--solver: {solver!r} is not one of heuristic, cpsat.")
    if not file.is_file():
        fail(f"{file}: no such file.")
    try:
        problem = read_psplib(file)
    except PsplibError as exc:
        fail(str(exc))
        return
    if solver == "cpsat":
        from kuroko.engine.leveling_cpsat import SolverMissingError, solve_cpsat

        try:
            cpus = workers or min(8, os.cpu_count() or 1)
            result = solve_cpsat(problem, time_limit=time_limit, seed=seed, workers=cpus)
        except SolverMissingError:
            fail("--solver cpsat needs OR-Tools: install kuroko[solver] (pip install 'kuroko[solver]').")
            return
    else:
        from kuroko.engine.leveling import level

        result = level(problem, time_limit=time_limit, seed=seed)
    if as_json:
        print(json.dumps({"makespan": result.makespan, "starts": dict(result.starts)}))
        return
    from rich.table import Table

    proof = " (optimal: reaches the lower bound)" if result.optimal else ""
    console.print(f"{file.name}: makespan [bold]{result.makespan}[/bold]{proof}")
    console.print(
        f"Critical-path bound {result.critical_path_bound}, lower bound {result.lower_bound}; "
        f"{result.schedules:,} heuristic schedules{' and CP-SAT' if solver == 'cpsat' else ''} "
        f"in at most {time_limit:g} s (seed {seed})."
    )
    table = Table()
    for column in ("Job", "Start", "Finish", "Duration", "Demands"):
        table.add_column(column, justify="right")
    for job in problem.jobs:
        start = result.starts[job.id]
        table.add_row(
            job.id, str(start), str(start + job.duration), str(job.duration), " ".join(map(str, job.demands))
        )
    console.print(table)


def _fail(message: str) -> NoReturn:
    from rich.markup import escape

    err.print(f"[red]Error:[/red] {escape(message)}", highlight=False)
    raise typer.Exit(2)


def _acting_user(username: str | None) -> Any:
    """The user a command acts as: `--as USERNAME`, else the only active superuser."""
    from kuroko.core.models import User

    if username:
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_active:
            _fail(f"--as: there is no active user {username!r}.")
        return user
    admins = list(User.objects.filter(is_superuser=True, is_active=True)[:2])
    if len(admins) != 1:
        _fail(
            "Pass --as USERNAME: the user to act as "
            + ("(there is no superuser)." if not admins else "(there is more than one superuser).")
        )
    return admins[0]


def _errors(exc: Exception) -> str:
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        return "\n".join(exc.messages)
    return str(exc) or type(exc).__name__


def _print_diff(diff: Any, *, limit: int = 200) -> None:
    """An import's diff as text: tasks added, changed and removed, links, assignments, warnings."""
    from rich.markup import escape

    def section(title: str, lines: list[str]) -> None:
        if not lines:
            return
        console.print(f"[bold]{escape(title)}[/bold] ({len(lines)})")
        for line in lines[:limit]:
            console.print(f"  {escape(line)}", highlight=False)
        if len(lines) > limit:
            console.print(f"  … and {len(lines) - limit} more")

    def uid(task: Any) -> str:
        return f" [{task.uid}]" if task.uid else ""

    section("Project", [f"{c.label}: {c.old} → {c.new}" for c in diff.project])
    section("Tasks added", [f"+ {t.name}{uid(t)}" for t in diff.added])
    section(
        "Tasks changed",
        [
            f"~ {t.name}{uid(t)}: " + "; ".join(f"{c.label} {c.old} → {c.new}" for c in t.changes)
            for t in diff.changed
        ],
    )
    section("Tasks removed", [f"- {t.name}{uid(t)}" for t in diff.removed])

    def link(item: Any) -> str:
        lag = f", lag {item.lag_text}" if item.lag_minutes else ""
        return f"{item.predecessor} → {item.successor} ({item.type}{lag})"

    section("Links added", [f"+ {link(item)}" for item in diff.links_added])
    section("Links changed", [f"~ {link(item)}" for item in diff.links_changed])
    section("Links removed", [f"- {link(item)}" for item in diff.links_removed])
    section(
        "Assignments",
        [f"{a.task}: {a.resource} {a.old or '—'} → {a.new or '—'}" for a in diff.assignments],
    )
    for warning in diff.warnings:
        console.print(f"[yellow]Warning:[/yellow] {escape(warning)}", highlight=False)


@app.command(name="audit")
def audit_cmd(
    project: Annotated[
        str | None, typer.Argument(help="Project code (default: every active project).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON document instead of tables.")] = False,
    file: Annotated[
        Path | None, typer.Option("--file", help="Check a plan JSON or MS Project XML file (DCMA 14 only).")
    ] = None,
    status_date: Annotated[
        str | None, typer.Option("--status-date", help="Audit as of this day, YYYY-MM-DD (default: today).")
    ] = None,
    all_projects: Annotated[
        bool, typer.Option("--all", help="Audit every active or on-hold project.")
    ] = False,
) -> None:
    """Run the health and compliance audit and print the findings, with the DCMA 14 results of each project;
    or check a plan file's schedule quality without the database's projects."""
    import json
    from datetime import date

    day = None
    if status_date is not None:
        try:
            day = date.fromisoformat(status_date)
        except ValueError:
            _fail(f"--status-date: {status_date!r} is not a date like 2027-06-30.")
        if not 1900 <= day.year <= 2999:
            _fail(f"--status-date: {status_date} is not between 1900-01-01 and 2999-12-31.")
    if file is not None and (project or all_projects):
        _fail("--file checks a file: give no PROJECT and no --all with it.")
    if project and all_projects:
        _fail("Give a PROJECT or --all, not both.")
    if file is not None:
        if not file.is_file():
            _fail(f"--file: {file} does not exist.")
        _django()
        _audit_file(file, day, as_json=as_json)
        return
    _django()
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from kuroko.governance.models import AuditTrigger
    from kuroko.governance.services.audits import RunStats, audit_run
    from kuroko.projects.models import Project

    today = day or timezone.localdate()
    targets = None
    if project:
        found = Project.objects.filter(code=project).first()
        if found is None:
            _fail(f"There is no project {project!r}.")
        targets = [found]
    stats = RunStats()
    try:
        # --status-date is the DCMA status date of every project (over the projects' own).
        run = audit_run(trigger=AuditTrigger.CLI, projects=targets, today=today, status_date=day, stats=stats)
    except ValidationError as exc:
        _fail(_errors(exc))
    from kuroko.governance.selectors.audits import cli_report

    report = cli_report(run, targets, today=today, status_date=day)
    if as_json:
        console.print_json(json.dumps(report, default=str, ensure_ascii=False))
    else:
        _print_audit(report)
    problems = []
    if stats.failed:
        problems.append(f"the audit of {', '.join(stats.failed)} failed")
    if stats.failed_packs:
        problems.append(f"these packs failed: {', '.join(stats.failed_packs)}")
    if problems:
        from rich.markup import escape

        err.print(f"[red]Error:[/red] {escape('; '.join(problems))} (see the log).", highlight=False)
        raise typer.Exit(1)


def _audit_file(file: Path, day: Any, *, as_json: bool) -> None:
    import json

    from django.core.exceptions import ValidationError

    from kuroko.governance.selectors.audits import dcma_file_report

    try:
        checks = dcma_file_report(file.read_bytes(), file.name, status_date=day)
    except (OSError, ValueError, ValidationError) as exc:  # unreadable or invalid: the user's input; a bug
        # elsewhere still shows its traceback instead of posing as bad input
        _fail(f"{file.name}: {_errors(exc)}")
    if as_json:
        console.print_json(json.dumps({"file": file.name, "dcma": checks}, default=str, ensure_ascii=False))
        return
    _print_dcma(file.name, checks)


def _print_dcma(title: str, checks: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title=f"DCMA 14 · {title}")
    for column in ("#", "Check", "Value", "Threshold", "Count", "Result"):
        table.add_column(column)
    for c in checks:
        result = {True: "[green]pass[/green]", False: "[red]fail[/red]", None: "[dim]n/a[/dim]"}[c["passed"]]
        table.add_row(str(c["number"]), c["key"], _fmt(c["value"]), _fmt(c["threshold"]),
                      f"{c['count']}/{c['total']}" if c.get("total") is not None else str(c.get("count", "")),
                      result)  # fmt: skip
    console.print(table)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _print_audit(report: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    run = report["run"]
    for p in report["projects"]:
        table = Table(title=f"{p['code']} {p['name']} · health {_fmt(p['score'])}")
        for column in ("Rule", "Severity", "Status", "Evidence", "Owner", "Due"):
            table.add_column(column)
        for f in p["findings"]:
            table.add_row(
                f["rule"], f["severity"], f["status"], escape(f["message"]), f["owner"] or "", f["due"] or ""
            )
        console.print(table)
        if p["dcma"]:
            _print_dcma(p["code"], p["dcma"])
    console.print(
        f"Audited {run['projects']} project(s): {run['opened']} finding(s) opened, {run['closed']} closed.",
        highlight=False,
    )


@app.command(name="import")
def import_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="A project file: MS Project .xml/.mpp/.mpx, Primavera .xer/.pmxml/P6 XML, GanttProject "
            ".gan, ProjectLibre .pod, Planner .planner, Kuroko plan .json, PSPLIB .sm, Excel WBS .xlsx or "
            "tracker .csv."
        ),
    ],
    project: Annotated[
        str | None, typer.Option("--project", help="Update this project (its code) instead of creating one.")
    ] = None,
    code: Annotated[
        str | None,
        typer.Option("--code", help="Code of the new project (default: the file's name in capitals)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Name of the new project (default: the file's).")
    ] = None,
    mapping: Annotated[
        str | None, typer.Option("--mapping", help="A saved column mapping, by name (for .xlsx and .csv).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change and write nothing.")
    ] = False,
    acting: Annotated[
        str | None, typer.Option("--as", help="The user to act as (default: the only superuser).")
    ] = None,
) -> None:
    """Import a project file: a new project, or (with --project) an update of one, with the changes listed."""
    from rich.markup import escape

    if project and (code or name):
        _fail("--code and --name are for a new project; leave them out with --project.")
    if not file.is_file():
        _fail(f"{file}: no such file.")
    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"{file}: cannot be read ({exc.strerror or exc}).")
    _django()
    _manage("migrate", "--no-input", "--verbosity", "0")
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    from kuroko.projects import selectors
    from kuroko.projects.services.import_files import import_file

    user = _acting_user(acting)
    try:
        target = selectors.project_get(user, project) if project else None
        result = import_file(
            actor=user,
            name=file.name,
            data=data,
            project=target,
            code=code or "",
            project_name=name or "",
            mapping=mapping,
            dry_run=dry_run,
        )
    except Http404:
        _fail(f"--project: there is no project {project!r} that {user.username} may see.")
    except PermissionDenied:
        what = f"update project {project}" if project else "create projects"
        _fail(f"{user.username} may not {what}.")
    except ValidationError as exc:
        _fail(f"{file.name}: {_errors(exc)}")
    diff = result.diff
    _print_diff(diff)
    if result.created:
        count = len(diff.added), len(diff.links_added)
        tasks = f"{count[0]:,} task{'s' if count[0] != 1 else ''}"
        links = f"{count[1]:,} link{'s' if count[1] != 1 else ''}"
        if dry_run:
            console.print(
                f"Dry run: a new project with {tasks} and {links} would be created; nothing was written."
            )
        else:
            assert result.project is not None
            console.print(
                f"[green]Imported[/green] {escape(result.project.code)} "
                f"({escape(result.project.name)}): {tasks}, {links}.",
                highlight=False,
            )
        return
    if diff.is_empty:
        console.print("The project already matches the file: nothing to update.")
    elif dry_run:
        console.print("Dry run: nothing was written.")
    else:
        console.print(
            f"[green]Updated[/green] {escape(project or '')}: {len(diff.added)} added, "
            f"{len(diff.changed)} changed, {len(diff.removed)} removed.",
            highlight=False,
        )


@app.command(name="export")
def export_cmd(
    project: Annotated[str, typer.Argument(help="The project's code.")],
    format: Annotated[
        str, typer.Option("--format", help="mspdi (MS Project XML), xlsx (Excel WBS) or json (plan JSON).")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (default: CODE.xml/.xlsx/.json here; - for stdout)."
        ),
    ] = None,
    acting: Annotated[
        str | None, typer.Option("--as", help="The user to act as (default: the only superuser).")
    ] = None,
) -> None:
    """Export a project as MS Project XML, an Excel WBS or Kuroko plan JSON (what `kuroko schedule` reads)."""
    if format not in ("mspdi", "xlsx", "json"):
        _fail(f"--format: {format!r} is not one of mspdi, xlsx, json.")
    _django()
    _manage("migrate", "--no-input", "--verbosity", "0")
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404
    from django.utils import timezone

    from kuroko.projects import selectors
    from kuroko.projects.services.import_files import project_export_file

    user = _acting_user(acting)
    try:
        found = selectors.project_get(user, project)
        data, default_name = project_export_file(
            actor=user, project=found, format=format, today=timezone.localdate()
        )
    except Http404:
        _fail(f"There is no project {project!r} that {user.username} may see.")
    except PermissionDenied:
        _fail(f"{user.username} may not export project {project}.")
    except ValidationError as exc:
        _fail(_errors(exc))
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = output or Path(Path(default_name).name)  # here, whatever the project's code holds
    try:
        path.write_bytes(data)
    except OSError as exc:
        _fail(f"{path}: cannot be written ({exc.strerror or exc}).")
    console.print(f"Wrote {path} ({len(data):,} bytes).", highlight=False)


@app.command(name="report")
def report_cmd(
    project: Annotated[str | None, typer.Argument(help="The project's code (or --portfolio).")] = None,
    portfolio: Annotated[bool, typer.Option("--portfolio", help="The portfolio summary instead.")] = False,
    pack: Annotated[bool, typer.Option("--pack", help="With --portfolio: the executive pack.")] = False,
    week: Annotated[str, typer.Option("--week", help="ISO week such as 2026-W47 (default: this week).")] = "",
    format: Annotated[str, typer.Option("--format", help="pdf, xlsx or pptx.")] = "pdf",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
    program: Annotated[str, typer.Option("--program", help="With --portfolio: one program's code.")] = "",
    lang: Annotated[str, typer.Option("--lang", help="en or ja (default: the acting user's).")] = "",
    acting: Annotated[
        str | None, typer.Option("--as", help="The user to act as (default: the only superuser).")
    ] = None,
) -> None:
    """Write a project's weekly status report, the portfolio summary or the executive pack as PDF, Excel or
    PowerPoint (also kept in the report archive)."""
    import os

    if (project is None) == (not portfolio):
        _fail("Name a project or pass --portfolio (one of them).")
    if format not in ("pdf", "xlsx", "pptx"):
        _fail(f"--format: {format!r} is not one of pdf, xlsx, pptx.")
    if lang and lang not in ("en", "ja"):
        _fail(f"--lang: {lang!r} is not one of en, ja.")
    if pack and not portfolio:
        _fail("--pack goes with --portfolio.")
    path = output or Path(
        f"{project or ('executive-pack' if pack else 'portfolio')}-{week or 'this-week'}.{format}"
    )
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        _fail(f"--output: {path} cannot be written.")
    _django()
    _manage("migrate", "--no-input", "--verbosity", "0")
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404
    from django.utils import timezone

    from kuroko.projects import selectors
    from kuroko.reporting import weeks
    from kuroko.reporting.selectors.portfolio import program_param
    from kuroko.reporting.services import exports

    user = _acting_user(acting)
    try:
        monday = weeks.week_param(week, today=timezone.localdate())
        if project is not None:
            found = selectors.project_get(user, project)
            generated = exports.project_report_export(
                actor=user, project=found, week=monday, fmt=format, language=lang or None
            )
        else:
            generated = exports.portfolio_export(
                actor=user, week=monday, fmt=format, kind="executive_pack" if pack else "portfolio",
                program=program_param(program), language=lang or None,
            )  # fmt: skip
    except Http404:
        _fail(f"There is no project {project!r} that {user.username} may see.")
    except PermissionDenied as exc:
        _fail(str(exc) or f"{user.username} may not do this.")
    except ValidationError as exc:
        _fail(_errors(exc))
    data = exports.archive_path(generated).read_bytes()
    try:
        path.write_bytes(data)
    except OSError as exc:
        _fail(f"{path}: cannot be written ({exc.strerror or exc}).")
    console.print(
        f"Wrote {path} ({len(data):,} bytes); archived as report file {generated.pk}.", highlight=False
    )


def main() -> None:
    try:
        app()
    except Exception as exc:  # a clear message and exit code 2 for bad input, not a traceback
        from django.core.exceptions import ImproperlyConfigured, ValidationError

        if isinstance(exc, (ValidationError, ImproperlyConfigured, ValueError)):
            err.print(f"[red]Error:[/red] {exc}")
            raise SystemExit(2) from exc
        raise


if __name__ == "__main__":
    main()
