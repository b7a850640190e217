"""SKU suggestions for the unmatched queue (미매칭), computed in the background: when an order
is held and when its seller's catalogue changes. Requests only read what is stored, so a
large catalogue never holds up the service."""

import asyncio
from collections import defaultdict

import asyncpg

from packline_matcher.adapters import catalogue
from packline_matcher.adapters import suggestions as stored
from packline_matcher.adapters.unit_of_work import MatcherUnitOfWork
from packline_matcher.domain.catalogue import CatalogueItem
from packline_matcher.domain.suggestions import MOST, Ranker, Suggestion
from packline_matcher.service_layer.ports import Work
from packline_runtime.unit_of_work import UnitOfWork


async def refresh(pool: asyncpg.Pool, limit: int = 100) -> int:
    """Suggest for up to `limit` waiting orders; returns how many got their suggestions.

    No transaction is held while ranking: the answers are kept only for orders not asked
    again in the meantime (see `stored.store`). The rapidfuzz work runs in a worker thread,
    one distinct (product, option) name at a time, so the event loop keeps serving."""
    async with pool.acquire() as conn:
        asked = await stored.to_suggest(conn, limit)
        if not asked:
            return 0
        items = await catalogue.items_of(conn, {q.seller_id for q in asked})
    rankers = {seller: await asyncio.to_thread(Ranker, own) for seller, own in items.items() if own}
    ranked: dict[tuple[str, str, str], list[Suggestion]] = {}
    answers = []
    for q in asked:
        per_line: dict[str, list[Suggestion]] = defaultdict(list)
        ranker = rankers.get(q.seller_id)
        for line in q.lines:
            key = (q.seller_id, line.product_name, line.option_name)
            if ranker is not None and key not in ranked:
                found = await asyncio.to_thread(
                    ranker.suggest, line.product_name, line.option_name, MOST
                )
                ranked[key] = found
            per_line[line.line_id] = ranked.get(key, [])
        answers.append((q, dict(per_line)))
    async with pool.acquire() as conn:
        return await stored.store(conn, answers)  # asked again meanwhile: the next run


async def import_catalogue(
    uow: UnitOfWork, seller_id: str, items: list[CatalogueItem], by: str
) -> None:
    await catalogue_changed(MatcherUnitOfWork(uow), seller_id, items, by)


async def catalogue_changed(
    work: Work, seller_id: str, items: list[CatalogueItem], by: str
) -> None:
    """상품 등록: upsert the SKUs; the seller's waiting orders are suggested again."""
    await work.catalogue.upsert(seller_id, items, by)
    await work.queue.ask_again(seller_id)
