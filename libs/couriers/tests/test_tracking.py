"""Tracking-number rules per courier."""

import pytest

from packline_couriers import (
    COURIERS,
    InvalidTrackingNumber,
    UnknownChannelCode,
    channel_code,
    check_digit_mod7,
    courier_for_channel_code,
    validate_tracking_number,
)


def lotte(serial: str) -> str:
    return serial + str(check_digit_mod7(serial))


def test_lotte_mod7_mismatch_only_warns_never_rejects() -> None:
    good = lotte("30000000001")
    assert validate_tracking_number("HYUNDAI", good) == (good, [])
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    normalised, warnings = validate_tracking_number("HYUNDAI", bad)
    assert normalised == bad
    assert len(warnings) == 1 and "check digit should be" in warnings[0]


def test_hanjin_mod7_mismatch_only_warns() -> None:
    number = "300000000010" if check_digit_mod7("30000000001") != 0 else "300000000011"
    normalised, warnings = validate_tracking_number("HANJIN", number)
    assert normalised == number and warnings


def test_cj_has_no_invented_check_digit() -> None:
    assert validate_tracking_number("CJGLS", "6012-3456-7890") == ("601234567890", [])


def test_wrong_length_names_the_courier_and_lengths() -> None:
    with pytest.raises(
        InvalidTrackingNumber, match="우체국택배 \\(EPOST\\) numbers have 13 digits"
    ):
        validate_tracking_number("EPOST", "12345")


def test_excel_exponent_form_is_refused_with_advice() -> None:
    with pytest.raises(InvalidTrackingNumber, match="Excel"):
        validate_tracking_number("CJGLS", "5.21853E+11")


def test_unknown_courier_lists_the_known_codes() -> None:
    with pytest.raises(InvalidTrackingNumber, match=r"LOTTE.*CJGLS"):
        validate_tracking_number("LOTTE", "123456789012")


def test_lotte_and_hanjin_numbers_carry_a_check_digit_the_band_generator_appends() -> None:
    assert COURIERS["HYUNDAI"].check_digit_lengths == frozenset({12})
    assert COURIERS["HANJIN"].check_digit_lengths == frozenset({12})
    assert COURIERS["CJGLS"].check_digit_lengths == frozenset()


@pytest.mark.parametrize(
    ("courier", "channel", "code"),
    [
        ("CJGLS", "COUPANG", "CJGLS"),
        ("CJGLS", "NAVER", "CJGLS"),
        ("CJGLS", "GOODSFLOW", "KOREX"),
        ("HYUNDAI", "GOODSFLOW", "LOTTE"),
        ("KGB", "GOODSFLOW", "LOGEN"),
        ("CVSNET", "NAVER", "CVSNET"),
        ("CVSNET", "COUPANG", "CVS"),
        ("CUPARCEL", "NAVER", "CUPARCEL"),
        ("REGISTPOST", "NAVER", "REGISTPOST"),
        ("CH1", "NAVER", "CH1"),
        ("DIRECT", "COUPANG", "DIRECT"),
    ],
)
def test_one_courier_identity_maps_to_each_channels_code(
    courier: str, channel: str, code: str
) -> None:
    assert channel_code(courier, channel) == code  # type: ignore[arg-type]
    assert courier_for_channel_code(channel, code).code == courier  # type: ignore[arg-type]


def test_a_channel_without_a_code_for_the_courier_is_a_clear_error() -> None:
    with pytest.raises(UnknownChannelCode, match=r"NAVER.*CVS|CVS.*NAVER"):
        courier_for_channel_code("NAVER", "CVS")
    with pytest.raises(UnknownChannelCode, match="GS편의점택배 \\(CVSNET\\) has no GOODSFLOW code"):
        channel_code("CVSNET", "GOODSFLOW")


def test_coupang_lengths_for_chunil_and_daesin() -> None:
    assert validate_tracking_number("CHUNIL", "12345678901")[0] == "12345678901"
    with pytest.raises(InvalidTrackingNumber, match="11 digits"):
        validate_tracking_number("CHUNIL", "123456789012")
    with pytest.raises(InvalidTrackingNumber, match="13 digits"):
        validate_tracking_number("DAESIN", "123456789012")


def test_couriers_with_unknown_lengths_accept_8_to_16_digits() -> None:
    for code in ("CUPARCEL", "CVSNET", "HDEXP", "REGISTPOST", "CH1", "ILYANG", "KDEXP"):
        assert COURIERS[code].lengths == frozenset(range(8, 17))


def test_direct_delivery_has_no_tracking_number() -> None:
    with pytest.raises(InvalidTrackingNumber, match="no tracking number"):
        validate_tracking_number("DIRECT", "12345678")
