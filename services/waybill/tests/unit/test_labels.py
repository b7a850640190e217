"""Label PDFs read back as a person and a scanner would: pdftotext for the text, pdftoppm at
300 dpi plus zxing-cpp for the barcodes (poppler-utils from Debian)."""

import dataclasses
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from packline_waybill.labels import (
    Label,
    LabelError,
    LabelItem,
    SortingCodes,
    Symbology,
    layout_for,
    render_labels,
)
from packline_waybill.labels.model import masked_phone

ADDRESS = "서울특별시 강남구 테헤란로 152 강남파이낸스센터 23층 2301호"
LONG_ADDRESS = (
    "경기도 성남시 분당구 판교역로 235 에이치스퀘어 엔동 7층 701호 "
    "(삼평동, 판교 테크노밸리 에이치스퀘어 업무시설 및 근린생활시설) "
    "정문 출입 후 엘리베이터 타고 7층 하차, 왼쪽 복도 끝 사무실 택배 보관함 옆 경비실에 맡겨 주세요"
)
LONG_MESSAGE = "문 앞에 두지 마시고 경비실에 맡겨 주세요. 경비실이 닫혀 있으면 010 으로 연락 주시고 무인 택배함에 넣어 주세요"


@pytest.fixture(scope="module")
def poppler() -> None:
    for tool in ("pdftotext", "pdftoppm", "pdfinfo"):
        if shutil.which(tool) is None:
            pytest.skip(
                f"LABEL PDF TESTS SKIPPED: {tool} is missing; install Debian's poppler-utils "
                "(apt-get install -y poppler-utils) to read the label PDFs back"
            )


def label(
    courier_code: str = "CJGLS", tracking_number: str = "123456789012", **changes: object
) -> Label:
    base = Label(
        courier_code=courier_code,
        tracking_number=tracking_number,
        reference="P-20261201-0001",
        recipient_name="김서연",
        recipient_phone="01098765432",
        recipient_safe_number=None,
        postcode="06236",
        address=ADDRESS,
        items=(LabelItem("유기농 현미 4kg", 2), LabelItem("국산 참기름 350ml", 1)),
        sender_name="행복상회",
        sender_phone="031-555-0100",
        sender_address="경기도 성남시 분당구 판교역로 235",
        message="부재 시 문 앞에 놓아주세요",
        sorting=SortingCodes("2E15", terminal="D02", branch="강남테헤란", zone="A12"),
    )
    return dataclasses.replace(base, **changes)


def lotte_number(serial: int) -> str:
    return f"{serial}{serial % 7}"


def text_of(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def decoded(pdf: bytes) -> list[list[tuple[str, str]]]:
    """Per page, the (format, text) of every barcode found at 300 dpi, top to bottom."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-r", "300", "-png", "-", f"{folder}/page"], input=pdf, check=True
        )
        pages = []
        for png in sorted(Path(folder).glob("page-*.png")):
            found = zxingcpp.read_barcodes(Image.open(png))
            found.sort(
                key=lambda barcode: (barcode.position.top_left.y, barcode.position.top_left.x)
            )
            pages.append([(barcode.format.name, barcode.text) for barcode in found])
        return pages


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    points = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)
    return [(round(float(w) * 25.4 / 72), round(float(h) * 25.4 / 72)) for w, h in points]


def word_boxes(pdf: bytes) -> list[tuple[str, float, float, float, float, float, float]]:
    """Every word with its box and its page's size, in points."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    words = []
    for page in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        width, height, body = float(page[0]), float(page[1]), page[2]
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            body,
        ):
            words.append((word, float(x0), float(y0), float(x1), float(y1), width, height))
    return words


@pytest.mark.usefixtures("poppler")
@pytest.mark.parametrize(
    ("courier_code", "number"),
    [("CJGLS", "123456789012"), ("EPOST", "6012345678901"), ("HYUNDAI", lotte_number(30000000012))],
)
def test_recipient_name_and_full_address_can_be_read_from_the_pdf(
    courier_code: str, number: str
) -> None:
    text = text_of(render_labels([label(courier_code, number)]))

    assert "김서연" in text
    assert flat(ADDRESS) in flat(text)
    assert "06236" in text


@pytest.mark.usefixtures("poppler")
def test_cj_label_is_123_by_100_mm_with_the_number_twice_as_code128_and_the_sort_code() -> None:
    pdf = render_labels([label("CJGLS", "123456789012")])

    assert page_sizes_mm(pdf) == [(123, 100)]
    assert decoded(pdf) == [
        [("Code128", "2E15"), ("Code128", "123456789012"), ("Code128", "123456789012")]
    ]
    text = text_of(pdf)
    assert "1234-5678-9012" in text
    for printed in ("2E15", "D02", "강남테헤란", "A12", "유기농 현미 4kg × 2", "부재 시 문 앞에"):
        assert printed in text


@pytest.mark.usefixtures("poppler")
def test_epost_c_type_label_prints_its_delivery_code_and_scans() -> None:
    sorting = SortingCodes("1234", zone="서울강남 312")
    pdf = render_labels([label("EPOST", "6012345678901", sorting=sorting)])

    assert page_sizes_mm(pdf) == [(171, 111)]
    assert decoded(pdf) == [[("Code128", "1234"), ("Code128", "6012345678901")]]
    assert "서울강남 312" in text_of(pdf)


@pytest.mark.usefixtures("poppler")
def test_lotte_sheet_holds_three_labels_whose_numbers_all_scan_as_interleaved_2_of_5() -> None:
    numbers = [lotte_number(serial) for serial in range(30000000012, 30000000016)]
    pdf = render_labels([label("HYUNDAI", number) for number in numbers])

    assert page_sizes_mm(pdf) == [(210, 297), (210, 297)]
    pages = decoded(pdf)
    assert [text for symbology, text in pages[0] if symbology == "ITF"] == numbers[:3]
    assert [text for symbology, text in pages[0] if symbology == "Code39"] == ["2E15"] * 3
    assert [text for symbology, text in pages[1] if symbology == "ITF"] == numbers[3:]


@pytest.mark.usefixtures("poppler")
@pytest.mark.parametrize(
    ("courier_code", "number"), [("HANJIN", "4123456789"), ("KGB", "12345678901")]
)
def test_other_couriers_get_an_own_123_by_100_layout_that_scans(
    courier_code: str, number: str
) -> None:
    pdf = render_labels([label(courier_code, number)])

    assert page_sizes_mm(pdf) == [(123, 100)]
    assert ("Code128", number) in decoded(pdf)[0]


@pytest.mark.usefixtures("poppler")
def test_couriers_mixed_in_one_call_each_get_their_own_pages_in_order() -> None:
    lotte = [label("HYUNDAI", lotte_number(serial)) for serial in (30000000012, 30000000013)]
    pdf = render_labels([label("CJGLS"), *lotte, label("KGB", "1234567890")])

    assert page_sizes_mm(pdf) == [(123, 100), (210, 297), (123, 100)]


@pytest.mark.usefixtures("poppler")
def test_phone_is_masked_as_couriers_print_it_and_the_raw_number_never_appears() -> None:
    text = text_of(render_labels([label()]))

    assert "010-****-5432" in text
    assert "9876" not in text
    assert "01098765432" not in flat(text)


@pytest.mark.usefixtures("poppler")
def test_safe_number_is_printed_as_is_instead_of_the_phone() -> None:
    text = text_of(render_labels([label(recipient_safe_number="0504-1234-5678")]))

    assert "0504-1234-5678" in text
    assert "5432" not in text


@pytest.mark.usefixtures("poppler")
def test_reprint_mark_appears_only_on_reprints() -> None:
    pdf = render_labels([label(reprint=True), label(reprint=False)])
    first, second = text_of(pdf).split("\f")[:2]

    assert "재출력" in first
    assert "재출력" not in second


@pytest.mark.usefixtures("poppler")
@pytest.mark.parametrize("courier_code", ["CJGLS", "EPOST", "HYUNDAI"])
def test_long_address_and_ten_items_stay_inside_their_boxes(courier_code: str) -> None:
    items = tuple(
        LabelItem(f"프리미엄 유기농 제주 감귤 선물세트 {n}호 특대과 5kg", n) for n in range(1, 11)
    )
    number = lotte_number(30000000012) if courier_code == "HYUNDAI" else "6012345678901"
    number = "123456789012" if courier_code == "CJGLS" else number
    long_label = label(
        courier_code, number, address=LONG_ADDRESS, items=items, message=LONG_MESSAGE
    )
    pdf = render_labels([long_label])

    text = text_of(pdf)
    assert flat(LONG_ADDRESS) in flat(text)  # shrunk and wrapped, not cut
    assert re.search(r"외 \d+건", text)
    assert "품목 10종 · 총 55개" in text
    words = word_boxes(pdf)
    for word, x0, y0, x1, y1, width, height in words:
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, word
    assert [
        (a[0], b[0]) for i, a in enumerate(words) for b in words[i + 1 :] if overlap(a, b)
    ] == []
    assert ("Code128" if courier_code != "HYUNDAI" else "ITF", number) in decoded(pdf)[0]


def overlap(
    a: tuple[str, float, float, float, float, float, float],
    b: tuple[str, float, float, float, float, float, float],
) -> bool:
    """Whether two words' glyphs overlap. pdftotext's boxes run from the font's ascent to its
    descent (1.45 em for Noto Sans KR), taller than the glyphs, so only the middle half of each
    box's height counts: text that overflowed into another box still overlaps there."""

    def middle(word: tuple[str, float, float, float, float, float, float]) -> tuple[float, float]:
        quarter = (word[4] - word[2]) / 4
        return word[2] + quarter, word[4] - quarter

    (a_top, a_bottom), (b_top, b_bottom) = middle(a), middle(b)
    return (
        min(a[3], b[3]) - max(a[1], b[1]) > 0.2
        and min(a_bottom, b_bottom) - max(a_top, b_top) > 0.2
    )


def test_layout_for_names_each_couriers_paper_and_symbologies() -> None:
    cj, epost, lotte = layout_for("CJGLS"), layout_for("EPOST"), layout_for("HYUNDAI")

    assert (cj.page_width_mm, cj.page_height_mm, cj.number_barcodes) == (123, 100, 2)
    assert (epost.page_width_mm, epost.page_height_mm) == (171, 111)
    assert (lotte.labels_per_page, lotte.number_symbology, lotte.sort_symbology) == (
        3,
        Symbology.I2OF5,
        Symbology.CODE39,
    )
    assert layout_for("KGB").number_symbology is Symbology.CODE128


def test_unknown_courier_code_has_no_layout() -> None:
    with pytest.raises(LabelError, match=r"unknown courier code 'LOTTE'.*HYUNDAI"):
        layout_for("LOTTE")
    with pytest.raises(LabelError, match=r"label 1 .*unknown courier code 'LOGEN'"):
        render_labels([label("LOGEN", "1234567890")])


def test_empty_label_list_is_refused() -> None:
    with pytest.raises(LabelError, match="no labels to print"):
        render_labels([])


def test_tracking_number_with_letters_is_refused_before_any_barcode() -> None:
    with pytest.raises(LabelError, match=r"label 2 .*'30000A000123' must be digits only"):
        render_labels([label(), label("HYUNDAI", "30000A000123")])


def test_odd_length_number_cannot_be_interleaved_2_of_5_without_changing_it() -> None:
    with pytest.raises(LabelError, match="digit pairs; '3000000001234' has 13 digits"):
        render_labels([label("HYUNDAI", "3000000001234")])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"postcode": "1350"}, "postcode '1350' must be 5 digits"),
        ({"items": ()}, "no items"),
        ({"items": (LabelItem("감귤", 0),)}, "'감귤' has quantity 0"),
        (
            {"recipient_phone": "", "recipient_safe_number": None},
            "recipient phone needs 8 to 12 digits",
        ),
        ({"sorting": SortingCodes("강남A")}, "Code 128 .*'강'"),
        ({"tracking_number": "12345678"}, "CJ대한통운 \\(CJGLS\\) numbers have 10/12 digits"),
    ],
)
def test_bad_label_fields_are_refused_with_a_specific_message(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(LabelError, match=message):
        render_labels([label(**changes)])  # type: ignore[arg-type]


def test_an_old_six_digit_postcode_still_prints() -> None:
    """Marketplaces still send the pre-2015 form (Coupang samples: `447-700`)."""
    assert render_labels([label(postcode="135-080")]).startswith(b"%PDF")


def test_blank_safe_number_with_no_phone_is_refused_rather_than_printing_no_phone() -> None:
    with pytest.raises(LabelError, match="recipient phone needs 8 to 12 digits"):
        render_labels([label(recipient_phone="", recipient_safe_number="  ")])


def test_sort_code_too_long_for_its_barcode_box_names_the_room_it_needs() -> None:
    with pytest.raises(LabelError, match=r"label 1 .*needs \d+ mm; the label has \d+ mm"):
        render_labels([label(sorting=SortingCodes("A1-234-" * 6))])


@pytest.mark.parametrize(
    ("raw", "printed"),
    [
        ("01098765432", "010-****-5432"),
        ("010-9876-5432", "010-****-5432"),
        ("0212345678", "02-****-5678"),
        ("021234567", "02-***-4567"),
        ("0311234567", "031-***-4567"),
    ],
)
def test_phone_masking_keeps_area_code_and_last_four_digits(raw: str, printed: str) -> None:
    assert masked_phone(raw) == printed


@pytest.mark.usefixtures("poppler")
def test_label_without_sorting_codes_says_so_and_still_scans() -> None:
    pdf = render_labels([label(sorting=None)])

    assert "분류코드 없음" in text_of(pdf)
    assert decoded(pdf) == [[("Code128", "123456789012"), ("Code128", "123456789012")]]
