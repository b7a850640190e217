"""The one rule for text from outside (API, Excel, marketplaces): no control characters.

C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F) characters are refused, naming the field and
the character, never the value. Tab and line breaks are the exception: sellers type Alt+Enter in
Excel address cells and marketplaces send multi-line addresses, so in single-line fields they are
folded into one space (`fold_line_breaks`), and only the delivery message keeps them. A NUL stored upstream would strand the order downstream, where no
database can keep it, so it is stopped where it enters.
"""

import re
from typing import Any

from pydantic import BaseModel

MULTI_LINE_FIELDS = frozenset({"message"})  # 배송메세지 may span lines
_LINE_BREAKS = frozenset("\t\n\r")
_BREAK_RUNS = re.compile(r"[ \t\r\n]*[\t\r\n][ \t\r\n]*")


def control_character(value: str) -> str | None:
    """The first forbidden character as `U+XXXX`, or None when the text is clean (tab and
    line breaks are not forbidden: single-line fields fold them, see `fold_line_breaks`)."""
    for char in value:
        code = ord(char)
        if (code < 0x20 or 0x7F <= code <= 0x9F) and char not in _LINE_BREAKS:
            return f"U+{code:04X}"
    return None


def fold_line_breaks(data: Any, path: tuple[str, ...] = ()) -> Any:
    """`data` with runs of tab/line breaks in single-line fields folded into one space."""
    if isinstance(data, str):
        if (bool(path) and path[-1] in MULTI_LINE_FIELDS) or not _LINE_BREAKS & set(data):
            return data
        return _BREAK_RUNS.sub(" ", data).strip()
    if isinstance(data, dict):
        return {k: fold_line_breaks(v, (*path, str(k))) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(fold_line_breaks(v, (*path, str(n))) for n, v in enumerate(data))
    return data


def problem(char: str) -> str:
    return f"control character {char} is not allowed; remove it (retype the text)"


def first_control_character(data: object, path: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """(dotted field path, `U+XXXX`) of the first forbidden character anywhere in `data`: a
    mapping, a model, or lists of them, as a request body or a mapped row arrives."""
    if isinstance(data, str):
        found = control_character(data)
        return (".".join(path), found) if found else None
    if isinstance(data, BaseModel):
        data = data.__dict__
    if isinstance(data, dict):
        items = [(str(k), v) for k, v in data.items()]
    elif isinstance(data, list | tuple):
        items = [(str(n), v) for n, v in enumerate(data)]
    else:
        return None
    for key, value in items:
        hit = first_control_character(value, (*path, key))
        if hit is not None:
            return hit
    return None


def error_loc(error: Any) -> tuple[int | str, ...]:
    """A validation error's field path; the order-level control-character check names the
    nested field it found in `ctx.field`."""
    field = (error.get("ctx") or {}).get("field")
    if isinstance(field, str) and field:
        return tuple(int(p) if p.isdigit() else p for p in field.split("."))
    return tuple(error["loc"])
