"""Catalogue imports: Excel columns by header text, every bad cell named by row and column,
nothing kept from a file with any error; suggestions ranked by name and option."""

import io

import pytest
from openpyxl import Workbook

from packline_matcher.adapters import catalogue_excel
from packline_matcher.domain.catalogue import CatalogueItem, CatalogueRejected
from packline_matcher.domain.suggestions import suggest


def _xlsx(*rows: tuple[object, ...]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_columns_are_found_by_header_text_in_any_order() -> None:
    content = _xlsx(
        ("바코드", "옵션", "상품명", "비고", "상품코드"),
        (8801234567890, "5kg", "유기농 현미", "memo", "RICE-5KG"),
        (None, None, None, None, None),
        ("", "30구", "무항생제 계란", "", 30),
    )
    assert catalogue_excel.read(content) == [
        CatalogueItem("RICE-5KG", "유기농 현미", "5kg", "8801234567890"),
        CatalogueItem("30", "무항생제 계란", "30구", ""),
    ]


def test_a_file_with_bad_rows_is_refused_whole_naming_row_and_column() -> None:
    content = _xlsx(
        ("SKU", "상품명"),
        ("RICE-5KG", "유기농 현미"),
        ("EGG-30", ""),
        ("RICE-5KG", "현미 중복"),
        ("5.21853E+11", "김"),
        (1.5, "참기름"),
    )
    with pytest.raises(CatalogueRejected) as caught:
        catalogue_excel.read(content)
    found = [str(e) for e in caught.value.errors]
    assert found == [
        "row 3, column B (상품명): empty; every SKU needs a name",
        "row 4, column A (SKU): SKU repeats row 2; keep one",
        "row 5, column A (SKU): '5.21853E+11' is Excel scientific notation; format as text",
        "row 6, column A (SKU): is a decimal number; format the column as text",
        "row 6, column A (SKU): empty; every row needs a SKU code",
    ]


def test_a_sheet_without_a_name_column_says_which_headers_it_accepts() -> None:
    with pytest.raises(CatalogueRejected, match="lacks a column for name: one of name, 상품명"):
        catalogue_excel.read(_xlsx(("SKU", "가격"), ("A", 1000)))


def test_a_file_neither_xlsx_nor_csv_is_refused_with_what_to_do() -> None:
    with pytest.raises(CatalogueRejected, match=r"Excel Workbook"):
        catalogue_excel.read(b"PK\x03\x04 not a zip at all")


def test_a_csv_saved_by_korean_excel_reads_as_the_xlsx_does() -> None:
    content = "SKU,상품명,옵션\nRICE-5KG,유기농 현미,5kg\n,,\n".encode("cp949")
    assert catalogue_excel.read(content) == [CatalogueItem("RICE-5KG", "유기농 현미", "5kg", "")]


def test_suggestions_rank_the_sku_whose_name_and_option_read_like_the_line() -> None:
    catalogue = [
        CatalogueItem("SESAME-OIL", "국산 참기름", "350ml"),
        CatalogueItem("RICE-5KG", "유기농 현미", "5kg"),
        CatalogueItem("RICE-10KG", "유기농 현미", "10kg"),
        CatalogueItem("EGG-30", "무항생제 계란", "30구 대란"),
    ]
    found = suggest("[특가] 유기농 현미 5kg", "10kg", catalogue, limit=3)
    assert [s.sku for s in found[:2]] == ["RICE-10KG", "RICE-5KG"]
    assert found[0].score > found[2].score
    assert suggest("", "", catalogue) == []
