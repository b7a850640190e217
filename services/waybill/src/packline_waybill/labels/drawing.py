"""Drawing on an fpdf2 page inside fixed boxes: text that shrinks or is cut, never overflowing,
and barcodes scaled to their box."""

import os
from dataclasses import dataclass

import pylopdf_fonts_ko
from fpdf import FPDF

from packline_waybill.labels.barcodes import BarcodeError, Symbology, widths_for

FONT = "NotoSansKR"
FONT_FILE = os.path.join(os.path.dirname(pylopdf_fonts_ko.__file__), "NotoSansKR-Regular.otf")
MM_PER_PT = 25.4 / 72
LINE_SPACING = 1.2
QUIET_MODULES = 10  # blank modules each side of a barcode, so scanners find its edges
MIN_MODULE_MM = 0.25  # thinner bars stop scanning on 203 dpi thermal printers
MAX_MODULE_MM = 0.5
ELLIPSIS = "…"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def split_x(self, *fractions: float) -> list["Box"]:
        """Columns whose widths are the given fractions of this box (the last takes the rest)."""
        boxes, x = [], self.x
        for fraction in fractions:
            boxes.append(Box(x, self.y, self.w * fraction, self.h))
            x += self.w * fraction
        return [*boxes, Box(x, self.y, self.x + self.w - x, self.h)]

    def split_y(self, *fractions: float) -> list["Box"]:
        boxes, y = [], self.y
        for fraction in fractions:
            boxes.append(Box(self.x, y, self.w, self.h * fraction))
            y += self.h * fraction
        return [*boxes, Box(self.x, y, self.w, self.y + self.h - y)]

    def inset(self, margin: float) -> "Box":
        return Box(self.x + margin, self.y + margin, self.w - 2 * margin, self.h - 2 * margin)


def new_document() -> FPDF:
    pdf = FPDF(unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.add_font(FONT, fname=FONT_FILE)
    pdf.set_font(FONT, size=8)
    return pdf


def cut_to_width(pdf: FPDF, text: str, width: float) -> str:
    """The text, cut with an ellipsis if it is wider than width at the current font size."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + ELLIPSIS) > width:
        text = text[:-1]
    return text + ELLIPSIS


def line(
    pdf: FPDF, text: str, box: Box, size: float, min_size: float = 6, align: str = "L"
) -> None:
    """One line of text in box: shrunk down to min_size to fit its width, then cut."""
    size = min(size, box.h / MM_PER_PT / LINE_SPACING)
    pdf.set_font_size(size)
    while size > min_size and pdf.get_string_width(text) > box.w:
        size = max(min_size, size - 0.5)
        pdf.set_font_size(size)
    pdf.set_xy(box.x, box.y)
    pdf.cell(box.w, box.h, cut_to_width(pdf, text, box.w), align=align)


def paragraph(pdf: FPDF, text: str, box: Box, size: float, min_size: float = 5.5) -> None:
    """Wrapped text in box: shrunk until every line fits; at min_size the last line is cut."""
    while True:
        pdf.set_font_size(size)
        line_h = size * MM_PER_PT * LINE_SPACING
        wrapped = pdf.multi_cell(box.w, line_h, text, dry_run=True, output="LINES")
        lines = [str(text_line) for text_line in wrapped] if isinstance(wrapped, list) else []
        room = max(1, int(box.h // line_h))
        if len(lines) <= room or size <= min_size:
            break
        size = max(min_size, size - 0.5)
    if len(lines) > room:
        lines = [*lines[: room - 1], cut_to_width(pdf, lines[room - 1] + ELLIPSIS, box.w)]
    for number, text_line in enumerate(lines[:room]):
        pdf.set_xy(box.x, box.y + number * line_h)
        pdf.cell(box.w, line_h, text_line)


def barcode(pdf: FPDF, symbology: Symbology, text: str, box: Box) -> None:
    """The barcode centred in box, bars as wide as the box allows up to MAX_MODULE_MM."""
    widths = widths_for(symbology, text)
    modules = sum(widths) + 2 * QUIET_MODULES
    module = min(MAX_MODULE_MM, box.w / modules)
    if module < MIN_MODULE_MM:
        raise BarcodeError(
            f"{text!r} as {symbology} needs {modules * MIN_MODULE_MM:.0f} mm; "
            f"the label has {box.w:.0f} mm for it"
        )
    x = box.x + (box.w - sum(widths) * module) / 2
    pdf.set_fill_color(0)
    for index, width in enumerate(widths):
        if index % 2 == 0:
            pdf.rect(x, box.y, width * module, box.h, "F")
        x += width * module
