"""A barcode scan (출고 스캔) of one or many labels: all of them ship, or none does."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from packline_couriers import normalise_tracking_number
from packline_shipper.domain.parcel import RELABEL_REASON, Parcel


@dataclass(frozen=True)
class ScanProblem:
    tracking_number: str
    reason: str


class ScanRejected(Exception):
    """At least one scanned number cannot ship; nothing in the request was shipped."""

    def __init__(self, problems: Sequence[ScanProblem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} scanned number(s) cannot ship; nothing shipped")


@dataclass
class ScanResult:
    shipped: list[str] = field(default_factory=list)
    already_shipped: list[str] = field(default_factory=list)


def normalise_scan(raw_numbers: Sequence[str]) -> tuple[list[str], list[ScanProblem]]:
    """Digits only, each number once, in scan order; what has no digits is a problem."""
    numbers: list[str] = []
    problems: list[ScanProblem] = []
    for raw in raw_numbers:
        number = normalise_tracking_number(raw)
        if not number:
            problems.append(
                ScanProblem(raw, "no digits: not a tracking number, scan the label again")
            )
        elif number not in numbers:
            numbers.append(number)
    return numbers, problems


def check_scan(numbers: Sequence[str], parcels: Mapping[str, Parcel]) -> list[ScanProblem]:
    """Why each number cannot ship: unknown, or its parcel is stopped (출고 중지)."""
    problems: list[ScanProblem] = []
    for number in numbers:
        parcel = parcels.get(number)
        if parcel is None:
            problems.append(
                ScanProblem(
                    number,
                    "unknown: no waybill was issued with this number (or it has not reached "
                    "the shipper yet); check the label",
                )
            )
        elif parcel.status == "STOPPED":
            problems.append(
                ScanProblem(
                    number,
                    "출고 중지 (stopped): every order in this parcel was cancelled; take it off the line",
                )
            )
        elif parcel.status == "RELABEL":
            problems.append(
                ScanProblem(number, f"{RELABEL_REASON}: wait for the new label and reprint it")
            )
        elif parcel.status == "VOIDED":
            problems.append(
                ScanProblem(
                    number,
                    f"{RELABEL_REASON}: this number was voided and replaced; print the new "
                    "label of the bundle and scan that",
                )
            )
    return problems
