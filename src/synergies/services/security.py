"""Who is acting, and the one policy that says what each role may do."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from enum import StrEnum

from synergies.domain.accounts import Role
from synergies.domain.errors import PermissionDenied

__all__ = ["ALLOWED", "Action", "Actor", "Role", "authorize", "local_operator"]


class Action(StrEnum):
    read = "read"  # aggregates, structure, initiatives, ledger totals
    read_confidential = "read confidential"  # a partner's prices, supplier terms, cost base
    manage_structure = "manage structure"  # partners, holdings, agreements, functions, org
    manage_initiatives = "manage initiatives"
    record_ledger = "record ledger"
    sign_off = "sign off"
    manage_users = "manage users"  # accounts and the credentials of others
    manage_own_credentials = "manage own credentials"  # one's own API tokens and sessions
    read_audit = "read audit"  # audit records: their before/after may hold confidential data


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    role: Role
    partner: str | None = None
    functions: tuple[str, ...] = field(default=())


def local_operator() -> Actor:
    """Whoever runs the CLI on a store file they can open holds every right to it."""
    return Actor(f"{getpass.getuser()} (local)", Role.admin)


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.admin: frozenset(Action),
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
    Role.clean_team: frozenset(
        {Action.read, Action.read_confidential, Action.read_audit, Action.manage_own_credentials}
    ),
    Role.viewer: frozenset({Action.read, Action.manage_own_credentials}),
}


def authorize(
    actor: Actor, action: Action, *, partner: str | None = None, function: str | None = None
) -> None:
    """Refuse unless `actor`'s role allows `action` on this partner's and function's data."""
    if action not in ALLOWED[actor.role]:
        raise PermissionDenied(
            f"{actor.name} ({actor.role.value}) may not {action.value}",
            fix="ask an alliance admin for a role that allows it",
        )
    if actor.role is Role.admin or actor.role is Role.clean_team:
        return
    own_partner = action in (Action.read_confidential, Action.sign_off, Action.record_ledger)
    if own_partner and actor.role is Role.controller and partner not in (None, actor.partner):
        raise PermissionDenied(
            f"{actor.name} is a controller of {actor.partner}, not of {partner}",
            field="partner",
            fix=f"a controller of {partner} must do this",
        )
    if actor.role is Role.function_lead and function not in (None, *actor.functions):
        raise PermissionDenied(
            f"{actor.name} leads {', '.join(actor.functions) or 'no function'}, not {function}",
            field="function",
            fix=f"ask a lead of {function} or an alliance admin",
        )
