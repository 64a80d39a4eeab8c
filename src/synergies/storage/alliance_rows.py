"""Rows <-> domain values for the alliance's structure."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from synergies.domain.agreements import Agreement, Amendment, ScopeClause, ScopeDecision
from synergies.domain.calendar import FiscalCalendar, Month
from synergies.domain.functions import BusinessFunction, ConvergenceEvent, ConvergenceStage
from synergies.domain.fx import FxRate, FxTable
from synergies.domain.money import Money
from synergies.domain.org import LineKind, OrgChart, Person, ReportingLine
from synergies.domain.ownership import Shareholding
from synergies.domain.partners import Partner
from synergies.domain.targets import Target
from synergies.storage import tables as t


def alliance_name(conn: Connection) -> str | None:
    return conn.execute(select(t.alliance.c.name)).scalar_one_or_none()


def alliance_founded(conn: Connection) -> date | None:
    return conn.execute(select(t.alliance.c.founded)).scalar_one_or_none()


def save_alliance(
    conn: Connection, name: str, description: str, founded: date | None = None
) -> None:
    conn.execute(delete(t.alliance))
    conn.execute(
        insert(t.alliance).values(id=1, name=name, description=description, founded=founded)
    )


def set_founded(conn: Connection, founded: date | None) -> None:
    conn.execute(update(t.alliance).values(founded=founded))


def load_partners(conn: Connection) -> dict[str, Partner]:
    rows = conn.execute(select(t.partners).order_by(t.partners.c.code)).mappings()
    return {
        r["code"]: Partner(
            r["code"], r["name"], r["home_currency"], FiscalCalendar(r["fiscal_year_start"]),
            r["member"],
        )
        for r in rows
    }  # fmt: skip


def save_partner(conn: Connection, p: Partner) -> None:
    conn.execute(
        insert(t.partners).values(
            code=p.code,
            name=p.name,
            home_currency=p.home_currency,
            fiscal_year_start=p.fiscal_calendar.start_month,
            member=p.member,
        )
    )


def load_shareholdings(conn: Connection) -> list[Shareholding]:
    rows = conn.execute(select(t.shareholdings).order_by(t.shareholdings.c.id)).mappings()
    return [
        Shareholding(r["holder"], r["held"], r["percent"], r["voting"], r["since"]) for r in rows
    ]


def save_shareholding(conn: Connection, h: Shareholding) -> None:
    conn.execute(
        insert(t.shareholdings).values(
            holder=h.holder, held=h.held, percent=h.percent, voting=h.voting, since=h.since
        )
    )


def _clause(r: Any) -> ScopeClause:
    aliases = tuple(a for a in r["aliases"].split("|") if a)
    return ScopeClause(
        r["reference"], r["activity"], ScopeDecision(r["decision"]), r["effective_from"],
        r["effective_to"], r["note"], aliases,
    )  # fmt: skip


def load_agreements(conn: Connection) -> dict[str, Agreement]:
    clauses = list(conn.execute(select(t.scope_clauses).order_by(t.scope_clauses.c.id)).mappings())
    found = {}
    for r in conn.execute(select(t.agreements).order_by(t.agreements.c.code)).mappings():
        own = [c for c in clauses if c["agreement"] == r["code"]]
        base = tuple(_clause(c) for c in own if c["amendment"] is None)
        amendments: dict[tuple[str, date], list[ScopeClause]] = {}
        for c in own:
            if c["amendment"] is not None:
                amendments.setdefault((c["amendment"], c["amendment_signed"]), []).append(
                    _clause(c)
                )
        found[r["code"]] = Agreement(
            r["code"], r["name"], tuple(r["parties"].split(",")), r["signed"], base,
            tuple(Amendment(ref, signed, tuple(cs)) for (ref, signed), cs in amendments.items()),
            r["excluded_from_synergies"],
        )  # fmt: skip
    return found


def save_agreement(conn: Connection, a: Agreement) -> None:
    conn.execute(
        insert(t.agreements).values(
            code=a.code, name=a.name, parties=",".join(a.parties), signed=a.signed,
            excluded_from_synergies=a.excluded_from_synergies,
        )
    )  # fmt: skip
    for clause in a.clauses:
        save_clause(conn, a.code, clause, None)
    for amendment in a.amendments:
        for clause in amendment.clauses:
            save_clause(conn, a.code, clause, amendment)


def save_clause(
    conn: Connection, agreement: str, c: ScopeClause, amendment: Amendment | None
) -> None:
    conn.execute(
        insert(t.scope_clauses).values(
            agreement=agreement,
            amendment=amendment.reference if amendment else None,
            amendment_signed=amendment.signed if amendment else None,
            reference=c.reference, activity=c.activity, decision=c.decision.value,
            effective_from=c.effective_from, effective_to=c.effective_to, note=c.note,
            aliases="|".join(c.aliases),
        )
    )  # fmt: skip


def load_functions(conn: Connection) -> dict[str, BusinessFunction]:
    events = list(
        conn.execute(
            select(t.convergence_events).order_by(
                t.convergence_events.c.since, t.convergence_events.c.id
            )
        ).mappings()
    )
    found = {}
    for r in conn.execute(select(t.functions).order_by(t.functions.c.code)).mappings():
        history = tuple(
            ConvergenceEvent(ConvergenceStage(e["stage"]), e["since"], e["note"])
            for e in events
            if e["function"] == r["code"]
        )
        found[r["code"]] = BusinessFunction(r["code"], r["name"], history, r["executive"])
    return found


def save_function(conn: Connection, f: BusinessFunction) -> None:
    conn.execute(insert(t.functions).values(code=f.code, name=f.name, executive=f.executive))
    for event in f.history:
        save_convergence(conn, f.code, event)


def save_convergence(conn: Connection, function: str, e: ConvergenceEvent) -> None:
    conn.execute(
        insert(t.convergence_events).values(
            function=function, stage=e.stage.value, since=e.since, note=e.note
        )
    )


def load_org(conn: Connection) -> OrgChart:
    people = [
        Person(r["id"], r["name"], r["title"], r["company"], r["function"], r["illustrative"])
        for r in conn.execute(select(t.people).order_by(t.people.c.id)).mappings()
    ]
    lines = [
        ReportingLine(r["person"], r["manager"], LineKind(r["kind"]))
        for r in conn.execute(select(t.reporting_lines)).mappings()
    ]
    return OrgChart(people, lines)


def save_person(conn: Connection, p: Person) -> None:
    conn.execute(
        insert(t.people).values(
            id=p.id, name=p.name, title=p.title, company=p.company, function=p.function,
            illustrative=p.illustrative,
        )
    )  # fmt: skip


def save_line(conn: Connection, line: ReportingLine) -> None:
    conn.execute(
        insert(t.reporting_lines).values(
            person=line.person, manager=line.manager, kind=line.kind.value
        )
    )


def load_targets(conn: Connection) -> list[Target]:
    rows = conn.execute(select(t.targets).order_by(t.targets.c.year, t.targets.c.id)).mappings()
    return [
        Target(
            r["year"],
            Money(r["amount"], r["currency"]),
            r["function"],
            r["note"],
            r["illustrative"],
        )
        for r in rows
    ]


def save_target(conn: Connection, target: Target) -> None:
    conn.execute(
        insert(t.targets).values(
            year=target.year, function=target.function, amount=target.amount.amount,
            currency=target.amount.currency, note=target.note, illustrative=target.illustrative,
        )
    )  # fmt: skip


def load_fx(conn: Connection) -> FxTable:
    rows = conn.execute(select(t.fx_rates)).mappings()
    return FxTable(FxRate(Month.parse(r["month"]), r["currency"], r["per_eur"]) for r in rows)


def save_fx(conn: Connection, rate: FxRate, source: str) -> None:
    conn.execute(
        insert(t.fx_rates).values(
            month=str(rate.month), currency=rate.currency, per_eur=rate.per_eur, source=source
        )
    )
