"""Project files written by MPXJ's own writers (MPX, Primavera P6 XML and XER, Planner) from an MS Project
XML file, for the tests of the MPXJ import. MPXJ runs in a child process, as in the application."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest

from kuroko.formats.mpxj import mpxj_missing

WRITERS = {
    "mpx": "org.mpxj.mpx.MPXWriter",
    "pmxml": "org.mpxj.primavera.PrimaveraPMFileWriter",
    "xer": "org.mpxj.primavera.PrimaveraXERFileWriter",
    "planner": "org.mpxj.planner.PlannerWriter",
}

_SCRIPT = """
import sys
import jpype
import mpxj
jpype.startJVM("-Xmx256m", "-Djava.awt.headless=true", convertStrings=False)
import jpype.imports
from org.mpxj.reader import UniversalProjectReader
project = UniversalProjectReader().read(sys.argv[1])
for name, path in zip(sys.argv[2::2], sys.argv[3::2]):
    jpype.JClass(name)().write(project, path)
"""


def require_mpxj() -> None:
    """Skip the test, saying what to install, when MPXJ cannot run here (CI installs Java and the extra)."""
    missing = mpxj_missing()
    if missing:
        pytest.skip(f"MPXJ cannot run here: {missing}")


@cache
def written_by_mpxj(mspdi: bytes) -> dict[str, bytes]:
    """`mspdi` (MS Project XML) rewritten by MPXJ in each format of WRITERS, by extension."""
    require_mpxj()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "source.xml"
        source.write_bytes(mspdi)
        args: list[str] = []
        for extension, writer in WRITERS.items():
            args += [writer, str(Path(folder) / f"out.{extension}")]
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(source), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return {ext: (Path(folder) / f"out.{ext}").read_bytes() for ext in WRITERS}
