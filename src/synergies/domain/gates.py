"""Stage-gate rules: what an initiative needs before it may enter each stage."""

from __future__ import annotations

from collections.abc import Callable

from synergies.domain.errors import GateRefused
from synergies.domain.initiatives import Initiative, SideStatus, Stage

Requirement = Callable[[Initiative], str | None]


def _needs_owner(i: Initiative) -> str | None:
    return None if i.owner.strip() else "an owner (who drives the initiative)"


def _needs_business_case(i: Initiative) -> str | None:
    if i.forecast is None:
        return "a business case with run-rate and one-off costs (set its figures)"
    return None


def _needs_approval(i: Initiative) -> str | None:
    if i.approval is None:
        return "an approval (say who approved it, e.g. 'Alliance Board')"
    return None


def _needs_locked_plan(i: Initiative) -> str | None:
    if i.locked_plan is None:
        return "a locked plan (lock the business case as the plan)"
    return None


def _needs_all_signoffs(i: Initiative) -> str | None:
    signed = {s.partner for s in i.signoffs}
    missing = [p for p in i.partners() if p not in signed]
    if missing:
        return "sign-off by a controller of " + ", ".join(missing) + " (each partner sharing it)"
    return None


def _needs_distinct_signers(i: Initiative) -> str | None:
    signers = [s.controller.strip().casefold() for s in i.signoffs]
    if len(set(signers)) < len(signers):
        return "sign-offs by different people (one person signed for two partners)"
    return None


REQUIREMENTS: dict[Stage, tuple[Requirement, ...]] = {
    Stage.L0: (),
    Stage.L1: (_needs_owner,),
    Stage.L2: (_needs_business_case,),
    Stage.L3: (_needs_approval, _needs_locked_plan),
    Stage.L4: (),
    Stage.L5: (_needs_all_signoffs, _needs_distinct_signers),
}


def unmet(initiative: Initiative, target: Stage) -> list[str]:
    """Everything that stops `initiative` from entering `target`: empty means it may."""
    if initiative.side_status in (SideStatus.cancelled, SideStatus.on_hold):
        return [f"the initiative is {initiative.side_status.value}; clear the status first"]
    if target.rank <= initiative.stage.rank:
        return [f"it is already at {initiative.stage}; stages only move forward"]
    if target.rank > initiative.stage.rank + 1:
        nxt = Stage(f"L{initiative.stage.rank + 1}")
        return [f"gate skipped: from {initiative.stage} the next stage is {nxt}, not {target}"]
    return [reason for check in REQUIREMENTS[target] if (reason := check(initiative))]


def advance(initiative: Initiative, target: Stage) -> Initiative:
    """Move through one gate, or refuse with every reason at once."""
    reasons = unmet(initiative, target)
    if reasons:
        raise GateRefused(
            f"{initiative.id} cannot enter {target} ({target.label}): needs " + "; ".join(reasons),
            field="to",
            fix="meet the requirements above, then advance again",
            reasons=tuple(reasons),
        )
    return initiative.with_changes(stage=target)
