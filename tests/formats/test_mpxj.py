"""Project files converted by MPXJ (in a child process) to MS Project XML and read by Kuroko: what arrives,
what the errors say, and that nothing but an `MpxjError` or an `MspdiError` comes out of a bad file."""

from __future__ import annotations

import codecs
import contextlib
import gzip
import importlib.util
import io
import os
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.engine.cpm import schedule
from kuroko.engine.model import Link, LinkType, Plan, Task
from kuroko.formats import mpxj
from kuroko.formats.mpxj import MpxjError, convert_to_mspdi, is_p6_xml, mpxj_missing
from kuroko.formats.mspdi import MspdiError, MspdiProject, read_mspdi, write_mspdi
from tests.formats.mpxj_files import require_mpxj, written_by_mpxj
from tests.formats.shared import shared

DATA = Path(__file__).parents[1] / "data"


def small_plan() -> bytes:
    """A phase with two linked tasks (one with a lead), an SS link, and a milestone, as MS Project XML."""
    plan = Plan(
        start=datetime(2026, 4, 1, 8, 0),
        name="Converted plan",
        tasks=(
            Task("1", "Phase"),
            Task("2", "Analyse", duration=960, parent="1"),
            Task("3", "Write", duration=1440, parent="1"),
            Task("4", "Review", duration=480, parent="1"),
            Task("5", "Done", milestone=True),
        ),
        links=(
            Link("2", "3"),
            Link("2", "4", LinkType.SS, 480),
            Link("3", "5", LinkType.FS, -240),
            Link("4", "5", LinkType.FF),
        ),
    )
    return write_mspdi(plan, schedule(plan))  # with dates: XER and P6 XML need them


def tasks_of(project: MspdiProject) -> dict[str, tuple[str, int, bool, str | None]]:
    return {
        t.id: (t.name, 0 if t.milestone else t.duration, t.milestone, t.parent) for t in project.plan.tasks
    }


def links_of(project: MspdiProject) -> set[tuple[str, str, str, float]]:
    return {(link.predecessor, link.successor, str(link.type), link.lag) for link in project.plan.links}


# --- What is installed --------------------------------------------------------------------------------


def test_mpxj_is_usable_here_or_says_what_to_install() -> None:
    """On this machine (and in CI) MPXJ runs; elsewhere the reason names a command to run."""
    missing = mpxj_missing()
    assert missing is None or "install" in missing


def test_missing_extra_names_the_pip_and_uv_commands(monkeypatch) -> None:
    """Without the mpxj or jpype packages the message gives both install commands."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "mpxj" else real(name))
    message = mpxj_missing()
    assert message is not None
    assert "pip install 'kuroko[mpxj]'" in message and "uv sync --extra mpxj" in message
    with pytest.raises(MpxjError) as caught:
        convert_to_mspdi(b"MPX,Microsoft Project for Windows,4.0,ANSI", "plan.mpx")
    assert caught.value.kind == "missing"


def test_missing_java_names_the_package(monkeypatch) -> None:
    """No JVM found: the message says which Java and how to install it."""
    pytest.importorskip("jpype")
    import jpype

    def no_jvm() -> str:
        raise jpype.JVMNotFoundException("No JVM shared library file (libjvm.so) found.")

    monkeypatch.setattr(jpype, "getDefaultJVMPath", no_jvm)
    message = mpxj_missing()
    assert message == (
        "Reading this file needs Java 11 or later, which was not found: apt-get install default-jre-headless."
    )


@pytest.mark.parametrize(
    ("release", "expected"),
    [
        ('JAVA_VERSION="1.8.0_292"\n', "Java 8 was found"),  # Java 8 writes 1.8: too old
        ('JAVA_VERSION="10.0.2"\n', "Java 10 was found"),  # one below the minimum
        ('JAVA_VERSION="17.0.15"\n', None),  # the Java of this image
        ("IMPLEMENTOR=x\n", None),  # no version in the file: assume it will do
    ],
)
def test_java_version_is_read_from_the_release_file(monkeypatch, tmp_path, release, expected) -> None:
    """The JVM's `release` file decides whether its Java is new enough."""
    pytest.importorskip("jpype")
    import jpype

    (tmp_path / "release").write_text(release)
    library = tmp_path / "lib" / "server" / "libjvm.so"
    library.parent.mkdir(parents=True)
    library.write_bytes(b"")
    monkeypatch.setattr(jpype, "getDefaultJVMPath", lambda: str(library))
    message = mpxj_missing()
    if expected is None:
        assert message is None
    else:
        assert message is not None and expected in message and "default-jre-headless" in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'<?xml version="1.0"?><APIBusinessObjects xmlns="http://xmlns.oracle.com/Primavera/P6/V8.3/API/BusinessObjects">',
            True,
        ),  # P6 XML
        (b"\xef\xbb\xbf<!-- saved by P6 --><APIBusinessObjects>", True),  # BOM and a comment first
        (b'<?xml version="1.0"?><Project xmlns="http://schemas.microsoft.com/project">', False),  # MSPDI
        (b"<p6:APIBusinessObjects xmlns:p6='x'>", True),  # a prefixed root
        (b"ERMHDR\t8.0", False),  # XER is not XML
        (b"", False),  # empty
    ],
)
def test_p6_xml_is_told_from_mspdi_by_its_root_element(data, expected) -> None:
    """A .xml file goes to MPXJ only when its root element is P6's APIBusinessObjects."""
    assert is_p6_xml(data) is expected


# --- Conversions --------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["mpx", "pmxml", "xer", "planner"])
def test_each_format_written_by_mpxj_comes_back_with_its_tasks_and_links(extension) -> None:
    """MPX, P6 XML, XER and Planner files arrive with the same task ids (so re-imports match), names,
    outline and links; MPX and XER keep every duration and milestone, P6 XML and Planner lose what
    their formats cannot hold (see docs/guide/import.md)."""
    source = read_mspdi(small_plan())
    converted = read_mspdi(convert_to_mspdi(written_by_mpxj(small_plan())[extension], f"plan.{extension}"))
    got, want = tasks_of(converted), tasks_of(source)
    assert set(got) == set(want)
    assert {k: (v[0], v[3]) for k, v in got.items()} == {k: (v[0], v[3]) for k, v in want.items()}
    if extension != "xer":  # MPXJ's XER writer leaves out the durations of tasks without work
        work = {k: v[1] for k, v in want.items() if k != "1"}
        assert {k: v[1] for k, v in got.items() if k != "1"} == work
    if extension == "mpx":
        assert got["5"][2]  # the milestone stays a milestone
    pairs = {(p, s) for p, s, _t, _l in links_of(converted)}
    assert pairs == {(p, s) for p, s, _t, _l in links_of(source)}
    if extension != "planner":  # Planner writes lags in whole days only
        assert links_of(converted) == links_of(source)


@pytest.mark.parametrize(
    "name",
    [
        "generated__task-links__task-links-project2019-mspdi.xml",
        "mspdirelations.xml",
        "legacy__sample.xml",
    ],
)
def test_real_ms_project_files_survive_mpx_and_xer(name) -> None:
    """Real MS Project files, rewritten as MPX and XER by MPXJ and converted back, keep their task ids,
    names, outline and links (type and lag)."""
    data = shared(name).read_bytes()
    source = read_mspdi(data)
    files = written_by_mpxj(data)
    if name == "legacy__sample.xml":  # a file with work: XER keeps the durations too
        converted = read_mspdi(convert_to_mspdi(files["xer"], "sample.xer"))
        got = {k: v[1] for k, v in tasks_of(converted).items()}
        assert got == {k: v[1] for k, v in tasks_of(source).items()}
    for extension in ("mpx", "xer"):
        converted = read_mspdi(convert_to_mspdi(files[extension], f"{name}.{extension}"))
        got, want = tasks_of(converted), tasks_of(source)
        assert {k: (v[0], v[3]) for k, v in got.items()} == {k: (v[0], v[3]) for k, v in want.items()}, (
            extension
        )
        assert {(p, s, t) for p, s, t, _l in links_of(converted)} == {
            (p, s, t) for p, s, t, _l in links_of(source)
        }, extension


def test_ganttproject_file() -> None:
    """A GanttProject file: outline, durations in days, progress, links with their lag, the resource and
    its allocation. MPXJ numbers GanttProject's tasks from 1 (its ids plus one), the same every time.
    MPXJ 16.10 reads the links of top-level tasks only: the subtask's link (Analyse → Write) is lost,
    as docs/guide/import.md says."""
    require_mpxj()
    project = read_mspdi(convert_to_mspdi((DATA / "small.gan").read_bytes(), "small.gan"))
    assert tasks_of(project) == {
        "1": ("Phase", 2400, False, None),
        "2": ("Analyse", 960, False, "1"),
        "3": ("Write", 1440, False, "1"),
        "4": ("Done", 0, True, None),
    }
    links = links_of(project)
    assert ("1", "4", "FS", 480) in links  # the phase's link, lag 1 day
    assert links <= {("1", "4", "FS", 480), ("2", "3", "FS", 0)}
    assert next(t for t in project.plan.tasks if t.id == "2").percent_complete == 50
    assert [(r.name, r.email) for r in project.resources] == [("Aoki", "aoki@example.com")]
    assert [(a.task, a.resource) for a in project.assignments] == [("2", "1")]


# --- Errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"hello world " * 20, "notes.mpp", "unrecognised"),  # text with an MS Project extension
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "empty.mpp", "unrecognised"),  # an empty OLE file
        (b"<APIBusinessObjects><Project>", "cut.xml", "corrupt"),  # P6 XML cut short
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<APIBusinessObjects>&e;</APIBusinessObjects>",
            "xxe.xml",
            "hostile",
        ),  # an external entity: refused before Java parses it
        (
            b'<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><project>&b;</project>',
            "bomb.gan",
            "hostile",
        ),  # entity expansion
    ],
)
def test_bad_files_raise_a_clear_error(data, name, kind) -> None:
    """Each kind of bad file gives its kind of MpxjError, with the file's name in the message."""
    require_mpxj()
    with pytest.raises(MpxjError) as caught:
        convert_to_mspdi(data, name)
    assert caught.value.kind == kind
    assert name in str(caught.value)


def test_truncated_p6_xml_is_corrupt_with_mpxjs_reason() -> None:
    """A P6 XML file cut in the middle is refused as not well-formed, naming line and column."""
    whole = written_by_mpxj(small_plan())["pmxml"]
    with pytest.raises(MpxjError) as caught:
        convert_to_mspdi(whole[: len(whole) // 2], "cut.pmxml")
    assert caught.value.kind == "corrupt" and "line" in str(caught.value)


def test_a_slow_conversion_is_stopped() -> None:
    """The child process is killed at the timeout and the error says so."""
    require_mpxj()
    with pytest.raises(MpxjError) as caught:
        convert_to_mspdi(written_by_mpxj(small_plan())["xer"], "plan.xer", timeout=0.05)
    assert caught.value.kind == mpxj.TIMEOUT


def test_conversions_wait_for_a_free_slot(tmp_path, monkeypatch) -> None:
    """With every conversion slot taken (by other processes), a conversion waits and then times out."""
    import fcntl

    require_mpxj()
    held = []
    for number in range(mpxj.MAX_PARALLEL):
        handle = open(tmp_path / f"kuroko-mpxj-slot-{number}.lock", "a+b")  # noqa: SIM115
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.append(handle)
    try:
        with pytest.raises(MpxjError) as caught:
            convert_to_mspdi(
                b"MPX,Microsoft Project for Windows,4.0,ANSI", "plan.mpx", timeout=0.3, lock_dir=tmp_path
            )
        assert caught.value.kind == mpxj.TIMEOUT and "busy" in str(caught.value)
    finally:
        for handle in held:
            handle.close()
    converted = convert_to_mspdi(written_by_mpxj(small_plan())["mpx"], "plan.mpx", lock_dir=tmp_path)
    assert read_mspdi(converted).plan.tasks


def test_default_lock_folder_is_this_users_own() -> None:
    """Without a folder from the caller the lock files go into a folder of this user's, mode 0700, not
    into the world-writable temporary directory."""
    folder = mpxj._lock_folder(None)
    assert folder is not None and folder.parent == Path(mpxj.tempfile.gettempdir())
    info = folder.stat()
    assert info.st_uid == os.getuid() and info.st_mode & 0o777 == 0o700


def test_a_foreign_lock_folder_is_not_trusted(tmp_path, monkeypatch) -> None:
    """A lock folder that others may write (made by someone else before us) is not used."""
    monkeypatch.setattr(mpxj.tempfile, "gettempdir", lambda: str(tmp_path))
    (tmp_path / f"kuroko-mpxj-locks-{os.getuid()}").mkdir(mode=0o777)
    os.chmod(tmp_path / f"kuroko-mpxj-locks-{os.getuid()}", 0o777)
    assert mpxj._lock_folder(None) is None


def _zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xxe_gan(encoding: str = "UTF-8") -> str:
    body = (DATA / "small.gan").read_text(encoding="utf-8").split("?>", 1)[1]
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<!DOCTYPE project [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        + body.replace('name="Phase"', 'name="&x;"', 1)
    )


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        # a document type in UTF-16 with its byte order mark
        (lambda: _xxe_gan("UTF-16").encode("utf-16"), "hostile"),
        # a document type in UTF-16 without a mark
        (lambda: _xxe_gan("UTF-16").encode("utf-16-le"), "hostile"),
        # in UTF-32
        (lambda: _xxe_gan("UTF-32").encode("utf-32"), "hostile"),
        # in a zip archive
        (lambda: _zipped({"plan.gan": _xxe_gan().encode()}), "hostile"),
        # gzipped
        (lambda: gzip.compress(_xxe_gan().encode()), "hostile"),
        # a zip whose members unpack to more than 100 MB
        (lambda: _zipped({"a.bin": b"\0" * (mpxj.MAX_UNPACKED_BYTES + 1)}), "archive-too-large"),
        # a gzip file that unpacks to more than 100 MB
        (lambda: gzip.compress(b"\0" * (mpxj.MAX_UNPACKED_BYTES + 1)), "archive-too-large"),
        # an archive in an archive
        (lambda: _zipped({"inner.zip": _zipped({"plan.gan": b"<project/>"})}), "unrecognised"),
    ],
)
def test_hidden_xml_and_archives_are_checked_before_java(make, kind) -> None:
    """XML in UTF-16/32 or inside a zip or gzip file is checked for a document type like plain XML, and
    archives that unpack to too much are refused, before MPXJ sees them."""
    require_mpxj()
    with pytest.raises(MpxjError) as caught:
        convert_to_mspdi(make(), "plan.gan")
    assert caught.value.kind == kind, caught.value


def test_zipped_and_utf16_files_convert_and_leave_nothing_in_tmp() -> None:
    """A GanttProject file zipped, and one in UTF-16, convert; MPXJ's unpacked files go into the
    conversion's own folder and are removed with it (nothing new in the temporary directory)."""
    require_mpxj()
    source = (DATA / "small.gan").read_text(encoding="utf-8")
    utf16 = source.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).encode("utf-16")
    before = set(Path(tempfile.gettempdir()).glob("mpxj*"))
    for data in (_zipped({"plan.gan": source.encode()}), utf16):
        project = read_mspdi(convert_to_mspdi(data, "plan.gan"))
        assert "Phase" in {t.name for t in project.plan.tasks}
    assert set(Path(tempfile.gettempdir()).glob("mpxj*")) <= before


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    extension=st.sampled_from(["mpx", "xer", "pmxml", "planner"]),
    cut=st.floats(0.05, 1.0),
    noise=st.binary(min_size=0, max_size=40),
    at=st.floats(0.0, 1.0),
)
def test_mutated_files_convert_or_fail_clearly(extension, cut, noise, at) -> None:
    """A valid file cut short and with bytes spliced in is either converted into MS Project XML that
    Kuroko reads (or refuses with its own clear error) or refused with an MpxjError; never anything else."""
    whole = written_by_mpxj(small_plan())[extension]
    data = whole[: max(1, int(len(whole) * cut))]
    where = int(len(data) * at)
    data = data[:where] + noise + data[where:]
    try:
        converted = convert_to_mspdi(data, f"fuzz.{extension}", timeout=60)
    except MpxjError as exc:
        assert exc.kind in {"unrecognised", "corrupt", "hostile", "password", "too-large", "failed"}
        return
    with contextlib.suppress(MspdiError):
        read_mspdi(converted)


@settings(max_examples=200, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),  # a zip header and noise
        st.binary(max_size=300).map(lambda b: b"\x1f\x8b" + b),  # a gzip header and noise
        st.binary(max_size=300).map(lambda b: codecs.BOM_UTF16_LE + b),  # a UTF-16 mark and noise
        st.tuples(st.integers(0, 400), st.binary(max_size=20)).map(
            lambda cut: _zipped({"plan.gan": (DATA / "small.gan").read_bytes()})[: cut[0]] + cut[1]
        ),  # a zipped file cut short
        st.binary(max_size=300),
    )
)
def test_the_content_check_passes_or_refuses_clearly(data) -> None:
    """Whatever the bytes, the check before MPXJ either lets them through or raises an MpxjError."""
    with contextlib.suppress(MpxjError):
        mpxj._check_content(data, "fuzz.gan")
