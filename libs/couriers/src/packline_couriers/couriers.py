"""One Packline identity per courier (택배사), and each channel's code for it.

Packline's own code is the one Coupang and Naver share where they share one. Channels name
couriers differently (GS편의점택배 is CVSNET at Naver but CVS at Coupang; GoodsFlow calls CJ
KOREX), so codes are mapped at the edge with `channel_code` / `courier_for_channel_code`.
A channel code is listed only where the channel documents it; none is guessed.
"""

from dataclasses import dataclass, field
from typing import Literal

Channel = Literal["COUPANG", "NAVER", "GOODSFLOW"]
CHANNELS: tuple[Channel, ...] = ("COUPANG", "NAVER", "GOODSFLOW")

# No length is published for these couriers: accept what Coupang accepts for 합동/일양 (8–16).
UNKNOWN_LENGTHS = frozenset(range(8, 17))


@dataclass(frozen=True)
class Courier:
    code: str
    name: str
    lengths: frozenset[int]  # digits a number may have; empty: the courier issues none
    # Lengths whose last digit is a mod-7 check digit of the preceding digits: the band
    # generator appends it, while an imported number that misses it only gets a warning.
    check_digit_lengths: frozenset[int] = frozenset()
    channel_codes: dict[Channel, str] = field(default_factory=dict, hash=False)

    @property
    def tracked(self) -> bool:
        return bool(self.lengths)


def _shared(code: str, goodsflow: str | None = None) -> dict[Channel, str]:
    codes: dict[Channel, str] = {"COUPANG": code, "NAVER": code}
    if goodsflow is not None:
        codes["GOODSFLOW"] = goodsflow
    return codes


COURIERS: dict[str, Courier] = {
    c.code: c
    for c in (
        Courier(
            "CJGLS", "CJ대한통운", frozenset({10, 12}), channel_codes=_shared("CJGLS", "KOREX")
        ),
        Courier(
            "HYUNDAI",
            "롯데택배",
            frozenset({10, 12, 13}),
            check_digit_lengths=frozenset({12}),
            channel_codes=_shared("HYUNDAI", "LOTTE"),
        ),
        Courier(
            "HANJIN",
            "한진택배",
            frozenset({10, 12, 14}),
            check_digit_lengths=frozenset({12}),
            channel_codes=_shared("HANJIN"),
        ),
        Courier("EPOST", "우체국택배", frozenset({13}), channel_codes=_shared("EPOST")),
        Courier("KGB", "로젠택배", frozenset({10, 11}), channel_codes=_shared("KGB", "LOGEN")),
        Courier("KDEXP", "경동택배", frozenset(range(8, 17)), channel_codes=_shared("KDEXP")),
        Courier("DAESIN", "대신택배", frozenset({13}), channel_codes=_shared("DAESIN")),
        Courier("ILYANG", "일양로지스", frozenset(range(8, 17)), channel_codes=_shared("ILYANG")),
        Courier("CHUNIL", "천일택배", frozenset({11}), channel_codes=_shared("CHUNIL")),
        Courier("HDEXP", "합동택배", UNKNOWN_LENGTHS, channel_codes=_shared("HDEXP")),
        Courier(
            "CVSNET",
            "GS편의점택배",
            UNKNOWN_LENGTHS,
            channel_codes={"NAVER": "CVSNET", "COUPANG": "CVS"},
        ),
        Courier("CUPARCEL", "CU편의점택배", UNKNOWN_LENGTHS, channel_codes={"NAVER": "CUPARCEL"}),
        Courier("REGISTPOST", "우편등기", UNKNOWN_LENGTHS, channel_codes={"NAVER": "REGISTPOST"}),
        Courier("CH1", "기타 택배", UNKNOWN_LENGTHS, channel_codes={"NAVER": "CH1"}),
        # Coupang's 직접배송: delivered without a courier, so there is no number to track.
        Courier("DIRECT", "직접배송", frozenset(), channel_codes={"COUPANG": "DIRECT"}),
    )
}


class UnknownChannelCode(ValueError):
    """A courier the channel has no code for, or a code the channel does not use."""


def channel_code(courier_code: str, channel: Channel) -> str:
    """The channel's code for a Packline courier, e.g. ("CVSNET", "COUPANG") → "CVS"."""
    courier = COURIERS.get(courier_code)
    if courier is None:
        raise UnknownChannelCode(
            f"unknown courier code {courier_code!r}; use one of {', '.join(sorted(COURIERS))}"
        )
    code = courier.channel_codes.get(channel)
    if code is None:
        raise UnknownChannelCode(f"{courier.name} ({courier.code}) has no {channel} code")
    return code


def courier_for_channel_code(channel: Channel, code: str) -> Courier:
    """The Packline courier a channel's code stands for, e.g. ("GOODSFLOW", "KOREX") → CJGLS."""
    for courier in COURIERS.values():
        if courier.channel_codes.get(channel) == code:
            return courier
    raise UnknownChannelCode(f"{code!r} is not a courier code {channel} uses")
