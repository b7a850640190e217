"""Typed request and response models of the allocator's rule set, dry-run and "why" routes
(entrypoints/rules_http.py), and their mapping from the domain."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from packline_allocator.domain.decisions import Decision, RecordedDecision, Trigger, sentence
from packline_allocator.domain.rules import Condition, Criterion, CriterionKind, RuleSet
from packline_contracts import Marketplace

SELLER = "Default: the token's seller; naming another seller is answered 404"
Sku = Annotated[str, Field(min_length=1, max_length=64)]


class RuleCondition(BaseModel):
    marketplaces: list[Marketplace] = Field(
        default_factory=list, max_length=len(Marketplace), description="Any of (empty: any)"
    )
    skus: list[Sku] = Field(
        default_factory=list, max_length=1000, description="Needing any of (empty: any)"
    )


class RuleCriterion(BaseModel):
    kind: CriterionKind = Field(
        description="MARKETPLACE_PRIORITY (ranking; unlisted last), PAID_AT (earliest first), "
        "BUNDLE_SIZE (live orders in the box), QUANTITY (units), AMOUNT (KRW), "
        "LONGEST_WAITING (the box with a line waiting longest first)"
    )
    descending: bool = Field(
        default=False, description="BUNDLE_SIZE, QUANTITY, AMOUNT: largest first"
    )
    ranking: list[Marketplace] = Field(
        default_factory=list,
        max_length=len(Marketplace),
        description="MARKETPLACE_PRIORITY only: the first gets stock first",
    )
    condition: RuleCondition | None = Field(
        default=None,
        description="Limits the criterion to some marketplaces and/or SKUs; a bundle outside "
        "ties with the others outside, after those inside",
    )

    def domain(self) -> Criterion:
        c = self.condition
        return Criterion(
            self.kind,
            self.descending,
            tuple(m.value for m in self.ranking),
            None
            if c is None or not (c.marketplaces or c.skus)
            else Condition(frozenset(c.marketplaces), frozenset(c.skus)),
        )

    @classmethod
    def of(cls, c: Criterion) -> "RuleCriterion":
        cond = c.condition
        return cls(
            kind=c.kind,
            descending=c.descending,
            ranking=[Marketplace(m) for m in c.ranking],
            condition=None
            if cond is None
            else RuleCondition(
                marketplaces=sorted(Marketplace(m) for m in cond.marketplaces),
                skus=sorted(cond.skus),
            ),
        )


class NewRuleSet(BaseModel):
    seller_id: str | None = Field(default=None, min_length=1, max_length=64, description=SELLER)
    criteria: list[RuleCriterion] = Field(
        min_length=1, max_length=len(CriterionKind), description="In order: the first decides"
    )
    note: str = Field(default="", max_length=500, description="Why it changed, in your words")


class RuleSetOut(BaseModel):
    version: int = Field(description="0: the default (nothing saved), earliest paid first")
    criteria: list[RuleCriterion]
    order: str = Field(description='The order in words: "by paid time"')
    created_by: str | None
    created_at: datetime | None
    note: str
    changes: list[str] = Field(description="What it changed against the version before")

    @classmethod
    def of(cls, rules: RuleSet) -> "RuleSetOut":
        return cls(
            version=rules.version,
            criteria=[RuleCriterion.of(c) for c in rules.criteria],
            order=rules.text,
            created_by=rules.created_by,
            created_at=rules.created_at,
            note=rules.note,
            changes=list(rules.changes),
        )


class RulesOut(BaseModel):
    current: RuleSetOut = Field(description="What the next wave applies")
    history: list[RuleSetOut] = Field(description="Saved versions, newest first")


PreviewLimit = Annotated[
    int, Query(ge=1, le=10_000, description="Bundles listed, in rule order (all are counted)")
]


class SkuAtTurn(BaseModel):
    sku: str
    needed: int = Field(description="Units the bundle's live orders need")
    on_hand: int | None = Field(description="On hand at its turn; null: never stocked")
    available: int = Field(description="On hand minus reserved at its turn")
    short: int = Field(description="max(needed - available, 0)")


class BundleDecision(BaseModel):
    bundle_id: uuid.UUID
    allocated: bool
    position: int = Field(description="1-based place in the rule order")
    of: int = Field(description="Bundles the wave looked at")
    skus: list[SkuAtTurn]
    reason: str = Field(description='"BONE-SOUP short by 3; position 12 of 40 by paid time …"')
    split_orders: list[str] = Field(
        default_factory=list, description="A partial shipment: the order uids allocated"
    )
    backorder_id: uuid.UUID | None = Field(
        default=None, description="A partial shipment: the bundle the other orders wait in"
    )

    @classmethod
    def fields_of(cls, d: Decision, rules: RuleSet) -> dict[str, object]:
        return {
            "bundle_id": d.bundle_id,
            "allocated": d.allocated,
            "position": d.position,
            "of": d.of,
            "skus": [
                SkuAtTurn(
                    sku=n.sku,
                    needed=n.needed,
                    on_hand=n.on_hand,
                    available=n.available,
                    short=n.short,
                )
                for n in d.needs
            ],
            "reason": sentence(d, rules.version, rules.text),
            "split_orders": list(d.part),
            "backorder_id": d.backorder_id,
        }


class WavePreview(BaseModel):
    rule_version: int
    order: str = Field(description="The rule set's order in words")
    at: datetime
    waiting: int = Field(description="Waiting bundles the wave would look at")
    would_allocate: int
    bundles: list[BundleDecision] = Field(description="The first `limit`, in rule order")


class WaveDecision(BundleDecision):
    wave_id: uuid.UUID
    started_at: datetime
    trigger: Trigger
    rule_version: int

    @classmethod
    def recorded(cls, r: RecordedDecision) -> "WaveDecision":
        return cls.model_validate(
            {
                **cls.fields_of(r.decision, r.rules),
                "wave_id": r.wave_id,
                "started_at": r.started_at,
                "trigger": r.trigger,
                "rule_version": r.rules.version,
            }
        )


class BundleWhy(BaseModel):
    bundle_id: uuid.UUID
    decisions: list[WaveDecision] = Field(description="Newest first")
