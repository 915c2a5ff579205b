"""The `kuroko` command: demo, serve, worker, seed, manage."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

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
        _gunicorn(f"{host}:{port}", workers=2)


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
) -> None:
    """Process background tasks (django-tasks-db worker)."""
    _django()
    args = ["db_worker", "--queue-name", queue]
    if batch:
        args.append("--batch")
    _manage(*args)


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
        )
    console.print(f"[green]Seeded[/green] {summary}")


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
