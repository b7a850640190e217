"""Courier accounts' rules without a database: account checks, band overlap, claiming serials."""

from datetime import UTC, datetime, timedelta

import pytest

from packline_waybill.domain.accounts import (
    AccountInvalid,
    ApiAccess,
    Band,
    Method,
    NewAccount,
    Sender,
    check_band,
    claim_serials,
    numbers,
)
from packline_waybill.domain.numbers import BandExhausted

SENDER = Sender("패킹라인", "02-123-4567", "서울 중구 세종대로 1", "04524")
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _band(band_id: int, start: int, end: int, next_serial: int | None = None) -> Band:
    return Band(
        band_id=band_id,
        account_id=7,
        start=start,
        end=end,
        next_serial=start if next_serial is None else next_serial,
        low_water=3,
        low_warned=False,
        created_at=T0 + timedelta(minutes=band_id),
    )


def test_an_unknown_courier_is_named_with_the_known_ones() -> None:
    with pytest.raises(
        AccountInvalid, match="unknown courier code 'LOTTE'; use one of CH1, CHUNIL"
    ):
        NewAccount("s1", "LOTTE", "롯데", Method.FILE, SENDER).checked()


def test_delivery_without_a_courier_needs_no_courier_account() -> None:
    with pytest.raises(AccountInvalid, match="DIRECT ships without a courier"):
        NewAccount("s1", "DIRECT", "직접배송", Method.FILE, SENDER).checked()


def test_the_api_method_needs_api_access() -> None:
    with pytest.raises(AccountInvalid, match="method API needs api access") as caught:
        NewAccount("s1", "HANJIN", "한진 API", Method.API, SENDER).checked()
    assert caught.value.field == "api"


def test_the_template_defaults_to_the_courier_code() -> None:
    account = NewAccount(
        "s1", "CJGLS", "CJ", Method.API, SENDER, ApiAccess("https://cj.test", "k", "s")
    )
    assert account.checked().template_key == "CJGLS"


def test_an_overlapping_band_is_refused_naming_the_band_it_overlaps() -> None:
    existing = [_band(4, 100, 199)]
    with pytest.raises(AccountInvalid, match=r"overlaps band 4 \(00000000100..00000000199\)"):
        check_band("HYUNDAI", 150, 250, existing)
    check_band("HYUNDAI", 200, 250, existing)  # touching is not overlapping


def test_a_band_of_a_courier_without_12_digit_numbers_is_refused() -> None:
    with pytest.raises(AccountInvalid, match="does not use 12-digit numbers"):
        check_band("EPOST", 1, 10, [])


def test_a_claim_spills_over_into_the_next_band_in_creation_order() -> None:
    later, earlier = _band(2, 500, 509), _band(1, 100, 104, next_serial=103)
    claim = claim_serials(7, [later, earlier], 4)
    assert claim.serials == [103, 104, 500, 501]
    assert [(b.band_id, b.next_serial) for b in claim.bands] == [(1, 105), (2, 502)]
    assert [b.band_id for b in claim.newly_low()] == [1]  # 0 left < low water 3


def test_a_claim_larger_than_all_bands_takes_nothing_and_says_what_is_left() -> None:
    bands = [_band(1, 100, 104, next_serial=103), _band(2, 500, 501)]
    with pytest.raises(BandExhausted, match=r"courier account 7: 5 tracking number.*, 4 left"):
        claim_serials(7, bands, 5)


def test_numbers_carry_the_couriers_check_digit() -> None:
    assert numbers("HYUNDAI", [12345678901]) == ["123456789013"]  # 12345678901 mod 7 = 3
    assert numbers("CJGLS", [1]) == ["000000000001"]
