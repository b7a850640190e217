"""Scripted misbehaviour: rules armed over the admin API fire on the next calls that match
them, and the `/_sim/script` routes that arm and clear them."""

from dataclasses import dataclass, field
from typing import Annotated, Generic, Protocol, TypeVar

from fastapi import APIRouter, Body


class ScriptedRule(Protocol):
    """What the script needs of a simulator's rule: which calls it is for (None or empty: any),
    how many of them to let pass first (`skip`), and on how many to fire (`times`)."""

    @property
    def account(self) -> str | None: ...
    @property
    def operation(self) -> str | None: ...
    @property
    def times(self) -> int: ...
    @property
    def skip(self) -> int: ...


RuleT = TypeVar("RuleT", bound=ScriptedRule)


@dataclass
class _Armed(Generic[RuleT]):
    rule: RuleT
    seen: int = 0
    fired: int = 0


@dataclass
class Script(Generic[RuleT]):
    rules: list[_Armed[RuleT]] = field(default_factory=list)

    def add(self, rules: list[RuleT]) -> None:
        self.rules.extend(_Armed(r) for r in rules)

    def clear(self) -> None:
        self.rules.clear()

    def take(self, account: str, operation: str, **call: str) -> list[RuleT]:
        """The rules that fire on this call (each counts the call once). `call` names what else
        a simulator's rules may be narrowed by (a rule attribute of that name, None: any)."""
        fired: list[RuleT] = []
        for armed in self.rules:
            r = armed.rule
            if not _matches(r, account=account, operation=operation, **call):
                continue
            if armed.fired >= r.times:
                continue
            armed.seen += 1
            if armed.seen > r.skip:
                armed.fired += 1
                fired.append(r)
        return fired

    def pending(self) -> int:
        return sum(1 for a in self.rules if a.fired < a.rule.times)


def _matches(rule: ScriptedRule, **call: str) -> bool:
    for name, value in call.items():
        wanted = getattr(rule, name)
        if wanted and wanted != value:
            return False
    return True


def add_script_routes(api: APIRouter, script: Script[RuleT], rule: type[RuleT]) -> None:
    """`POST <api>/script {"rules": [...]}` arms rules of the simulator's `rule` type;
    `DELETE <api>/script` clears them. Both answer how many rules are still to fire."""

    async def add_rules(rules: list[RuleT]) -> dict[str, int]:
        script.add(rules)
        return {"pending": script.pending()}

    # FastAPI validates the body by the annotation it reads at registration: the concrete rule
    # type stands in for the type variable here.
    add_rules.__annotations__["rules"] = Annotated[list[rule], Body(embed=True)]  # type: ignore[valid-type]
    api.post("/script")(add_rules)

    @api.delete("/script")
    async def clear_rules() -> dict[str, int]:
        script.clear()
        return {"pending": 0}
