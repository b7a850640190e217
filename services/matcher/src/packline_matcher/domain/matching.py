"""매칭 (matching): resolve each order line to SKU lines through the seller's mappings, or by
the line's own seller SKU code (Coupang externalVendorSkuCode, Naver sellerProductCode) when
that code is in the seller's catalogue."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from packline_contracts import MatchedLine, OrderCollected, OrderLine, OrderMatched, SkuLine

ListingKey = tuple[str, str]  # (listing_id, option_id)


def listing_keys(order: OrderCollected) -> list[ListingKey]:
    return sorted({(line.listing_id, line.option_id) for line in order.lines})


@dataclass(frozen=True)
class Matched:
    event: OrderMatched
    via_mappings: list[ListingKey]  # listings resolved by a mapping (a deleted one unmatches)


def _resolve(
    line: OrderLine, mappings: Mapping[ListingKey, tuple[SkuLine, ...]], skus: Collection[str]
) -> tuple[tuple[SkuLine, ...], bool] | None:
    """The line's SKUs per unit, and whether a mapping gave them. A person's mapping wins over
    the marketplace's SKU code, since it may say "this listing is a set"."""
    mapped = mappings.get((line.listing_id, line.option_id))
    if mapped is not None:
        return mapped, True
    if line.seller_sku_code and line.seller_sku_code in skus:
        return (SkuLine(sku=line.seller_sku_code, quantity=1),), False
    return None


def match(
    order: OrderCollected,
    mappings: Mapping[ListingKey, tuple[SkuLine, ...]],
    catalogue_skus: Collection[str] = (),
) -> Matched | list[ListingKey]:
    """The OrderMatched fact when every line resolves; otherwise the listings still unmapped."""
    resolved = {line.line_id: _resolve(line, mappings, catalogue_skus) for line in order.lines}
    missing = sorted(
        {(li.listing_id, li.option_id) for li in order.lines if resolved[li.line_id] is None}
    )
    if missing:
        return missing
    matched_lines = []
    via: set[ListingKey] = set()
    for line in order.lines:
        found = resolved[line.line_id]
        assert found is not None
        skus, by_mapping = found
        if by_mapping:
            via.add((line.listing_id, line.option_id))
        matched_lines.append(
            MatchedLine(
                line_id=line.line_id,
                skus=tuple(SkuLine(sku=s.sku, quantity=s.quantity * line.quantity) for s in skus),
            )
        )
    event = OrderMatched(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        paid_at=order.paid_at,
        recipient=order.recipient,
        lines=order.lines,
        matched_lines=tuple(matched_lines),
        orderer_name=order.orderer_name,
    )
    return Matched(event, sorted(via))
