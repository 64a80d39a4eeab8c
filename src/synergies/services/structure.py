"""The alliance's structure: partners, holdings, agreements, functions, people, targets, FX."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import date

from synergies.domain.agreements import Agreement, ScopeAnswer, decide_scope
from synergies.domain.errors import Conflict, InvalidInput, NotFound
from synergies.domain.functions import BusinessFunction
from synergies.domain.fx import FxRate, FxTable
from synergies.domain.ledger import check_founded
from synergies.domain.org import OrgChart, Person, ReportingLine
from synergies.domain.ownership import Interest, Shareholding, check_totals, look_through
from synergies.domain.partners import Partner, find_partner
from synergies.domain.targets import Target
from synergies.domain.text import clean_name
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import alliance_rows as rows
from synergies.storage import ledger_rows


@contextmanager
def _against_the_store() -> Iterator[None]:
    """A domain rule that what the store already holds breaks, not the request: a conflict
    (409), with the rule's own message, field and fix."""
    try:
        yield
    except InvalidInput as refused:
        raise Conflict(refused.message, field=refused.field, fix=refused.fix) from None


def alliance_name(ctx: Context) -> str | None:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return rows.alliance_name(conn)


def name_alliance(
    ctx: Context, name: str, description: str = "", founded: date | None = None
) -> None:
    ctx.allow(Action.manage_structure)
    with ctx.transaction() as conn:
        before = rows.alliance_name(conn)
        rows.save_alliance(conn, name, description, founded)
        ctx.audit(conn, "alliance.name", "alliance", before, name)


def founded(ctx: Context) -> date | None:
    """The day the alliance began: no ledger entry is dated before its month."""
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return rows.alliance_founded(conn)


def set_founded(ctx: Context, day: date | None) -> None:
    """Record when the alliance began (None: unknown, no lower bound on ledger months).
    Refused while the ledger holds an entry dated before its month."""
    ctx.allow(Action.manage_structure)
    with ctx.transaction() as conn:
        if rows.alliance_name(conn) is None:
            raise NotFound(
                "the store has no alliance yet",
                field="alliance",
                fix="load or name the alliance first",
            )
        if day is not None and (early := ledger_rows.earliest_period(conn)) is not None:
            with _against_the_store():
                check_founded(early, day)
        before = rows.alliance_founded(conn)
        rows.set_founded(conn, day)
        ctx.audit(conn, "alliance.founded", "alliance", before, day)


def partners(ctx: Context) -> dict[str, Partner]:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return rows.load_partners(conn)


def partner(ctx: Context, code: str) -> Partner:
    return find_partner(partners(ctx), code)


def add_partner(ctx: Context, partner: Partner) -> None:
    ctx.allow(Action.manage_structure)
    partner = replace(partner, name=clean_name(partner.name, field="name"))
    with ctx.transaction() as conn:
        if partner.code in rows.load_partners(conn):
            raise Conflict(f"partner {partner.code} already exists", field="code")
        rows.save_partner(conn, partner)
        ctx.audit(conn, "partner.add", f"partner/{partner.code}", after=partner)


def add_shareholding(ctx: Context, holding: Shareholding) -> None:
    ctx.allow(Action.manage_structure)
    with ctx.transaction() as conn:
        known = rows.load_partners(conn)
        find_partner(known, holding.holder, field="holder")
        find_partner(known, holding.held, field="held")
        existing = rows.load_shareholdings(conn)
        if any(h.holder == holding.holder and h.held == holding.held for h in existing):
            raise Conflict(
                f"{holding.holder} already holds a stake in {holding.held}", field="held"
            )
        with _against_the_store():  # the new stake is at most 100%: the others make it more
            check_totals([*existing, holding])
        rows.save_shareholding(conn, holding)
        ctx.audit(conn, "shareholding.add", f"shareholding/{holding.holder}/{holding.held}",
                  after=holding)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Ownership:
    holdings: list[Shareholding]
    interests: list[Interest]


def ownership(ctx: Context) -> Ownership:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        holdings = rows.load_shareholdings(conn)
    return Ownership(holdings, look_through(holdings))


def agreements(ctx: Context) -> dict[str, Agreement]:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return rows.load_agreements(conn)


def add_agreement(ctx: Context, agreement: Agreement) -> None:
    ctx.allow(Action.manage_structure)
    with ctx.transaction() as conn:
        if agreement.code in rows.load_agreements(conn):
            raise Conflict(f"agreement {agreement.code} already exists", field="code")
        known = rows.load_partners(conn)
        for party in agreement.parties:
            find_partner(known, party, field="parties")
        rows.save_agreement(conn, agreement)
        ctx.audit(conn, "agreement.add", f"agreement/{agreement.code}", after=agreement)


def agreement(ctx: Context, code: str) -> Agreement:
    found = agreements(ctx)
    key = code.strip().upper()
    if key not in found:
        known = ", ".join(sorted(found)) or "none yet"
        raise NotFound(f"unknown agreement {code!r}", field="AGREEMENT", fix=f"use one of: {known}")
    return found[key]


def check_scope(ctx: Context, code: str, activity: str, on: date) -> ScopeAnswer:
    return decide_scope(agreement(ctx, code), activity, on)


def functions(ctx: Context) -> dict[str, BusinessFunction]:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return rows.load_functions(conn)


def function(ctx: Context, code: str) -> BusinessFunction:
    found = functions(ctx)
    if code not in found:
        known = ", ".join(sorted(found)) or "none yet"
        raise NotFound(f"unknown function {code!r}", field="function", fix=f"use one of: {known}")
    return found[code]


def add_function(ctx: Context, function: BusinessFunction) -> None:
    ctx.allow(Action.manage_structure)
    function = replace(function, name=clean_name(function.name, field="name"))
    with ctx.transaction() as conn:
        if function.code in rows.load_functions(conn):
            raise Conflict(f"function {function.code} already exists", field="code")
        rows.save_function(conn, function)
        ctx.audit(conn, "function.add", f"function/{function.code}", after=function)


def org(ctx: Context) -> OrgChart:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return rows.load_org(conn)


def find_person(ctx: Context, query: str) -> Person:
    """The person a part of a name or an id names (any case, accents ignored)."""
    return org(ctx).find(query)


def add_person(ctx: Context, person: Person) -> None:
    ctx.allow(Action.manage_structure)
    person = replace(
        person, name=clean_name(person.name, field="name"),
        title=clean_name(person.title, field="title"),
    )  # fmt: skip
    with ctx.transaction() as conn:
        if person.id in rows.load_org(conn).people:
            raise Conflict(f"person {person.id} already exists", field="id")
        rows.save_person(conn, person)
        ctx.audit(conn, "person.add", f"person/{person.id}", after=person)


def add_reporting_line(ctx: Context, line: ReportingLine) -> None:
    ctx.allow(Action.manage_structure)
    with ctx.transaction() as conn:
        chart = rows.load_org(conn)
        # Unknown people are not found; a line to oneself is a bad request whatever the
        # chart; a cycle through others, or a line already there, is the chart's doing.
        with _against_the_store() if line.person != line.manager else nullcontext():
            chart.add_line(line)
        rows.save_line(conn, line)
        ctx.audit(conn, "reporting_line.add", f"person/{line.person}", after=line)


def targets(ctx: Context) -> list[Target]:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return rows.load_targets(conn)


def add_target(ctx: Context, target: Target) -> None:
    ctx.allow(Action.manage_structure)
    with ctx.transaction() as conn:
        rows.save_target(conn, target)
        ctx.audit(conn, "target.add", f"target/{target.year}/{target.function or 'alliance'}",
                  after=target)  # fmt: skip


def fx_table(ctx: Context) -> FxTable:
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return rows.load_fx(conn)


def add_fx_rates(ctx: Context, rates: Iterable[FxRate], source: str) -> int:
    ctx.allow(Action.manage_structure)
    batch = list(rates)
    with ctx.transaction() as conn:
        existing = rows.load_fx(conn).rates
        for rate in batch:
            if (rate.month, rate.currency) in existing:
                raise Conflict(f"a {rate.currency} rate for {rate.month} exists", field="fx_rates")
            rows.save_fx(conn, rate, source)
        ctx.audit(conn, "fx.add", "fx", after={"rates": len(batch), "source": source})
    return len(batch)
