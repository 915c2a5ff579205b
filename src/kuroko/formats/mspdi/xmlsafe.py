"""Parsing untrusted XML safely (defusedxml: no DTD, no entities, no external references) into an element
tree that remembers each element's line, and typed access to MSPDI child elements whose errors name the
element, its line and the task or calendar it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from kuroko.formats.mspdi.records import MspdiError
from kuroko.formats.mspdi.units import DurationUnits, parse_datetime, parse_iso_duration, parse_time

NAMESPACE = "http://schemas.microsoft.com/project"

T = TypeVar("T")


class _LineBuilder(TreeBuilder):
    """A tree builder that notes the line on which each element starts."""

    def __init__(self) -> None:
        super().__init__()
        self.expat: object = None
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str], /) -> Element:
        element = super().start(tag, attrs)
        line = getattr(self.expat, "CurrentLineNumber", None)
        if isinstance(line, int):
            self.lines[id(element)] = line
        return element


def load(source: bytes | str | Path) -> tuple[bytes | str, str]:
    """The XML text of `source` and a label naming it in messages (the file name, or "the XML")."""
    if isinstance(source, Path):
        try:
            return source.read_bytes(), source.name
        except OSError as exc:
            raise MspdiError(f"{source}: cannot be read ({exc.strerror or exc}).") from exc
    if isinstance(source, str):
        if not source.lstrip("\ufeff \t\r\n").startswith("<"):
            raise MspdiError(
                "The text is not XML: it does not start with “<”. To read a file, pass a pathlib.Path."
            )
        return source, "the XML"
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), "the XML"
    raise TypeError(f"read_mspdi() takes bytes, str or a Path, not {type(source).__name__}.")


def parse(data: bytes | str, label: str) -> tuple[Element, dict[int, int]]:
    """The root element and a map from id(element) to its line.

    Raises
    ------
    MspdiError
        If the XML is not well-formed, or declares a DTD, entities or external references (refused:
        they can read local files or expand without bound).
    """
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.expat = parser.parser
    try:
        parser.feed(data)
        root: Element = parser.close()
    except DTDForbidden as exc:
        line = getattr(builder.expat, "CurrentLineNumber", None)
        raise MspdiError(
            f"{label}, line {line}: the file declares a document type (<!DOCTYPE {exc.name}>). "
            "MS Project XML has none, and documents with one are refused: their entities could read "
            "local files or expand without bound.",
            line=line,
        ) from None
    except (EntitiesForbidden, ExternalReferenceForbidden) as exc:
        line = getattr(builder.expat, "CurrentLineNumber", None)
        raise MspdiError(
            f"{label}, line {line}: the file declares or refers to an XML entity; entities are refused "
            f"because they could read local files or expand without bound ({type(exc).__name__}).",
            line=line,
        ) from None
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise MspdiError(
            f"{label} is not well-formed XML: {reason} at line {line}, column {column + 1}.", line=line
        ) from None
    return root, builder.lines


class Source:
    """Typed, namespaced access to an MSPDI tree; every error names the element and its line."""

    def __init__(self, root: Element, lines: dict[int, int], label: str) -> None:
        self.root = root
        self.lines = lines
        self.label = label
        tag = root.tag
        self.namespace = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
        local = tag.split("}", 1)[-1]
        if local != "Project" or (self.namespace and not self.namespace.startswith(NAMESPACE)):
            raise MspdiError(
                f"{label} is not MS Project XML: the root element is <{local}>"
                + (f" in namespace {self.namespace}" if self.namespace else "")
                + f", not <Project> in namespace {NAMESPACE}.",
                line=lines.get(id(root)),
                element=local,
            )

    def q(self, tag: str) -> str:
        """The qualified name of `tag` in the file's namespace."""
        return f"{{{self.namespace}}}{tag}" if self.namespace else tag

    def children(self, parent: Element, path: str) -> Iterator[Element]:
        """The elements at a /-separated `path` below `parent` (e.g. ``Tasks/Task``)."""
        return iter(parent.findall("/".join(self.q(p) for p in path.split("/"))))

    def child(self, parent: Element, path: str) -> Element | None:
        """The first element at `path` below `parent`, if any."""
        return parent.find("/".join(self.q(p) for p in path.split("/")))

    def line(self, element: Element) -> int | None:
        """The line on which `element` starts."""
        return self.lines.get(id(element))

    def error(self, element: Element, where: str, message: str) -> MspdiError:
        """An error about `element` of the thing named `where` (e.g. "Task UID 5 (“Design”)")."""
        line = self.line(element)
        local = element.tag.split("}", 1)[-1]
        at = f", line {line}" if line is not None else ""
        return MspdiError(f"{self.label}{at}: {where}, <{local}>: {message}", line=line, element=local)

    def text(self, parent: Element, tag: str) -> str | None:
        """The stripped text of child `tag`, or None if it is absent or empty."""
        element = self.child(parent, tag)
        if element is None or element.text is None or not element.text.strip():
            return None
        return element.text.strip()

    def _typed(
        self, parent: Element, tag: str, where: str, convert: Callable[[str], T], what: str
    ) -> T | None:
        element = self.child(parent, tag)
        if element is None or element.text is None or not element.text.strip():
            return None
        try:
            return convert(element.text.strip())
        except (ValueError, ArithmeticError):
            raise self.error(element, where, f"“{element.text.strip()}” is not {what}.") from None

    def integer(self, parent: Element, tag: str, where: str) -> int | None:
        """Child `tag` as an integer (``5`` or ``5.0``)."""

        def convert(text: str) -> int:
            value = Decimal(text)
            if value != value.to_integral_value():
                raise ValueError(text)
            return int(value)

        return self._typed(parent, tag, where, convert, "a whole number")

    def number(self, parent: Element, tag: str, where: str) -> Decimal | None:
        """Child `tag` as a decimal number."""

        def convert(text: str) -> Decimal:
            value = Decimal(text)
            if not value.is_finite():
                raise InvalidOperation(text)
            return value

        return self._typed(parent, tag, where, convert, "a number")

    def flag(self, parent: Element, tag: str, where: str) -> bool | None:
        """Child `tag` as a boolean (``1``/``0`` or ``true``/``false``)."""

        def convert(text: str) -> bool:
            lowered = text.lower()
            if lowered in {"1", "true"}:
                return True
            if lowered in {"0", "false"}:
                return False
            raise ValueError(text)

        return self._typed(parent, tag, where, convert, "a boolean (0 or 1)")

    def moment(self, parent: Element, tag: str, where: str) -> datetime | None:
        """Child `tag` as a naive datetime."""
        return self._typed(parent, tag, where, parse_datetime, "a date and time such as 2024-04-01T08:00:00")

    def clock(self, parent: Element, tag: str, where: str, *, end: bool = False) -> int | None:
        """Child `tag` as minutes after midnight (00:00:00 as an `end` is 1440)."""
        return self._typed(
            parent, tag, where, lambda text: parse_time(text, end=end), "a time such as 08:00:00"
        )

    def span(self, parent: Element, tag: str, where: str, units: DurationUnits) -> float | None:
        """Child `tag`, an ISO 8601 duration, in minutes."""
        return self._typed(
            parent, tag, where, lambda text: parse_iso_duration(text, units), "a duration such as PT8H0M0S"
        )
