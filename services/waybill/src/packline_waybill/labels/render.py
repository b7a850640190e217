"""Courier labels (송장출력) as one PDF: each courier's layout, Korean text, scannable barcodes."""

from collections.abc import Sequence

from fpdf import FPDF

from packline_couriers import COURIERS
from packline_waybill.labels import drawing
from packline_waybill.labels.barcodes import BarcodeError
from packline_waybill.labels.drawing import Box
from packline_waybill.labels.layouts import BigCode, LabelLayout, layout_for
from packline_waybill.labels.model import (
    Label,
    LabelError,
    LabelItem,
    check_labels,
    grouped_number,
    printed_phone,
)

MARGIN_MM = 3
# Rows of a label, as fractions of its height: header, sorting codes, tracking number,
# recipient, items and message, sender and the second barcode.
ROWS = (0.09, 0.2, 0.17, 0.25, 0.17)


def render_labels(labels: Sequence[Label]) -> bytes:
    """One PDF with every label, in order; a courier's sheet fills before a new page starts."""
    check_labels(labels)
    pdf = drawing.new_document()
    previous: LabelLayout | None = None
    slot = 0
    for position, label in enumerate(labels, start=1):
        layout = layout_for(label.courier_code)
        if layout != previous or slot == layout.labels_per_page:
            pdf.add_page(format=(layout.page_width_mm, layout.page_height_mm))
            previous, slot = layout, 0
        area = Box(0, slot * layout.label_height_mm, layout.page_width_mm, layout.label_height_mm)
        try:
            _draw_label(pdf, label, layout, area)
        except BarcodeError as error:
            raise LabelError(f"label {position} ({label.reference}): {error}") from error
        slot += 1
    return bytes(pdf.output())


def _draw_label(pdf: FPDF, label: Label, layout: LabelLayout, area: Box) -> None:
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    box = area.inset(MARGIN_MM / 2)
    pdf.rect(box.x, box.y, box.w, box.h)
    header, sorting, number, recipient, contents, footer = box.inset(MARGIN_MM / 2).split_y(*ROWS)
    _header(pdf, label, header)
    _sorting(pdf, label, layout, sorting)
    _number(pdf, label, layout, number)
    _recipient(pdf, label, recipient)
    _contents(pdf, label, contents)
    _footer(pdf, label, layout, footer)


def _header(pdf: FPDF, label: Label, box: Box) -> None:
    courier, digits, mark = box.split_x(0.3, 0.5)
    drawing.line(pdf, COURIERS[label.courier_code].name, courier, 10)
    drawing.line(pdf, f"운송장번호 {grouped_number(label.tracking_number)}", digits, 11)
    if label.reprint:
        reprint = Box(mark.x + mark.w * 0.35, mark.y, mark.w * 0.65, mark.h * 0.9)
        pdf.set_fill_color(0)
        pdf.rect(reprint.x, reprint.y, reprint.w, reprint.h, "F")
        pdf.set_text_color(255)
        drawing.line(pdf, "재출력", reprint, 11, align="C")
        pdf.set_text_color(0)


def _sorting(pdf: FPDF, label: Label, layout: LabelLayout, box: Box) -> None:
    big, bars, details = box.split_x(0.4, 0.32)
    if label.sorting is None:
        drawing.line(pdf, "분류코드 없음", big, 10)
        return
    code = layout.big_code_of(label.sorting)
    drawing.line(pdf, code, big, 40)
    # The barcode always carries the sort code: 집배코드 may hold Korean, which no 1-D symbology carries.
    drawing.barcode(pdf, layout.sort_symbology, label.sorting.sort_code, bars.inset(1))
    named = (
        ("터미널", label.sorting.terminal),
        ("대리점", label.sorting.branch),
        ("집배코드" if layout.big_code is BigCode.ZONE else "구역", label.sorting.zone),
        ("분류", label.sorting.sort_code if code != label.sorting.sort_code else None),
    )
    lines = [f"{name} {value}" for name, value in named if value]
    for row, text in zip(details.inset(0.5).split_y(*[1 / 3] * 2), lines, strict=False):
        drawing.line(pdf, text, row, 9)


def _number(pdf: FPDF, label: Label, layout: LabelLayout, box: Box) -> None:
    bars, digits = box.split_y(0.75)
    drawing.barcode(pdf, layout.number_symbology, label.tracking_number, bars.inset(0.5))
    drawing.line(pdf, grouped_number(label.tracking_number), digits, 9, align="C")


def _recipient(pdf: FPDF, label: Label, box: Box) -> None:
    who, where = box.split_y(0.3)
    name, phone = who.split_x(0.55)
    drawing.line(pdf, f"받는분 {label.recipient_name}", name, 12)
    drawing.line(pdf, printed_phone(label), phone, 12, align="R")
    drawing.paragraph(pdf, f"({label.postcode}) {label.address}", where, 11)


def _contents(pdf: FPDF, label: Label, box: Box) -> None:
    items, message = box.split_x(0.6)
    _item_summary(pdf, label.items, items.split_x(0.97)[0])
    if label.message:
        drawing.paragraph(pdf, f"배송메세지: {label.message}", message, 8)


def _item_summary(pdf: FPDF, items: tuple[LabelItem, ...], box: Box) -> None:
    """품목: one line per item; when they do not all fit, the last line says 외 N건."""
    size = 7.0
    pdf.set_font_size(size)
    line_h = size * drawing.MM_PER_PT * drawing.LINE_SPACING
    room = max(1, int(box.h // line_h) - 1)
    total = sum(item.quantity for item in items)
    lines = [f"{item.name} × {item.quantity}" for item in items]
    if len(lines) > room:
        lines = [*lines[: room - 1], f"외 {len(lines) - room + 1}건"]
    heading = Box(box.x, box.y, box.w, line_h)
    drawing.line(pdf, f"품목 {len(items)}종 · 총 {total}개", heading, size)
    for row, text in enumerate(lines):
        drawing.line(pdf, text, Box(box.x, box.y + (row + 1) * line_h, box.w, line_h), size)


def _footer(pdf: FPDF, label: Label, layout: LabelLayout, box: Box) -> None:
    sender, bars = box.split_x(0.45)
    who, where, reference = sender.split_y(1 / 3, 1 / 3)
    drawing.line(pdf, f"보내는분 {label.sender_name} {label.sender_phone}", who, 7)
    drawing.line(pdf, label.sender_address, where, 6)
    drawing.line(pdf, f"주문참조 {label.reference}", reference, 6)
    if layout.number_barcodes > 1:
        drawing.barcode(pdf, layout.number_symbology, label.tracking_number, bars.inset(0.5))
