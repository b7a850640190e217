"""Each courier's label layout (송장 양식): paper, labels per sheet, barcode symbologies."""

from dataclasses import dataclass
from enum import StrEnum

from packline_couriers import COURIERS
from packline_waybill.labels.barcodes import Symbology
from packline_waybill.labels.model import LabelError, SortingCodes


class BigCode(StrEnum):
    """Which sorting code a layout prints largest: what the courier's sorters read first."""

    SORT_CODE = "sort_code"  # CJ 분류코드, 롯데 도착지 code
    ZONE = "zone"  # 우체국 집배코드


@dataclass(frozen=True)
class LabelLayout:
    name: str
    page_width_mm: float
    page_height_mm: float
    labels_per_page: int  # stacked top to bottom, each page_height / labels_per_page tall
    number_symbology: Symbology
    sort_symbology: Symbology
    number_barcodes: int = 1  # CJ prints the tracking number barcode twice
    big_code: BigCode = BigCode.SORT_CODE

    @property
    def label_height_mm(self) -> float:
        return self.page_height_mm / self.labels_per_page

    def big_code_of(self, sorting: SortingCodes) -> str:
        if self.big_code is BigCode.ZONE and sorting.zone:
            return sorting.zone
        return sorting.sort_code


CJ_STANDARD = LabelLayout(
    "CJ대한통운 표준 123×100", 123, 100, 1, Symbology.CODE128, Symbology.CODE128, number_barcodes=2
)
EPOST_C_TYPE = LabelLayout(
    "우체국 C형 171×111", 171, 111, 1, Symbology.CODE128, Symbology.CODE128, big_code=BigCode.ZONE
)
LOTTE_A4_THREE = LabelLayout("롯데택배 A4 3면", 210, 297, 3, Symbology.I2OF5, Symbology.CODE39)
OWN_STANDARD = LabelLayout(
    "Packline 표준 123×100", 123, 100, 1, Symbology.CODE128, Symbology.CODE128
)

_LAYOUTS = {"CJGLS": CJ_STANDARD, "EPOST": EPOST_C_TYPE, "HYUNDAI": LOTTE_A4_THREE}


def layout_for(courier_code: str) -> LabelLayout:
    """The courier's own layout; 한진, 로젠 and the others get Packline's 123×100 mm one."""
    if courier_code not in COURIERS:
        known = ", ".join(sorted(COURIERS))
        raise LabelError(
            f"no label layout for unknown courier code {courier_code!r}; use one of {known}"
        )
    return _LAYOUTS.get(courier_code, OWN_STANDARD)
