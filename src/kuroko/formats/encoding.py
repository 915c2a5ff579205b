"""Text files from Windows and Excel: UTF-8 with or without a byte order mark, or Windows-31J (cp932, the
Shift_JIS that Japanese Excel saves CSV in)."""

from __future__ import annotations

BOM = b"\xef\xbb\xbf"


class EncodingError(ValueError):
    """The bytes are neither UTF-8 nor Shift_JIS (cp932) text."""


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and its encoding: "utf-8-sig", "utf-8" or "cp932". UTF-8 is tried first: valid UTF-8 of
    any length is almost never valid-looking cp932 by accident, while the reverse is common."""
    if data.startswith(BOM):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise EncodingError("The file starts as UTF-8 but is not valid UTF-8 text.") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError:
        raise EncodingError(
            "The file is neither UTF-8 nor Shift_JIS text: save it as CSV (UTF-8) and upload it again."
        ) from None
