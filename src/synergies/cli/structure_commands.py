"""The alliance's structure: partners, ownership, agreements, functions, the org chart."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.tree import Tree

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit
from synergies.cli.timeline import ORDER as STAGE_ORDER
from synergies.cli.timeline import convergence_timeline
from synergies.domain.calendar import parse_date
from synergies.domain.functions import BusinessFunction
from synergies.domain.money import parse_decimal
from synergies.domain.org import LineKind, OrgChart, Person, ReportingLine
from synergies.domain.ownership import Shareholding
from synergies.domain.partners import Partner, partner_code
from synergies.domain.percent import percent
from synergies.services import structure

partner_app = typer.Typer(help="Partners of the alliance and parties to its agreements.")
ownership_app = typer.Typer(help="Direct and look-through ownership between partners.")
org_app = typer.Typer(help="The organisation: people and reporting lines (joint lines too).")

DateOption = Annotated[
    str | None, typer.Option("--on", help="Date to answer for (YYYY-MM-DD). Default: today.")
]


def _on(text: str | None, field: str = "--on") -> date:
    return parse_date(text, field=field) if text else date.today()


@partner_app.callback(invoke_without_command=True)
def partners(ctx: typer.Context, db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List partners: home currency, fiscal year start, alliance member or outside party."""
    if ctx.invoked_subcommand:
        return
    rows = [
        {"code": p.code, "name": p.name, "currency": p.home_currency,
         "fiscal_year_starts": f"month {p.fiscal_calendar.start_month}",
         "member": "member" if p.member else "outside party"}
        for p in structure.partners(open_context(db)).values()
    ]  # fmt: skip
    emit(rows, fmt, title="Partners")


@partner_app.command("add")
def add_partner(
    code: Annotated[str, typer.Argument(help="Partner code, e.g. RENAULT.")],
    name: Annotated[str, typer.Argument(help="Company name.")],
    currency: Annotated[str, typer.Option(help="Home (reporting) currency, ISO 4217.")] = "EUR",
    fiscal_year_start: Annotated[
        int, typer.Option(help="Month the fiscal year starts in (Nissan: 4).")
    ] = 1,
    outside: Annotated[bool, typer.Option(help="A party to an agreement, not a member.")] = False,
    db: DbOption = None,
) -> None:
    """Add a partner."""
    partner = Partner.create(code, name, currency, fiscal_year_start, member=not outside)
    structure.add_partner(open_context(db), partner)
    console().print(f"added partner {partner.code}")


@ownership_app.callback(invoke_without_command=True)
def ownership(ctx: typer.Context, db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Direct stakes (voting or not) and look-through ownership from the circular holdings."""
    if ctx.invoked_subcommand:
        return
    result = structure.ownership(open_context(db))
    direct = [
        {"holder": h.holder, "held": h.held, "percent": h.percent,
         "voting": "voting" if h.voting else "non-voting",
         "since": h.since.isoformat() if h.since else ""}
        for h in result.holdings
    ]  # fmt: skip
    effective = [
        {"holder": i.holder, "held": i.held, "direct_%": percent(i.direct),
         "look_through_%": percent(i.effective), "voting_look_through_%": percent(i.effective_voting)}
        for i in result.interests
    ]  # fmt: skip
    if fmt is Format.table:
        emit(direct, fmt, title="Direct shareholdings")
        emit(effective, fmt, title="Look-through (effective) ownership",
             caption="solved from the circular holdings: E = A(I - A)^-1; voting counts "
             "voting stakes only")  # fmt: skip
    elif fmt is Format.json:
        emit(effective, fmt, document={"direct": direct, "look_through": effective})
    else:
        emit(effective, fmt)


@ownership_app.command("add")
def add_holding(
    holder: Annotated[str, typer.Argument(help="Partner that holds the stake.")],
    held: Annotated[str, typer.Argument(help="Partner whose shares are held.")],
    pct: Annotated[str, typer.Argument(metavar="PERCENT", help="Stake in percent, 0-100.")],
    non_voting: Annotated[bool, typer.Option(help="The shares carry no voting rights.")] = False,
    since: Annotated[str | None, typer.Option(help="Date acquired (YYYY-MM-DD).")] = None,
    db: DbOption = None,
) -> None:
    """Record a shareholding (refused if the held company's holders would exceed 100%)."""
    holding = Shareholding(
        partner_code(holder, field="holder"), partner_code(held, field="held"),
        parse_decimal(pct, field="percent"), not non_voting,
        parse_date(since, field="--since") if since else None,
    )  # fmt: skip
    structure.add_shareholding(open_context(db), holding)
    console().print(f"recorded: {holding.holder} holds {holding.percent}% of {holding.held}")


def agreements(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List agreements with their dated scope clauses and amendments."""
    rows = [
        {"agreement": a.code, "clause": c.reference, "activity": c.activity,
         "decision": c.decision.value, "from": c.effective_from.isoformat(),
         "to": c.effective_to.isoformat() if c.effective_to else "", "note": c.note}
        for a in structure.agreements(open_context(db)).values()
        for c in a.all_clauses()
    ]  # fmt: skip
    emit(rows, fmt, title="Agreement scope clauses")


def scope(
    agreement: Annotated[str, typer.Argument(help="Agreement code, e.g. DAIMLER.")],
    activity: Annotated[str, typer.Argument(help="Activity, e.g. 'electric vehicles'.")],
    on: DateOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Is an activity inside an agreement's scope on a date, and which clause decides?"""
    answer = structure.check_scope(open_context(db), agreement, activity, _on(on))
    document = {
        "agreement": answer.agreement, "activity": answer.activity, "on": answer.on,
        "inside": answer.inside, "decided_by": answer.clause.reference if answer.clause else None,
        "reason": answer.reason(),
    }  # fmt: skip
    if fmt is Format.table:
        verdict = "[green]inside[/]" if answer.inside else "[red]outside[/]"
        console().print(
            f"{answer.activity!r} on {answer.on.isoformat()} is {verdict} the "
            f"{answer.agreement} agreement: {answer.reason()}"
        )
    else:
        emit([document], fmt, document=document)


def _function_row(f: BusinessFunction, on: date, org: OrgChart) -> dict[str, object]:
    executive = org.people.get(f.executive or "")
    return {
        "function": f.code, "name": f.name, "stage": f.stage_on(on).value,
        "since": (f.since(on) or "").__str__(),
        "alliance_executive": _person_label(executive) if executive else "",
        "history": "; ".join(f"{e.since.isoformat()} {e.stage.value}" for e in f.history),
    }  # fmt: skip


def _person_label(p: Person) -> str:
    return f"{p.name}{' (illustrative)' if p.illustrative else ''}"


def functions(on: DateOption = None, db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """The convergence map: each function's stage, since when, and its alliance executive."""
    ctx = open_context(db)
    day = _on(on)
    found = structure.functions(ctx)
    org = structure.org(ctx)
    ordered = sorted(found.values(), key=lambda f: (-STAGE_ORDER[f.stage_on(day)], f.code))
    rows = [_function_row(f, day, org) for f in ordered]
    if fmt is Format.table:
        emit([{k: v for k, v in r.items() if k != "history"} for r in rows], fmt,
             title=f"Convergence map on {day.isoformat()}")  # fmt: skip
        console().print(convergence_timeline(list(found.values()), day))
    else:
        emit(rows, fmt)


def _tree(chart: OrgChart, person_id: str, branch: Tree, seen: set[str]) -> None:
    for line in sorted(chart.reports(person_id), key=lambda ln: ln.person):
        p = chart.people[line.person]
        others = [
            chart.people[m.manager].name for m in chart.managers(p.id) if m.manager != person_id
        ]
        note = f" [yellow](joint line; also reports to {', '.join(others)})[/]" if others else ""
        child = branch.add(f"[bold]{_person_label(p)}[/] - {p.title} [{p.company}]{note}")
        if p.id not in seen:
            seen.add(p.id)
            _tree(chart, p.id, child, seen)


@org_app.callback(invoke_without_command=True)
def org(
    ctx: typer.Context,
    person: Annotated[
        str | None,
        typer.Option(help="Show one person, by id or part of the name: managers and reports."),
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The organisation as a tree; joint reporting lines are shown as such."""
    if ctx.invoked_subcommand:
        return
    service = open_context(db)
    chart = structure.org(service)
    if fmt is not Format.table:
        rows = [
            {"person": ln.person, "name": chart.people[ln.person].name, "manager": ln.manager,
             "kind": ln.kind.value}
            for pid in chart.people for ln in chart.managers(pid)
        ]  # fmt: skip
        emit(rows, fmt)
        return
    roots = [structure.find_person(service, person)] if person else chart.roots()
    out = console()
    for root in roots:
        if person:
            for line in chart.managers(root.id):
                boss = chart.people[line.manager]
                out.print(
                    f"reports to {_person_label(boss)} ({boss.company}) - {line.kind.value} line"
                )
        top = Tree(f"[bold]{_person_label(root)}[/] - {root.title} [{root.company}]")
        _tree(chart, root.id, top, {root.id})
        out.print(top)


@org_app.command("add-person")
def add_person(
    person_id: Annotated[str, typer.Argument(metavar="ID", help="Short id, e.g. evp-purchasing.")],
    name: Annotated[str, typer.Argument(help="Full name.")],
    title: Annotated[str, typer.Option(help="Position title.")] = "",
    company: Annotated[str, typer.Option(help="Partner code, or ALLIANCE.")] = "ALLIANCE",
    db: DbOption = None,
) -> None:
    """Add a person."""
    structure.add_person(
        open_context(db), Person(person_id, name, title, partner_code(company, field="company"))
    )
    console().print(f"added {person_id}")


@org_app.command("add-line")
def add_line(
    person: Annotated[str, typer.Argument(help="Id of the person who reports.")],
    manager: Annotated[str, typer.Argument(help="Id of the manager.")],
    kind: Annotated[LineKind, typer.Option(help="solid, joint or dotted.")] = LineKind.solid,
    db: DbOption = None,
) -> None:
    """Add a reporting line (a person may have several; cycles are refused)."""
    structure.add_reporting_line(open_context(db), ReportingLine(person, manager, kind))
    console().print(f"{person} now reports to {manager} ({kind.value} line)")


def register(app: typer.Typer) -> None:
    app.add_typer(partner_app, name="partners")
    app.add_typer(ownership_app, name="ownership")
    app.add_typer(org_app, name="org")
    app.command()(functions)
    app.command()(agreements)
    app.command()(scope)
