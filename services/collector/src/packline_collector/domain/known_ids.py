"""Ids a marketplace's order file lacks, taken from what its API said. A file line may carry a
stand-in where the API gives an id (Naver's download: the option wording instead of optionCode;
Coupang's newer DeliveryList: 노출상품ID instead of sellerProductId; 11st: the option wording
instead of prdStckNo). The same seller's orders collected from that marketplace's API name the
listing and option truly; a file line takes them when they are known:

- a stand-in option id: the option of the same listing with the same option wording (compared
  without spaces, case, full-width forms or 11st's trailing "-N개"), the most recently seen
  one first;
- a stand-in listing id: the listing of the same option id.

Nothing known: the stand-in stays (the seller maps it once more), and the line is counted as
one whose ids came from the file's text."""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from packline_collector.domain.orders import NewOrder

LISTING, OPTION = "listing_id", "option_id"
# (order uid, line id) -> the ids of that line that are stand-ins
StandIns = Mapping[tuple[str, str], frozenset[str]]
_SPACE = re.compile(r"\s+")
_COUNT = re.compile(r"-\d+개$")  # 11st's slctPrdOptNm ends in the ordered count ("-2개")


@dataclass(frozen=True)
class KnownOption:
    """A listing and option as the marketplace's API named them in one of the seller's orders."""

    listing_id: str
    option_id: str
    option_name: str


@dataclass(frozen=True)
class Wanted:
    """What to look up for one upload: listings whose option is a stand-in, options whose
    listing is."""

    listing_ids: tuple[str, ...]
    option_ids: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.listing_ids or self.option_ids)


@dataclass(frozen=True)
class Resolved:
    orders: list[NewOrder]
    # order uid -> its lines whose stand-ins were all replaced by ids the API gave
    learned: Counter[str]
    # order uid -> its lines left with a stand-in (nothing known)
    by_text: Counter[str]

    def counts(self, uids: Iterable[str]) -> tuple[int, int]:
        """(learned, by_text) lines of these orders (those the upload registered)."""
        chosen = set(uids)
        return (
            sum(n for uid, n in self.learned.items() if uid in chosen),
            sum(n for uid, n in self.by_text.items() if uid in chosen),
        )


def wording(text: str) -> str:
    """An option's wording as compared: no spaces, case, full-width forms or 11st's count."""
    return _COUNT.sub("", _SPACE.sub("", unicodedata.normalize("NFKC", text)).lower())


def wanted(orders: Iterable[NewOrder], stand_ins: StandIns) -> Wanted:
    listings: set[str] = set()
    options: set[str] = set()
    for order in orders:
        for line in order.lines:
            which = stand_ins.get((order.ref.uid, line.line_id), frozenset())
            if OPTION in which:
                listings.add(line.listing_id)
            if LISTING in which:
                options.add(line.option_id)
    return Wanted(tuple(sorted(listings)), tuple(sorted(options)))


def resolve(
    orders: Sequence[NewOrder], stand_ins: StandIns, known: Sequence[KnownOption]
) -> Resolved:
    """`known`: the marketplace's options for this seller, the most recently seen first."""
    by_option: dict[str, str] = {}
    by_wording: dict[tuple[str, str], str] = {}
    for k in known:
        by_option.setdefault(k.option_id, k.listing_id)
        by_wording.setdefault((k.listing_id, wording(k.option_name)), k.option_id)
    out: list[NewOrder] = []
    learned: Counter[str] = Counter()
    by_text: Counter[str] = Counter()
    for order in orders:
        lines, changed = [], False
        for line in order.lines:
            which = stand_ins.get((order.ref.uid, line.line_id), frozenset())
            if not which:
                lines.append(line)
                continue
            update: dict[str, str] = {}
            if LISTING in which and line.option_id in by_option:
                update[LISTING] = by_option[line.option_id]
            listing = update.get(LISTING, line.listing_id)
            if OPTION in which and (listing, wording(line.option_name)) in by_wording:
                update[OPTION] = by_wording[(listing, wording(line.option_name))]
            if len(update) == len(which):
                learned[order.ref.uid] += 1
            else:
                by_text[order.ref.uid] += 1
            lines.append(line.model_copy(update=update) if update else line)
            changed = changed or bool(update)
        out.append(order.model_copy(update={"lines": tuple(lines)}) if changed else order)
    return Resolved(out, learned, by_text)
