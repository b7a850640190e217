"""확인 완료: a person of the seller marks an open attention item handled. Once only: a second
mark is AlreadyResolved (the first one's who, when and note stay); another seller's item, or
one that does not exist, is AttentionNotFound."""

from packline_collector.adapters import order_changes_repository as changes
from packline_collector.domain.attention import (
    AlreadyResolved,
    AttentionItem,
    AttentionNotFound,
)
from packline_runtime.unit_of_work import UnitOfWork


async def resolve(
    uow: UnitOfWork, seller_id: str, attention_id: int, by: str, note: str | None
) -> AttentionItem:
    done = await changes.resolve_attention(uow.conn, seller_id, attention_id, by, note)
    if done is not None:
        return AttentionItem.model_validate(done)
    found = await changes.attention_item(uow.conn, seller_id, attention_id)
    if found is None:
        raise AttentionNotFound(f"no attention item {attention_id}")
    raise AlreadyResolved(AttentionItem.model_validate(found))
