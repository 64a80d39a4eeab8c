"""Initiatives and their stage gates."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit
from synergies.domain.allocation import AllocationMethod, parse_allocation
from synergies.domain.calendar import Month, parse_date
from synergies.domain.errors import InvalidInput, NotAuthenticated
from synergies.domain.initiatives import Category, Initiative, PlanFigures, SideStatus, Stage
from synergies.domain.money import Money, parse_decimal
from synergies.domain.partners import partner_code
from synergies.schemas.initiatives import InitiativeStatusOut
from synergies.services import initiative_status
from synergies.services import initiatives as service
from synergies.services.context import Context
from synergies.services.initiatives import InitiativeFilter

initiative_app = typer.Typer(
    help="One initiative: create, set figures, approve, lock, advance, sign off.",
    no_args_is_help=True,
)

IdArgument = Annotated[str, typer.Argument(metavar="ID", help="Initiative id, e.g. PUR-003.")]
VersionOption = Annotated[
    int | None,
    typer.Option("--if-version", help="Refuse if the initiative is no longer at this version."),
]


def _money(value: Money | None) -> object:
    return value.rounded().amount if value else None


def row(i: Initiative) -> dict[str, object]:
    f = i.forecast
    return {
        "id": i.id, "name": i.name, "function": i.function, "stage": i.stage.value,
        "stage_name": i.stage.label, "status": i.side_status.value if i.side_status else "",
        "category": i.category.value, "owner": i.owner,
        "run_rate": _money(f.run_rate) if f else None,
        "one_off_costs": _money(f.one_off_costs) if f else None,
        "currency": f.run_rate.currency if f else "",
        "start": str(f.start) if f else "", "ramp_months": f.ramp_months if f else None,
        "plan_locked": i.locked_plan is not None,
        "partners": ", ".join(f"{p} {w}" for p, w in i.allocation.weights),
        "signed_off_by": ", ".join(s.partner for s in i.signoffs),
        "probability": i.probability, "illustrative": i.illustrative, "version": i.version,
    }  # fmt: skip


SHORT = ("id", "name", "function", "stage", "status", "run_rate", "currency", "today", "owner")


def with_status(data: dict[str, object], s: InitiativeStatusOut) -> dict[str, object]:
    """The row with its status today (the register's and the alerts' rule), EUR."""
    why = f": {'; '.join(s.reasons)}" if s.reasons else ""
    return {
        **data,
        "today": s.status + why,
        "realized_to_date_eur": s.realized_to_date,
        "plan_to_date_eur": s.planned_to_date,
        "through": s.through,
    }


def initiatives(
    stage: Annotated[Stage | None, typer.Option(help="Only this stage.")] = None,
    function: Annotated[str | None, typer.Option(help="Only this function.")] = None,
    status: Annotated[SideStatus | None, typer.Option(help="Only this side status.")] = None,
    partner: Annotated[
        str | None, typer.Option(help="Only the initiatives this partner shares in.")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List initiatives (stage L0 idea ... L5 realized)."""
    code = partner_code(partner) if partner else None
    where = InitiativeFilter(stage, function, status, code)
    ctx = open_context(db)
    found = service.list_initiatives(ctx, where)
    board = initiative_status.statuses(ctx)
    rows = [with_status(row(i), board.shown(i.id)) for i in found]
    if fmt is Format.table:
        rows = [{k: r[k] for k in SHORT} for r in rows]
    illustrative = any(i.illustrative for i in found)
    emit(rows, fmt, title="Initiatives",
         caption="illustrative example data" if illustrative else None)  # fmt: skip


@initiative_app.command("show")
def show(initiative_id: IdArgument, db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Everything about one initiative."""
    ctx = open_context(db)
    found = service.get(ctx, initiative_id.upper())
    data = with_status(row(found), initiative_status.statuses(ctx).shown(found.id))
    if fmt is Format.table:
        emit([{"field": k, "value": v} for k, v in data.items()], fmt, title=found.id)
    else:
        emit([data], fmt, document=data)


@initiative_app.command("add")
def add(
    initiative_id: IdArgument,
    name: Annotated[str, typer.Option(help="What the initiative does.")],
    function: Annotated[str, typer.Option(help="Business function code, e.g. purchasing.")],
    owner: Annotated[str, typer.Option(help="Who drives it.")],
    allocation: Annotated[
        str, typer.Option(help="Split between partners, e.g. RENAULT=45,NISSAN=55.")
    ],
    method: Annotated[
        AllocationMethod, typer.Option(help="fixed (percent), volume or cost base weights.")
    ] = AllocationMethod.fixed,
    category: Annotated[Category, typer.Option(help="Value category.")] = Category.cost_reduction,
    agreement: Annotated[str | None, typer.Option(help="Agreement it falls under.")] = None,
    db: DbOption = None,
) -> None:
    """Create an initiative at L0 (idea)."""
    created = service.create(
        open_context(db),
        Initiative(
            id=initiative_id.upper(), name=name, function=function, owner=owner,
            category=category, allocation=parse_allocation(allocation, method),
            agreement=partner_code(agreement, field="agreement") if agreement else None,
        ),
    )  # fmt: skip
    console().print(f"created {created.id} at {created.stage} ({created.stage.label})")


@initiative_app.command("update")
def update(
    initiative_id: IdArgument,
    run_rate: Annotated[str, typer.Option(help="Annual saving at full ramp.")],
    one_off: Annotated[str, typer.Option(help="One-off costs to achieve it.")],
    start: Annotated[str, typer.Option(help="First month of savings, YYYY-MM.")],
    currency: Annotated[str, typer.Option(help="Currency of the figures.")] = "EUR",
    ramp: Annotated[int, typer.Option(help="Months to reach the full run-rate.")] = 12,
    if_version: VersionOption = None,
    db: DbOption = None,
) -> None:
    """Set the business case (working forecast): run-rate, one-off costs, start, ramp."""
    figures = PlanFigures(
        Money.of(run_rate, currency), Money.of(one_off, currency),
        Month.parse(start, field="--start"), ramp,
    )  # fmt: skip
    done = service.update_figures(open_context(db), initiative_id.upper(), figures, if_version)
    console().print(f"{done.id}: business case set (version {done.version})")


@initiative_app.command("advance")
def advance(
    initiative_id: IdArgument,
    to: Annotated[Stage, typer.Option("--to", help="The next stage.")],
    if_version: VersionOption = None,
    db: DbOption = None,
) -> None:
    """Move through the next stage gate; refused with the reasons when requirements are unmet."""
    done = service.advance(open_context(db), initiative_id.upper(), to, if_version)
    console().print(f"{done.id} is now at {done.stage} ({done.stage.label})")


AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="USER",
        help="Act as this user account, not as the local operator: its token from "
        "$SYNERGIES_TOKEN, else its password from $SYNERGIES_PASSWORD, else asked for "
        "(hidden). A session opened by the password is closed when the command ends.",
    ),
]


@contextmanager
def _acting(db: str | None, as_user: str | None) -> Iterator[Context]:
    """The local operator's context, or that of the authenticated account `as_user`."""
    local = open_context(db)
    if as_user is None:
        yield local
        return
    from synergies.services import accounts

    token = os.environ.get("SYNERGIES_TOKEN")
    if token:
        actor = accounts.authenticate(local.store, token).actor
        if actor.name.casefold() != as_user.strip().casefold():
            raise NotAuthenticated(
                f"$SYNERGIES_TOKEN belongs to {actor.name}, not {as_user}",
                field="as_user",
                fix="give that user's own token, or unset it to be asked for the password",
            )
        yield Context(local.store, actor)
        return
    password = os.environ.get("SYNERGIES_PASSWORD") or getpass.getpass(f"password of {as_user}: ")
    account, session = accounts.login(local.store, as_user.strip(), password)
    acting = Context(local.store, accounts.actor_of(account))
    try:
        yield acting
    finally:
        accounts.revoke_token(acting, session.token.id)


@initiative_app.command("approve")
def approve(
    initiative_id: IdArgument,
    by: Annotated[str, typer.Option("--by", help="Approving body, e.g. 'Alliance Board'.")],
    on: Annotated[str | None, typer.Option(help="Approval date. Default: today (UTC).")] = None,
    as_user: AsOption = None,
    db: DbOption = None,
) -> None:
    """Record the approval an initiative needs for L3 (at L2).

    Needs the approve right (role approver, or an alliance admin) and no part in the
    initiative: not its owner, nor who created it or set its figures. Dated today or up to
    400 days back. A change of the figures before the plan is locked lapses it."""
    with _acting(db, as_user) as ctx:
        # The store's clock decides what "today" is, as it does for the dated window.
        day = parse_date(on, field="--on") if on else ctx.clock().date()
        done = service.approve(ctx, initiative_id.upper(), by, day)
    console().print(f"{done.id} approved by {by} on {day.isoformat()}")


@initiative_app.command("lock-plan")
def lock_plan(initiative_id: IdArgument, db: DbOption = None) -> None:
    """Freeze the business case as the locked plan (needed for L3; never changes after)."""
    done = service.lock_plan(open_context(db), initiative_id.upper())
    console().print(f"{done.id}: plan locked")


@initiative_app.command("probability")
def probability(
    initiative_id: IdArgument,
    set_to: Annotated[
        str | None, typer.Option("--set", help="Odds of delivery, 0 to 1 (e.g. 0.6).")
    ] = None,
    clear: Annotated[bool, typer.Option(help="Go back to the stage's default.")] = False,
    if_version: VersionOption = None,
    db: DbOption = None,
) -> None:
    """Override the stage's probability of delivery for one initiative (used by forecast)."""
    if (set_to is None) == (not clear):
        raise InvalidInput("say what to do", field="--set", fix="give --set 0.6 or --clear")
    value = None if clear else parse_decimal(set_to or "", field="--set")
    done = service.set_probability(open_context(db), initiative_id.upper(), value, if_version)
    shown = f"{done.probability}" if done.probability is not None else f"{done.stage} default"
    console().print(f"{done.id}: probability of delivery {shown}")


@initiative_app.command("sign-off")
def sign_off(
    initiative_id: IdArgument,
    partner: Annotated[str, typer.Option(help="Partner whose controller signs.")],
    as_user: Annotated[
        str,
        typer.Option(
            "--as",
            metavar="USER",
            help="The signing controller's account (the local operator cannot sign): its "
            "token from $SYNERGIES_TOKEN, else its password from $SYNERGIES_PASSWORD, else "
            "asked for (hidden).",
        ),
    ],
    on: Annotated[str | None, typer.Option(help="Date. Default: today (UTC).")] = None,
    db: DbOption = None,
) -> None:
    """A partner's controller signs the executed saving off at L4 (L5 needs every partner).

    The signer is the authenticated USER: a partner controller of PARTNER who is not the
    initiative's owner, creator, figure setter or approver, and has not signed it for the
    other partner. Dated between its entering L4 (and its figures' start and last change)
    and today, at most 400 days ago. A change of the figures lapses every sign-off."""
    with _acting(db, as_user) as ctx:
        day = parse_date(on, field="--on") if on else ctx.clock().date()
        code = partner_code(partner, field="partner")
        done = service.sign_off(ctx, initiative_id.upper(), code, day)
    console().print(f"{done.id}: signed off for {code} by {ctx.actor.name}")


@initiative_app.command("status")
def status(
    initiative_id: IdArgument,
    set_to: Annotated[
        SideStatus | None, typer.Option("--set", help="at risk, on hold or cancelled.")
    ] = None,
    clear: Annotated[bool, typer.Option(help="Clear the side status.")] = False,
    db: DbOption = None,
) -> None:
    """Set or clear the side status (at risk, on hold, cancelled)."""
    if set_to is None and not clear:
        raise InvalidInput("nothing to do", field="--set", fix="give --set STATUS or --clear")
    done = service.set_status(open_context(db), initiative_id.upper(), None if clear else set_to)
    console().print(
        f"{done.id}: status {done.side_status.value if done.side_status else 'cleared'}"
    )


def register(app: typer.Typer) -> None:
    app.command()(initiatives)
    app.add_typer(initiative_app, name="initiative")
