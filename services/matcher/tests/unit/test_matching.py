"""매칭 rules: every line must resolve; sets multiply by the ordered quantity; a line's own
seller SKU code matches when the catalogue has it; a person's mapping wins over that code."""

from packline_contracts import OrderCollected, SkuLine
from packline_launcher.testing import collected, line
from packline_matcher.domain.matching import Matched, match, match_all

RICE = (SkuLine(sku="RICE", quantity=1),)


def _with_code(order: OrderCollected, code: str) -> OrderCollected:
    lines = tuple(li.model_copy(update={"seller_sku_code": code}) for li in order.lines)
    return order.model_copy(update={"lines": lines, "orderer_name": "주문자"})


def test_order_with_every_listing_mapped_is_matched_with_quantities_multiplied() -> None:
    order = collected(1, line("7005", "70051", quantity=2))
    result = match(
        order,
        {("7005", "70051"): (SkuLine(sku="OIL-A", quantity=1), SkuLine(sku="OIL-B", quantity=1))},
    )
    assert isinstance(result, Matched)
    assert [(s.sku, s.quantity) for s in result.event.matched_lines[0].skus] == [
        ("OIL-A", 2),
        ("OIL-B", 2),
    ]
    assert result.via_mappings == [("7005", "70051")]
    event = result.event
    assert event.causation_id == order.event_id and event.correlation_id == order.correlation_id


def test_order_with_one_unmapped_line_waits_and_names_what_is_missing() -> None:
    order = collected(1, line("7001", "70011"), line("7002", "70021", line_id="2"))
    result = match(order, {("7001", "70011"): (SkuLine(sku="RICE", quantity=1),)})
    assert result == [("7002", "70021")]


def test_option_id_matters() -> None:
    order = collected(1, line("7001", "70012"))
    assert match(order, {("7001", "70011"): (SkuLine(sku="RICE", quantity=1),)}) == [
        ("7001", "70012")
    ]


def test_a_line_whose_seller_sku_code_is_in_the_catalogue_matches_by_itself() -> None:
    order = _with_code(collected(1, line("9001", "90011", quantity=3)), "RICE-5KG")
    result = match(order, {}, {"RICE-5KG"})
    assert isinstance(result, Matched)
    assert [(s.sku, s.quantity) for s in result.event.matched_lines[0].skus] == [("RICE-5KG", 3)]
    assert result.via_mappings == []  # deleting a mapping can never unmatch it
    assert result.event.orderer_name == "주문자"


def test_a_seller_sku_code_missing_from_the_catalogue_does_not_match() -> None:
    order = _with_code(collected(1, line("9001", "90011")), "NOT-IN-CATALOGUE")
    assert match(order, {}, {"RICE-5KG"}) == [("9001", "90011")]


def test_a_persons_mapping_wins_over_the_marketplace_sku_code() -> None:
    order = _with_code(collected(1, line("7005", "70051")), "SESAME-OIL")
    sets = {("7005", "70051"): (SkuLine(sku="OIL-A", quantity=1), SkuLine(sku="OIL-B", quantity=1))}
    result = match(order, sets, {"SESAME-OIL"})
    assert isinstance(result, Matched)
    assert {s.sku for s in result.event.matched_lines[0].skus} == {"OIL-A", "OIL-B"}


def test_a_batch_matches_each_order_with_its_own_sellers_mappings_and_catalogue() -> None:
    mine, theirs = collected(1, line()), collected(1, line(), seller="s2")
    coded = _with_code(collected(2, line("9001", "90011"), seller="s2"), "EGG")
    found = match_all(
        [mine, theirs, coded], {("s1", "COUPANG", "7001", "70011"): RICE}, {("s1", "EGG")}
    )
    assert [o for o, _ in found.matched] == [mine]
    assert [(o, missing) for o, missing in found.waiting] == [
        (theirs, [("7001", "70011")]),
        (coded, [("9001", "90011")]),  # s1's catalogue is not s2's
    ]
