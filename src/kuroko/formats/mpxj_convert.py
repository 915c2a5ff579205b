"""The child process of `kuroko.formats.mpxj.convert_to_mspdi`: start a JVM with a heap limit, read one
project file with MPXJ's UniversalProjectReader and write it as MS Project XML.

``python -m kuroko.formats.mpxj_convert [--heap-mb N] INPUT OUTPUT RESULT`` writes OUTPUT (the MSPDI
file) and RESULT, a JSON object ``{"kind": "ok"}`` or ``{"kind": <error kind>, "detail": <message>}``
with the kinds of `kuroko.formats.mpxj` (unrecognised, password, corrupt, too-large, failed). It exits 0
on success and 3 on a file it cannot convert.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def _write(result: Path, kind: str, detail: str = "") -> None:
    result.write_text(json.dumps({"kind": kind, "detail": detail[:1000]}), encoding="utf-8")


def _classify(exc: BaseException) -> tuple[str, str]:
    """An exception MPXJ raised as (kind, detail)."""
    text = str(exc).strip()
    java_class = ""
    java = getattr(exc, "getClass", None)
    if callable(java):
        try:
            java_class = str(java().getName())
        except Exception:
            java_class = ""
    detail = text.splitlines()[0] if text else (java_class or type(exc).__name__)
    # JPype prefixes the Java class name: "org.mpxj.MPXJException: Failed to parse file".
    detail = detail.removeprefix(f"{java_class}: ") if java_class else detail
    if "OutOfMemoryError" in java_class or isinstance(exc, MemoryError):
        return "too-large", detail
    if "password" in text.lower():
        return "password", detail
    return "corrupt", detail


def convert(source: Path, target: Path) -> tuple[str, str]:
    """Convert `source` to MSPDI at `target` in this process (the JVM must be running)."""
    from org.mpxj.reader import UniversalProjectReader
    from org.mpxj.writer import FileFormat, UniversalProjectWriter

    try:
        project: Any = UniversalProjectReader().read(str(source))
    except Exception as exc:  # a Java exception (JPype's JException is an Exception)
        return _classify(exc)
    if project is None:
        return "unrecognised", ""
    try:
        UniversalProjectWriter(FileFormat.MSPDI).write(project, str(target))
    except Exception as exc:
        return _classify(exc)
    return "ok", ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kuroko.formats.mpxj_convert")
    parser.add_argument("--heap-mb", type=int, default=512)
    parser.add_argument("--tmpdir", type=Path, default=None)
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("result", type=Path)
    args = parser.parse_args(argv)
    try:
        import jpype
        import mpxj  # noqa: F401  (puts MPXJ's jars on JPype's class path)
    except ImportError as exc:
        _write(args.result, "missing", str(exc))
        return 3
    # Java's temporary files (MPXJ unpacks archives there) in the parent's per-conversion folder, which
    # the parent removes whatever happens.
    scratch = [f"-Djava.io.tmpdir={args.tmpdir}"] if args.tmpdir is not None else []
    try:
        jpype.startJVM(
            f"-Xmx{max(args.heap_mb, 64)}m",
            "-Djava.awt.headless=true",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            *scratch,
            convertStrings=False,
        )
    except Exception as exc:
        _write(args.result, "missing", f"Java could not be started: {exc}")
        return 3
    import jpype.imports  # Java packages become importable

    try:
        kind, detail = convert(args.source, args.target)
    except BaseException as exc:  # an OutOfMemoryError can surface anywhere
        kind, detail = _classify(exc)
    _write(args.result, kind, detail)
    return 0 if kind == "ok" else 3


if __name__ == "__main__":
    sys.exit(main())
