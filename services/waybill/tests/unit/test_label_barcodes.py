"""Barcode encoders read back by a real decoder (zxing-cpp): every Code 128 symbol is exercised."""

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from packline_waybill.labels.barcodes import (
    BarcodeError,
    Symbology,
    code39_widths,
    code128_values,
    i2of5_widths,
    widths_for,
)

PIXELS_PER_MODULE = 3
QUIET = 12


def decode(symbology: Symbology, text: str) -> list[tuple[str, str]]:
    widths = widths_for(symbology, text)
    image = Image.new("L", ((sum(widths) + 2 * QUIET) * PIXELS_PER_MODULE, 80), 255)
    draw = ImageDraw.Draw(image)
    x = QUIET * PIXELS_PER_MODULE
    for index, width in enumerate(widths):
        if index % 2 == 0:
            draw.rectangle((x, 10, x + width * PIXELS_PER_MODULE - 1, 69), fill=0)
        x += width * PIXELS_PER_MODULE
    return [(found.format.name, found.text) for found in zxingcpp.read_barcodes(image)]


def test_every_printable_ascii_character_of_code128_set_b_decodes() -> None:
    text = "".join(chr(code) for code in range(32, 127))

    assert decode(Symbology.CODE128, text) == [("Code128", text)]


def test_every_digit_pair_of_code128_set_c_decodes() -> None:
    text = "".join(f"{pair:02d}" for pair in range(100))

    assert code128_values(text)[0] == 105  # start C: the whole number in digit pairs
    assert decode(Symbology.CODE128, text) == [("Code128", text)]


@pytest.mark.parametrize("text", ["A1-234", "2E15", "AB12345", "12345", "1", "X1234567Y"])
def test_mixed_text_switches_between_sets_and_still_decodes(text: str) -> None:
    assert decode(Symbology.CODE128, text) == [("Code128", text)]


def test_interleaved_2_of_5_and_code39_decode() -> None:
    assert decode(Symbology.I2OF5, "300000000123") == [("ITF", "300000000123")]
    assert decode(Symbology.CODE39, "2E15-A") == [("Code39", "2E15-A")]


def test_i2of5_refuses_letters_and_odd_lengths_instead_of_changing_the_number() -> None:
    with pytest.raises(BarcodeError, match="digits only"):
        i2of5_widths("30000A000123")
    with pytest.raises(BarcodeError, match=r"digit pairs.*13 digits"):
        i2of5_widths("3000000001234")


def test_code39_and_code128_name_the_characters_they_cannot_carry() -> None:
    with pytest.raises(BarcodeError, match="'a'"):
        code39_widths("2e15a")
    with pytest.raises(BarcodeError, match="'강'"):
        code128_values("강남 2E")
