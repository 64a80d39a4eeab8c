"""Who is acting, and the one policy that says what each role may do."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from enum import Enum, StrEnum

from synergies.domain.accounts import Role
from synergies.domain.errors import PermissionDenied

__all__ = [
    "ALLOWED",
    "ANY",
    "FUNCTION_SCOPED",
    "PARTNER_SCOPED",
    "Action",
    "Actor",
    "Role",
    "Scope",
    "authorize",
    "local_operator",
]


class Action(StrEnum):
    read = "read"  # aggregates, structure, initiatives, ledger totals
    read_confidential = "read confidential"  # a partner's prices, supplier terms, cost base
    manage_structure = "manage structure"  # partners, holdings, agreements, functions, org
    manage_initiatives = "manage initiatives"
    approve = "approve"  # record a governing body's approval of an initiative (gate to L3)
    record_ledger = "record ledger"
    sign_off = "sign off"
    manage_users = "manage users"  # accounts and the credentials of others
    manage_own_credentials = "manage own credentials"  # one's own API tokens and sessions
    read_audit = "read audit"  # audit records: their before/after may hold confidential data


class Scope(Enum):
    """`ANY`: a check of the role only, made before any work; the scoped check follows."""

    any = "any"


ANY = Scope.any

# Actions on data that belongs to a partner / a function: whoever is bound to a partner or
# leads functions acts only on theirs, and "no partner" or "no function" (alliance-wide) is
# not theirs either.
PARTNER_SCOPED = frozenset(
    {Action.read_confidential, Action.sign_off, Action.record_ledger, Action.manage_initiatives}
)
FUNCTION_SCOPED = frozenset({Action.manage_initiatives, Action.record_ledger})


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    role: Role
    partner: str | None = None
    functions: tuple[str, ...] = field(default=())


def local_operator() -> Actor:
    """Whoever runs the CLI on a store file they can open holds every right to it but one:
    sign-off is a partner controller's own act (`initiative sign-off --as`)."""
    return Actor(f"{getpass.getuser()} (local)", Role.admin)


ALLOWED: dict[Role, frozenset[Action]] = {
    # An alliance admin grants roles; signing a partner's savings off is not theirs to do.
    Role.admin: frozenset(Action) - {Action.sign_off},
    Role.function_lead: frozenset(
        {
            Action.read,
            Action.manage_initiatives,
            Action.record_ledger,
            Action.manage_own_credentials,
        }
    ),
    Role.controller: frozenset(
        {
            Action.read,
            Action.read_confidential,
            Action.record_ledger,
            Action.sign_off,
            Action.manage_own_credentials,
        }
    ),
    Role.approver: frozenset({Action.read, Action.approve, Action.manage_own_credentials}),
    Role.clean_team: frozenset(
        {Action.read, Action.read_confidential, Action.read_audit, Action.manage_own_credentials}
    ),
    Role.viewer: frozenset({Action.read, Action.manage_own_credentials}),
}
# Roles whose rights span every partner and function.
UNSCOPED = frozenset({Role.admin, Role.clean_team, Role.approver})


def authorize(
    actor: Actor,
    action: Action,
    *,
    partner: str | Scope | None = ANY,
    function: str | Scope | None = ANY,
) -> None:
    """Refuse unless `actor`'s role allows `action` on this partner's and function's data.

    `None` is data of no partner or no function (alliance-wide): it passes a scoped check
    only for roles that span the alliance. `ANY` (the default) checks the role alone.
    """
    if action not in ALLOWED[actor.role]:
        raise PermissionDenied(
            f"{actor.name} ({actor.role.value}) may not {action.value}",
            fix="ask an alliance admin for a role that allows it",
        )
    if actor.role in UNSCOPED:
        return
    if action in PARTNER_SCOPED and partner is not ANY and partner != actor.partner:
        raise PermissionDenied(
            f"{actor.name} acts for {actor.partner or 'no partner'}, "
            f"not for {partner or 'the whole alliance'}",
            field="partner",
            fix=f"someone of {partner} must do this" if partner else "ask an alliance admin",
        )
    leads = actor.role is Role.function_lead
    if (
        leads
        and action in FUNCTION_SCOPED
        and function is not ANY
        and function not in actor.functions
    ):
        raise PermissionDenied(
            f"{actor.name} leads {', '.join(actor.functions) or 'no function'}, "
            f"not {function or 'alliance-wide entries (no function)'}",
            field="function",
            fix=f"ask a lead of {function} or an alliance admin"
            if function
            else "ask an alliance admin",
        )
