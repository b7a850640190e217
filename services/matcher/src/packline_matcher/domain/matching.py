"""매칭 (matching): resolve each order line to SKU lines through the seller's mappings, or by
the line's own seller SKU code (Coupang externalVendorSkuCode, Naver sellerProductCode) when
that code is in the seller's catalogue."""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from packline_contracts import MatchedLine, OrderCollected, OrderLine, OrderMatched, SkuLine

ListingKey = tuple[str, str]  # (listing_id, option_id)
MappingKey = tuple[str, str, str, str]  # seller, marketplace, listing, option


def listing_keys(order: OrderCollected) -> list[ListingKey]:
    return sorted({(line.listing_id, line.option_id) for line in order.lines})


def mapping_keys(orders: Iterable[OrderCollected]) -> list[MappingKey]:
    """The mappings these orders could use (the listings they name, per seller and
    marketplace)."""
    return [
        (o.seller_id, o.order.marketplace.value, listing, option)
        for o in orders
        for listing, option in listing_keys(o)
    ]


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


@dataclass
class Sorted:
    """A batch of orders matched against what is known: those every line of which resolved,
    and those still waiting, each naming the listings without a mapping."""

    matched: list[tuple[OrderCollected, Matched]] = field(default_factory=list)
    waiting: list[tuple[OrderCollected, list[ListingKey]]] = field(default_factory=list)


def match_all(
    orders: Sequence[OrderCollected],
    mappings: Mapping[MappingKey, tuple[SkuLine, ...]],
    catalogue: Collection[tuple[str, str]] = (),
) -> Sorted:
    """`match` for many orders of many sellers: `mappings` by (seller, marketplace, listing,
    option), `catalogue` the known (seller, SKU) pairs. Each order sees only its own seller's
    mappings (of its marketplace) and catalogue."""
    own_mappings: dict[tuple[str, str], dict[ListingKey, tuple[SkuLine, ...]]] = defaultdict(dict)
    for (seller, marketplace, listing, option), skus in mappings.items():
        own_mappings[(seller, marketplace)][(listing, option)] = skus
    own_skus: dict[str, set[str]] = defaultdict(set)
    for seller, sku in catalogue:
        own_skus[seller].add(sku)
    found = Sorted()
    for order in orders:
        mine = own_mappings.get((order.seller_id, order.order.marketplace.value), {})
        result = match(order, mine, own_skus.get(order.seller_id, set()))
        if isinstance(result, list):
            found.waiting.append((order, result))
        else:
            found.matched.append((order, result))
    return found


def sku_codes(orders: Iterable[OrderCollected]) -> set[tuple[str, str]]:
    """The (seller, SKU code) pairs the orders' lines carry: the catalogue look-ups a batch
    needs (a line without a code needs none)."""
    return {
        (o.seller_id, li.seller_sku_code) for o in orders for li in o.lines if li.seller_sku_code
    }
