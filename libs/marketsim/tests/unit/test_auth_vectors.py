"""The simulator checks credentials the way the marketplaces document them."""

from datetime import UTC, datetime

from packline_marketsim import coupang_auth, naver_auth


def test_naver_sign_matches_the_official_example() -> None:
    # domain.md: id aaaabbbbcccc, secret $2a$10$abcdefghijklmnopqrstuv, timestamp 1643961623299
    assert naver_auth.client_secret_sign(
        "aaaabbbbcccc", 1643961623299, "$2a$10$abcdefghijklmnopqrstuv"
    ) == ("JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy")


def test_coupang_signature_matches_an_independent_hmac() -> None:
    # computed with `openssl dgst -sha256 -hmac secret-key-0123` over the same message
    query = "createdAtFrom=2026-11-27&createdAtTo=2026-11-28&status=ACCEPT"
    path = "/v2/providers/openapi/apis/api/v4/vendors/A00012345/ordersheets"
    assert coupang_auth.signature("secret-key-0123", "261128T021500Z", "GET", path, query) == (
        "cc33602c8191b922dbf8b4eafa5e12055c64095015865ab6b7b0a635184b84c9"
    )
    assert datetime(2026, 11, 28, 2, 15, tzinfo=UTC).strftime("%y%m%dT%H%M%SZ") == "261128T021500Z"
