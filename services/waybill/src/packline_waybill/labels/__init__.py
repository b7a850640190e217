"""Courier label PDFs (송장출력): pure rendering, no database or HTTP."""

from packline_waybill.labels.barcodes import Symbology
from packline_waybill.labels.layouts import LabelLayout, layout_for
from packline_waybill.labels.model import Label, LabelError, LabelItem, SortingCodes
from packline_waybill.labels.render import render_labels

__all__ = [
    "Label",
    "LabelError",
    "LabelItem",
    "LabelLayout",
    "SortingCodes",
    "Symbology",
    "layout_for",
    "render_labels",
]
