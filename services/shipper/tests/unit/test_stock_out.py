"""Stock that leaves with a parcel: summed per SKU over the live orders only."""

from packline_contracts import MatchedLine, SkuLine
from packline_shipper.domain.parcel import Parcel
from packline_shipper.domain.shipment import stock_out

from .conftest import NOW, MemberFactory, WaybillFactory


def _line(line_id: str, *skus: tuple[str, int]) -> MatchedLine:
    return MatchedLine(line_id=line_id, skus=tuple(SkuLine(sku=s, quantity=q) for s, q in skus))


def test_same_sku_in_several_lines_leaves_as_one_summed_line() -> None:
    lines = [_line("1", ("SKU-B", 2), ("SKU-A", 1)), _line("2", ("SKU-A", 3))]

    assert stock_out(lines) == (SkuLine(sku="SKU-A", quantity=4), SkuLine(sku="SKU-B", quantity=2))


def test_stock_out_is_sorted_by_sku_whatever_the_line_order() -> None:
    forwards = stock_out([_line("1", ("A", 1)), _line("2", ("B", 1))])
    backwards = stock_out([_line("2", ("B", 1)), _line("1", ("A", 1))])

    assert forwards == backwards


def test_shipped_parcel_counts_the_stock_of_live_orders_only(
    waybill: WaybillFactory, member: MemberFactory
) -> None:
    issued = waybill(
        member("1", ("SKU-A", 2)),
        member("2", ("SKU-A", 5), ("SKU-C", 1)),
        member("3", ("SKU-B", 1)),
    )
    parcel = Parcel.from_waybill(issued, {"s1:NAVER:2"})

    event = parcel.ship("scanner-1", NOW)

    assert event is not None
    assert event.stock_out == (SkuLine(sku="SKU-A", quantity=2), SkuLine(sku="SKU-B", quantity=1))
