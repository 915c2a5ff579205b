"""Project files that Kuroko does not read itself — MS Project MPP and MPX, Primavera P6 (XER and P6 XML),
GanttProject, ProjectLibre, Planner — converted to MS Project XML (MSPDI) by MPXJ, which then goes
through Kuroko's own MSPDI reader.

MPXJ is a Java library (the optional extra ``kuroko[mpxj]``: the ``mpxj`` and ``jpype1`` packages, and
Java 11 or later). A JVM cannot be stopped and started again in one process, holds hundreds of megabytes
and must never live in a web worker, so each conversion runs in a child process
(``python -m kuroko.formats.mpxj_convert``) with a heap limit and a timeout; the child writes the MSPDI
file and a small JSON result, and the parent turns any failure into an `MpxjError` whose `kind` says
what went wrong (the caller words it in the user's language).
"""

from __future__ import annotations

import codecs
import gzip
import importlib.util
import io
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

__all__ = [
    "DEFAULT_HEAP_MB",
    "DEFAULT_TIMEOUT",
    "MPXJ_EXTENSIONS",
    "Missing",
    "MpxjError",
    "convert_to_mspdi",
    "is_p6_xml",
    "mpxj_missing",
    "mpxj_requirement",
]

# The extensions of the files converted by MPXJ (a .xml file is converted when it is Primavera P6 XML).
MPXJ_EXTENSIONS = frozenset({".mpp", ".mpt", ".mpx", ".xer", ".pmxml", ".gan", ".pod", ".planner"})
DEFAULT_TIMEOUT = 120.0  # seconds for one conversion, JVM start included (about 1–3 s for a small file)
DEFAULT_HEAP_MB = 512
# At most this many conversions at once on a machine (every web worker and command together): each JVM
# takes a CPU and up to its heap, and a burst of uploads must not exhaust a small server.
MAX_PARALLEL = 2
MIN_JAVA = 11
# The most an archive (a zip or gzip file, which MPXJ unpacks into its temporary folder) may hold once
# unpacked: a small archive can expand to gigabytes.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
PIP_COMMAND = "pip install 'kuroko[mpxj]'"
UV_COMMAND = "uv sync --extra mpxj"
JAVA_COMMAND = "apt-get install default-jre-headless"

# Kinds of MpxjError: what the caller tells the user.
MISSING = "missing"  # the extra or Java is not installed (`detail` says what to install)
UNRECOGNISED = "unrecognised"  # MPXJ does not know the file's format
PASSWORD = "password"  # a password-protected MPP file
CORRUPT = "corrupt"  # the format is known, but the file cannot be read (`detail` has MPXJ's message)
TOO_LARGE = "too-large"  # the JVM ran out of its heap
TIMEOUT = "timeout"
HOSTILE = "hostile"  # XML with a document type or entities, refused before MPXJ sees it
ARCHIVE_TOO_LARGE = "archive-too-large"  # a zip or gzip file that unpacks to more than MAX_UNPACKED_BYTES
FAILED = "failed"  # the child process failed in another way (`detail` has its last output)


class MpxjError(ValueError):
    """A file cannot be converted; `kind` is one of missing, unrecognised, password, corrupt, too-large,
    timeout or failed, and `detail` is MPXJ's own message (or, for missing, what to install)."""

    def __init__(self, kind: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Missing:
    """What stops MPXJ from running here: `what` is "extra" (the Python packages), "java" (no Java found)
    or "java-version" (`found` is the too-old version)."""

    what: str
    found: str = ""

    @property
    def message(self) -> str:
        """The sentence naming exactly what to install."""
        if self.what == "extra":
            return (
                f"Reading this file needs MPXJ, which is not installed: run {PIP_COMMAND} "
                f"(or {UV_COMMAND} in a source checkout)."
            )
        if self.what == "java-version":
            return (
                f"Reading this file needs Java {MIN_JAVA} or later, but Java {self.found} was found: "
                f"{JAVA_COMMAND}."
            )
        return f"Reading this file needs Java {MIN_JAVA} or later, which was not found: {JAVA_COMMAND}."


def _java_version(jvm: Path) -> int | None:
    """The major version of the Java whose libjvm is at `jvm`, from the `release` file beside it (None
    when there is none to read)."""
    for folder in list(jvm.parents)[:4]:
        release = folder / "release"
        if release.is_file():
            try:
                text = release.read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
            found = re.search(r'^JAVA_VERSION="([0-9]+)(?:\.([0-9]+))?', text, re.MULTILINE)
            if not found:
                return None
            major = int(found.group(1))
            return int(found.group(2) or 0) if major == 1 else major  # "1.8.0_x" is Java 8
    return None


def mpxj_requirement() -> Missing | None:
    """None when MPXJ can run here, else what is missing. Looks, without starting Java, for the Python
    packages and for the JVM that JPype would start (JAVA_HOME, else the usual places)."""
    if importlib.util.find_spec("mpxj") is None or importlib.util.find_spec("jpype") is None:
        return Missing("extra")
    try:
        import jpype

        jvm = Path(jpype.getDefaultJVMPath())
    except Exception:  # JPype's JVMNotFoundException, or a JAVA_HOME that points nowhere
        return Missing("java")
    if not jvm.is_file():
        return Missing("java")
    version = _java_version(jvm)
    if version is not None and version < MIN_JAVA:
        return Missing("java-version", str(version))
    return None


def mpxj_missing() -> str | None:
    """None when MPXJ is usable, else the sentence saying exactly what to install."""
    missing = mpxj_requirement()
    return None if missing is None else missing.message


_CHILD_ENVIRONMENT = frozenset(
    {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "JAVA_HOME", "PYTHONPATH", "VIRTUAL_ENV", "SYSTEMROOT"}
)
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")


def is_p6_xml(data: bytes) -> bool:
    """Whether an XML file is Primavera P6 XML (root element APIBusinessObjects) rather than MSPDI. Only
    the first kilobytes are looked at, past the declaration, comments and processing instructions."""
    head = data[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.DOTALL)
    found = _ROOT.search(head)
    return bool(found and found.group(2) == b"APIBusinessObjects")


def _child_command(source: Path, target: Path, result: Path, heap_mb: int, scratch: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kuroko.formats.mpxj_convert",
        "--heap-mb",
        str(heap_mb),
        "--tmpdir",
        str(scratch),
        str(source),
        str(target),
        str(result),
    ]


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    # Only a plain extension goes into the temporary file's name (MPXJ looks at the content anyway).
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ".bin"


def convert_to_mspdi(
    data: bytes,
    name: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    heap_mb: int = DEFAULT_HEAP_MB,
    lock_dir: Path | None = None,
) -> bytes:
    """The file `data` (named `name`, used for its extension and in messages) as MS Project XML, written
    by MPXJ in a child process with a `heap_mb` heap limit, killed after `timeout` seconds. `lock_dir`
    holds the lock files that count the conversions running on the machine (default: a folder of this
    user's own in the temporary directory).

    Raises `MpxjError` when MPXJ or Java is missing, the format is not recognised, the file is password
    protected, corrupt, too large for the heap, an archive that unpacks to too much, XML with a
    document type, or the conversion times out."""
    missing = mpxj_requirement()
    if missing is not None:
        raise MpxjError(MISSING, missing.message, missing.message)
    label = Path(name).name or "the file"
    _check_content(data, label)
    deadline = time.monotonic() + timeout
    with (
        _slot(deadline, label, timeout, lock_dir),
        tempfile.TemporaryDirectory(prefix="kuroko-mpxj-") as folder,
    ):
        source = Path(folder) / f"input{_suffix(name)}"
        target = Path(folder) / "output.xml"
        result = Path(folder) / "result.json"
        # Java's temporary files (MPXJ unpacks archives there) go into this folder too, so that they are
        # removed with it, also after the child is killed at the timeout.
        scratch = Path(folder) / "tmp"
        scratch.mkdir()
        source.write_bytes(data)
        # The child sees only what it needs to find Python and Java: not the server's secrets (a file
        # that exploited the Java reader would find no database password there), nor JAVA_TOOL_OPTIONS
        # (the heap limit is ours to set).
        env = {key: value for key, value in os.environ.items() if key in _CHILD_ENVIRONMENT}
        env["TMPDIR"] = str(scratch)
        try:
            done = subprocess.run(
                _child_command(source, target, result, heap_mb, scratch),
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=max(deadline - time.monotonic(), 0.01),
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise MpxjError(TIMEOUT, f"{label}: the conversion took longer than {timeout:g} s.") from None
        outcome: dict[str, str] = {}
        if result.is_file():
            try:
                loaded = json.loads(result.read_text(encoding="utf-8"))
                outcome = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                outcome = {}
        if done.returncode == 0 and outcome.get("kind") == "ok" and target.is_file():
            return target.read_bytes()
        kind = str(outcome.get("kind") or FAILED)
        detail = str(outcome.get("detail") or "")
        if kind == FAILED and not detail:
            lines = [
                line
                for line in done.stderr.decode("utf-8", "replace").splitlines()
                if line.strip() and "Log4j" not in line
            ]
            detail = lines[-1][:500] if lines else f"exit code {done.returncode}"
        raise MpxjError(kind, _english(kind, label, detail), detail)


def _lock_folder(lock_dir: Path | None) -> Path | None:
    """The folder of the slot lock files: `lock_dir`, else this user's own folder in the temporary
    directory (created with mode 0700). Lock files in a world-writable folder could be made by anyone,
    or be symbolic links to someone else's file. None when no safe folder can be had."""
    try:
        if lock_dir is not None:
            lock_dir.mkdir(parents=True, exist_ok=True)
            return lock_dir
        folder = Path(tempfile.gettempdir()) / f"kuroko-mpxj-locks-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None  # someone else's folder, or a link: not ours to trust
        return folder
    except OSError:
        return None


@contextmanager
def _slot(deadline: float, label: str, timeout: float, lock_dir: Path | None = None) -> Iterator[None]:
    """Hold one of the MAX_PARALLEL conversion slots of this machine (a lock file in `lock_dir`, so that
    every process counts), waiting for one until `deadline`. Where locks are not available (no fcntl, no
    safe folder, a lock file that cannot be opened) the conversion goes ahead."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    folder = _lock_folder(lock_dir)
    if folder is None:
        yield
        return
    while True:
        for number in range(MAX_PARALLEL):
            try:
                handle = open(folder / f"kuroko-mpxj-slot-{number}.lock", "a+b")  # noqa: SIM115
            except OSError:
                yield
                return
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # taken by another conversion
                handle.close()
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() >= deadline:
            raise MpxjError(
                TIMEOUT, f"{label}: other conversions kept the converter busy for longer than {timeout:g} s."
            )
        time.sleep(0.1)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?)\sencoding=(['\"])[^'\"]*\2", re.IGNORECASE)


def _as_utf8_xml(data: bytes) -> bytes | None:
    """XML in any encoding Java reads by its byte order mark (UTF-8, UTF-16, UTF-32, or UTF-16 without
    one) as UTF-8 with its encoding declaration dropped, for defusedxml to check; None when the data is
    not XML."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None and len(data) >= 2 and (data[0] == 0) != (data[1] == 0):
        encoding = "utf-16-be" if data[0] == 0 else "utf-16-le"  # "<" as two bytes, without a mark
    if encoding is None:
        head = data[:1024].lstrip(b" \t\r\n")
        return data if head.startswith(b"<") else None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if not text.lstrip().startswith("<"):
        return None
    return _DECLARED_ENCODING.sub(r"\1", text, count=1).encode("utf-8")


def _check_content(data: bytes, label: str) -> None:
    """Check what MPXJ would parse: XML in any encoding (`_check_xml`), and the members of a zip or
    gzip file, which MPXJ unpacks and reads — refused when they unpack to more than MAX_UNPACKED_BYTES,
    hold another archive, or hold XML with a document type."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        _check_zip(data, label)
    elif data.startswith(b"\x1f\x8b"):
        _check_xml_or_plain(_gunzip(data, label), label)
    else:
        _check_xml_or_plain(data, label)


def _check_xml_or_plain(data: bytes, label: str) -> None:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\x1f\x8b"):
        raise MpxjError(UNRECOGNISED, f"{label}: an archive inside an archive is refused.", "nested archive")
    xml = _as_utf8_xml(data)
    if xml is not None:
        _check_xml(xml, label)


def _too_large(label: str) -> MpxjError:
    limit = MAX_UNPACKED_BYTES // (1024 * 1024)
    return MpxjError(
        ARCHIVE_TOO_LARGE,
        f"{label}: the archive unpacks to more than {limit} MB, which is refused.",
        f"{limit} MB",
    )


def _gunzip(data: bytes, label: str) -> bytes:
    """A gzip file unpacked, refused as soon as it passes MAX_UNPACKED_BYTES (its declared size cannot
    be trusted)."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
            while chunk := unpacked.read(1024 * 1024):
                out.write(chunk)
                if out.tell() > MAX_UNPACKED_BYTES:
                    raise _too_large(label)
    except (OSError, EOFError, zlib.error) as exc:
        raise MpxjError(CORRUPT, _english(CORRUPT, label, str(exc)), str(exc)) from None
    return out.getvalue()


def _check_zip(data: bytes, label: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise _too_large(label)
            unpacked = 0
            for member in members:
                # Read with a bound, as the declared sizes may lie.
                with archive.open(member) as stream:
                    content = stream.read(MAX_UNPACKED_BYTES - unpacked + 1)
                unpacked += len(content)
                if unpacked > MAX_UNPACKED_BYTES:
                    raise _too_large(label)
                _check_xml_or_plain(content, f"{label} ({member.filename})")
    except MpxjError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a compression method zipfile lacks
        RuntimeError,  # an encrypted member
        OSError,
        EOFError,
        ValueError,
        zlib.error,
    ) as exc:
        raise MpxjError(CORRUPT, _english(CORRUPT, label, str(exc)), str(exc)) from None


def _check_xml(data: bytes, label: str) -> None:
    """Refuse XML that MPXJ should not parse: not well-formed, or with a document type, entities or
    external references (which could read local files or expand without bound). defusedxml checks it
    here, in Python, before the Java XML parser sees it."""
    parser = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        parser.close()
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        detail = type(exc).__name__
        raise MpxjError(
            HOSTILE,
            f"{label}: the XML declares a document type or entities, which are refused ({detail}).",
            detail,
        ) from None
    except ParseError as exc:
        line, column = exc.position
        detail = f"{str(exc).split(':')[0]} at line {line}, column {column + 1}"
        raise MpxjError(CORRUPT, f"{label} is not well-formed XML: {detail}.", detail) from None


def _english(kind: str, label: str, detail: str) -> str:
    return {
        UNRECOGNISED: f"{label}: MPXJ does not recognise this file as a project file.",
        PASSWORD: f"{label}: the file is password-protected; save it without a password and try again.",
        CORRUPT: f"{label}: the file cannot be read ({detail}).",
        TOO_LARGE: f"{label}: the file is too large to convert (the converter ran out of memory).",
        ARCHIVE_TOO_LARGE: f"{label}: the archive unpacks to more than {detail}, which is refused.",
    }.get(kind, f"{label}: the conversion failed ({detail}).")
