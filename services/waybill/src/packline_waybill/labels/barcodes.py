"""Bar widths for the couriers' symbologies: Code 128 (sets B and C), Code 39, Interleaved 2 of 5.

Each encoder returns element widths in narrow modules, bar first, bars and spaces alternating,
without quiet zones. Code 128 is written here (fpdf2 has none; its table is small and the
decode tests read every symbol back); Code 39 and I2of5 use a wide bar of 3 modules.
"""

from enum import StrEnum


class Symbology(StrEnum):
    CODE128 = "Code 128"
    CODE39 = "Code 39"
    I2OF5 = "Interleaved 2 of 5"


class BarcodeError(ValueError):
    """Text that the symbology cannot carry unchanged."""


# Code 128 symbol values 0-106 as bar/space widths (each sums to 11 modules; stop has 13).
_CODE128 = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 "
    "112232 122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 "
    "311222 321122 321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 "
    "112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 "
    "313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 "
    "122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 "
    "124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 "
    "114311 411113 411311 113141 114131 311141 411131 211412 211214 211232 2331112"
).split()
_START_B, _START_C, _CODE_B, _CODE_C, _STOP = 104, 105, 100, 99, 106


def _digit_run(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end - start


def code128_values(text: str) -> list[int]:
    """Symbol values (start, data, check, stop): set C for runs of 4+ digits, set B otherwise."""
    if not text:
        raise BarcodeError("Code 128 needs at least one character")
    bad = sorted({c for c in text if not 32 <= ord(c) <= 126})
    if bad:
        raise BarcodeError(f"Code 128 here carries printable ASCII only; {text!r} has {bad}")
    values: list[int] = []
    in_c = _digit_run(text, 0) >= 4 or (text.isdigit() and len(text) % 2 == 0)
    values.append(_START_C if in_c else _START_B)
    i = 0
    while i < len(text):
        run = _digit_run(text, i)
        if in_c and run < 2:
            values.append(_CODE_B)
            in_c = False
        elif not in_c and run >= 4 and run % 2 == 0:
            values.append(_CODE_C)
            in_c = True
        if in_c:
            values.append(int(text[i : i + 2]))
            i += 2
        else:
            values.append(ord(text[i]) - 32)
            i += 1
    check = (values[0] + sum(weight * value for weight, value in enumerate(values[1:], 1))) % 103
    return [*values, check, _STOP]


def code128_widths(text: str) -> list[int]:
    return [int(width) for value in code128_values(text) for width in _CODE128[value]]


# Code 39: n = narrow, w = wide; each character is 5 bars and 4 spaces.
_CODE39 = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. *",
        "nnnwwnwnn wnnwnnnnw nnwwnnnnw wnwwnnnnn nnnwwnnnw wnnwwnnnn nnwwwnnnn nnnwnnwnw "
        "wnnwnnwnn nnwwnnwnn wnnnnwnnw nnwnnwnnw wnwnnwnnn nnnnwwnnw wnnnwwnnn nnwnwwnnn "
        "nnnnnwwnw wnnnnwwnn nnwnnwwnn nnnnwwwnn wnnnnnnww nnwnnnnww wnwnnnnwn nnnnwnnww "
        "wnnnwnnwn nnwnwnnwn nnnnnnwww wnnnnnwwn nnwnnnwwn nnnnwnwwn wwnnnnnnw nwwnnnnnw "
        "wwwnnnnnn nwnnwnnnw wwnnwnnnn nwwnwnnnn nwnnnnwnw wwnnnnwnn nwwnnnwnn nwnnwnwnn".split(),
        strict=True,
    )
)
_WIDE = 3


def code39_widths(text: str) -> list[int]:
    bad = sorted({c for c in text if c not in _CODE39 or c == "*"})
    if not text or bad:
        raise BarcodeError(f"Code 39 carries 0-9, A-Z, '-', '.' and space; {text!r} has {bad}")
    widths: list[int] = []
    for char in f"*{text}*":
        widths.extend(_WIDE if element == "w" else 1 for element in _CODE39[char])
        widths.append(1)  # gap between characters
    return widths[:-1]


_I2OF5 = ("nnwwn", "wnnnw", "nwnnw", "wwnnn", "nnwnw", "wnwnn", "nwwnn", "nnnww", "wnnwn", "nwnwn")


def i2of5_widths(text: str) -> list[int]:
    if not text.isdigit():
        raise BarcodeError(f"Interleaved 2 of 5 carries digits only; {text!r} is not all digits")
    if len(text) % 2:
        raise BarcodeError(
            f"Interleaved 2 of 5 carries digit pairs; {text!r} has {len(text)} digits and a "
            "padding zero would change the number scanned"
        )
    widths = [1, 1, 1, 1]
    for i in range(0, len(text), 2):
        bars, spaces = _I2OF5[int(text[i])], _I2OF5[int(text[i + 1])]
        for bar, space in zip(bars, spaces, strict=True):
            widths += [_WIDE if bar == "w" else 1, _WIDE if space == "w" else 1]
    return [*widths, _WIDE, 1, 1]


def widths_for(symbology: Symbology, text: str) -> list[int]:
    encoder = {
        Symbology.CODE128: code128_widths,
        Symbology.CODE39: code39_widths,
        Symbology.I2OF5: i2of5_widths,
    }[symbology]
    return encoder(text)
