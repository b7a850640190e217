"""매칭 (matching): resolve each order line to SKU lines through the seller's mappings."""

from collections.abc import Mapping

from packline_contracts import MatchedLine, OrderCollected, OrderMatched, SkuLine

ListingKey = tuple[str, str]  # (listing_id, option_id)


def listing_keys(order: OrderCollected) -> list[ListingKey]:
    return sorted({(line.listing_id, line.option_id) for line in order.lines})


def match(
    order: OrderCollected, mappings: Mapping[ListingKey, tuple[SkuLine, ...]]
) -> OrderMatched | list[ListingKey]:
    """The OrderMatched fact when every line resolves; otherwise the listings still unmapped."""
    missing = [key for key in listing_keys(order) if key not in mappings]
    if missing:
        return missing
    matched = tuple(
        MatchedLine(
            line_id=line.line_id,
            skus=tuple(
                SkuLine(sku=s.sku, quantity=s.quantity * line.quantity)
                for s in mappings[(line.listing_id, line.option_id)]
            ),
        )
        for line in order.lines
    )
    return OrderMatched(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        paid_at=order.paid_at,
        recipient=order.recipient,
        lines=order.lines,
        matched_lines=matched,
    )
