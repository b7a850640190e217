"""확인 필요 (order_attention): what a marketplace changed after collection that no stage can
apply by itself (a recipient changed after shipping, a partial cancel, a return, a cancel after
shipping, a number the marketplace holds). A person handles it and marks it 확인 완료: who,
when, an optional note. Until then it is open; open ones are what /stats and /flow count."""

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

AttentionState = Literal["OPEN", "RESOLVED", "ALL"]
MAX_NOTE = 300


class AttentionItem(BaseModel):
    attention_id: int = Field(description="Names the item in /orders-attention/{id}/resolve")
    order: str = Field(description="seller:marketplace:marketplace order id")
    kind: str
    detail: str
    detected_at: AwareDatetime
    resolved_at: AwareDatetime | None = Field(description="확인 완료 time; null while open")
    resolved_by: str | None = Field(description="Who marked it handled (the token's subject)")
    note: str | None = Field(description="The note given when it was marked handled")


class ResolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(
        default=None, max_length=MAX_NOTE, description="What was done (optional)"
    )

    def cleaned_note(self) -> str | None:
        """The note without surrounding spaces; an empty one is no note."""
        return (self.note or "").strip() or None


class AttentionNotFound(LookupError):
    """No such item of this seller (another seller's is answered the same way)."""


class AlreadyResolved(ValueError):
    """The item was marked handled before: resolving it again changes nothing."""

    def __init__(self, item: AttentionItem) -> None:
        self.item = item
        when = item.resolved_at.isoformat() if item.resolved_at else "?"
        super().__init__(
            f"attention item {item.attention_id} was already resolved at {when} "
            f"by {item.resolved_by}; nothing changed"
        )
