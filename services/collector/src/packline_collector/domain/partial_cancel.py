"""부분취소: units of some lines of an order are cancelled while the rest of it goes on. What has
been cancelled is counted per line, so no claim can ever take more than is left."""

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field


class LineCancel(BaseModel):
    """Units of one order line to cancel (not the quantity that stays)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=100_000)


class PartialCancelRefused(ValueError):
    """The claim cannot be applied; the message names the line and what is left."""


class UnknownLine(PartialCancelRefused):
    def __init__(self, uid: str, line_id: str) -> None:
        super().__init__(f"order {uid} has no line {line_id}")
        self.line_id = line_id


class OverCancel(PartialCancelRefused):
    def __init__(self, uid: str, line_id: str, asked: int, left: int, collected: int) -> None:
        super().__init__(
            f"order {uid} line {line_id}: cannot cancel {asked}, "
            f"{left} of {collected} left to cancel"
        )
        self.line_id, self.asked, self.left = line_id, asked, left


def take(
    uid: str,
    collected: Mapping[str, int],
    cancelled: Mapping[str, int],
    asked: Sequence[LineCancel],
) -> dict[str, int]:
    """The cancelled units per line after this claim; raises when a line is unknown or the claim
    asks for more units than are left on it (the whole claim is refused, nothing applied)."""
    after = {line: int(cancelled.get(line, 0)) for line in collected}
    for one in asked:
        if one.line_id not in collected:
            raise UnknownLine(uid, one.line_id)
        left = collected[one.line_id] - after[one.line_id]
        if one.quantity > left:
            raise OverCancel(uid, one.line_id, one.quantity, left, collected[one.line_id])
        after[one.line_id] += one.quantity
    return after


def left(collected: Mapping[str, int], cancelled: Mapping[str, int]) -> dict[str, int]:
    return {line: q - int(cancelled.get(line, 0)) for line, q in collected.items()}
