"""Allocator HTTP API for how 할당 decides: the seller's rule sets (current and versions, a change
as a new version), a dry run of a wave that changes nothing, and why a bundle got stock or
waits (the recorded decisions that touched it). Models: entrypoints/rules_models.py."""

import uuid

from fastapi import APIRouter, HTTPException

from packline_allocator.adapters.unit_of_work import AllocatorUnitOfWork
from packline_allocator.domain.rules import RuleError
from packline_allocator.entrypoints.http import SellerId
from packline_allocator.entrypoints.rules_models import (
    BundleDecision,
    BundleWhy,
    NewRuleSet,
    PreviewLimit,
    RuleSetOut,
    RulesOut,
    WaveDecision,
    WavePreview,
)
from packline_allocator.service_layer import explain, rule_sets
from packline_runtime import auth
from packline_runtime.paging import Limit
from packline_runtime.service import ServiceRuntime


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["allocation rules"])

    @api.get("/rules")
    async def get_rules(
        caller: auth.CallerDep, seller_id: SellerId = None, limit: Limit = 100
    ) -> RulesOut:
        """The rule set the next wave applies, and the saved versions (newest first)."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.unit_of_work() as uow:
            found = await rule_sets.rules_of(AllocatorUnitOfWork(uow), seller, limit)
        return RulesOut(
            current=RuleSetOut.of(found.current),
            history=[RuleSetOut.of(r) for r in found.history],
        )

    @api.put("/rules")
    async def put_rules(body: NewRuleSet, caller: auth.CallerDep) -> RuleSetOut:
        """A new version of the seller's rules; the next wave applies it. 422 names the
        criterion it cannot take (a kind twice, a ranking where none belongs, ...)."""
        seller = auth.own_seller(caller, body.seller_id)
        criteria = [c.domain() for c in body.criteria]
        try:
            async with runtime.unit_of_work() as uow:
                work = AllocatorUnitOfWork(uow)
                saved = await rule_sets.save(work, seller, criteria, caller.sub, body.note)
        except RuleError as exc:
            where = ["body", "criteria", exc.index]
            problem = {"message": str(exc), "errors": [{"loc": where, "msg": str(exc)}]}
            raise HTTPException(422, problem) from exc
        return RuleSetOut.of(saved)

    @api.get("/waves/preview")
    async def preview_wave(
        caller: auth.CallerDep, seller_id: SellerId = None, limit: PreviewLimit = 1000
    ) -> WavePreview:
        """Dry run: what a 할당처리 now would do to each waiting bundle, in rule order, and why.
        Changes nothing (no stock, bundle or wave is written), so a viewer may look too."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.unit_of_work() as uow:
            seen = await explain.preview(AllocatorUnitOfWork(uow), seller)
        return WavePreview(
            rule_version=seen.rules.version,
            order=seen.rules.text,
            at=seen.at,
            waiting=len(seen.decisions),
            would_allocate=seen.allocated,
            bundles=[
                BundleDecision.model_validate(BundleDecision.fields_of(d, seen.rules))
                for d in seen.decisions[:limit]
            ],
        )

    @api.get("/bundles/{bundle_id}/why")
    async def why(
        bundle_id: uuid.UUID, caller: auth.CallerDep, seller_id: SellerId = None, limit: Limit = 50
    ) -> BundleWhy:
        """The recorded waves' decisions on this bundle, newest first: when, why the wave ran,
        the rule version, its place and the stock it met. 404: not the seller's bundle."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.unit_of_work() as uow:
            found = await explain.why(AllocatorUnitOfWork(uow), seller, bundle_id, limit)
        if found is None:
            raise HTTPException(404, "no such bundle")
        return BundleWhy(bundle_id=bundle_id, decisions=[WaveDecision.recorded(r) for r in found])

    return api
