"""Load the example alliance into a store, all or nothing, once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from synergies.domain.accounts import Role
from synergies.example import initiatives as example_initiatives
from synergies.example import published
from synergies.example import structure as example
from synergies.services import accounts, initiatives, ledger, structure
from synergies.services.context import Context


@dataclass(frozen=True, slots=True)
class Loaded:
    already_loaded: bool
    partners: int = 0
    initiatives: int = 0
    ledger_entries: int = 0


def load_example(ctx: Context) -> Loaded:
    """Build the example alliance. A store that already holds it is left as it is."""
    with ctx.transaction():
        if structure.alliance_name(ctx) == example.ALLIANCE:
            return Loaded(already_loaded=True)
        structure.name_alliance(ctx, example.ALLIANCE, example.DESCRIPTION, example.FOUNDED)
        for partner in example.PARTNERS:
            structure.add_partner(ctx, partner)
        for holding in example.SHAREHOLDINGS:
            structure.add_shareholding(ctx, holding)
        for agreement in example.AGREEMENTS:
            structure.add_agreement(ctx, agreement)
        for person in example.PEOPLE:
            structure.add_person(ctx, person)
        for line in example.LINES:
            structure.add_reporting_line(ctx, line)
        for function in example.FUNCTIONS:
            structure.add_function(ctx, function)
        for target in example.TARGETS:
            structure.add_target(ctx, target)
        structure.add_fx_rates(ctx, example.fx_rates(), example.FX_SOURCE)
        seeds = example_initiatives.initiatives()
        for initiative in seeds:
            initiatives.record_example(ctx, initiative)  # invented history, labelled as such
        pairs = [*published.entries(seeds), *published.one_off_costs(seeds)]
        outcome = ledger.add_many(
            ctx, [e for e, _ in pairs], [k for _, k in pairs], "example alliance"
        )
    return Loaded(False, len(example.PARTNERS), len(seeds), outcome.added)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    name: str
    role: Role
    partner: str | None
    functions: tuple[str, ...]
    password: str  # generated for this store; shown once, kept only as a hash


# One account per role, and a controller of each partner (each signs only for their own).
DEMO_ROLES: tuple[tuple[str, Role, str | None, tuple[str, ...]], ...] = (
    ("ada.admin", Role.admin, None, ()),
    ("pat.purchasing", Role.function_lead, "RENAULT", ("purchasing",)),
    ("rene.controller", Role.controller, "RENAULT", ()),
    ("naoko.controller", Role.controller, "NISSAN", ()),
    ("abe.approver", Role.approver, None, ()),
    ("cleo.cleanteam", Role.clean_team, None, ()),
    ("vic.viewer", Role.viewer, "NISSAN", ()),
)


def add_demo_accounts(ctx: Context) -> list[DemoAccount]:
    """An account for each role of the example alliance, each with a password generated now
    (never a fixed one: a demo store must not open to a password anyone can read here)."""
    made = [
        DemoAccount(name, role, partner, functions, secrets.token_urlsafe(12))
        for name, role, partner, functions in DEMO_ROLES
    ]
    with ctx.transaction():
        for a in made:
            accounts.add_user(
                ctx, a.name, a.role, a.password, partner=a.partner, functions=a.functions
            )
    return made
