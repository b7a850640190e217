"""매칭 rules: every line must resolve; sets multiply by the ordered quantity."""

from packline_contracts import OrderMatched, SkuLine
from packline_launcher.testing import collected, line
from packline_matcher.domain.matching import match


def test_order_with_every_listing_mapped_is_matched_with_quantities_multiplied() -> None:
    order = collected(1, line("7005", "70051", quantity=2))
    result = match(
        order,
        {("7005", "70051"): (SkuLine(sku="OIL-A", quantity=1), SkuLine(sku="OIL-B", quantity=1))},
    )
    assert isinstance(result, OrderMatched)
    assert [(s.sku, s.quantity) for s in result.matched_lines[0].skus] == [
        ("OIL-A", 2),
        ("OIL-B", 2),
    ]
    assert result.causation_id == order.event_id and result.correlation_id == order.correlation_id


def test_order_with_one_unmapped_line_waits_and_names_what_is_missing() -> None:
    order = collected(1, line("7001", "70011"), line("7002", "70021", line_id="2"))
    result = match(order, {("7001", "70011"): (SkuLine(sku="RICE", quantity=1),)})
    assert result == [("7002", "70021")]


def test_option_id_matters() -> None:
    order = collected(1, line("7001", "70012"))
    assert match(order, {("7001", "70011"): (SkuLine(sku="RICE", quantity=1),)}) == [
        ("7001", "70012")
    ]
