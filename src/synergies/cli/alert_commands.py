"""`synergies alerts`: what fires now, and the rules' thresholds the alliance admin sets."""

from __future__ import annotations

from typing import Annotated

import typer

from synergies.cli import alert_delivery_commands
from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit
from synergies.domain.alerts import Rule
from synergies.domain.calendar import parse_date
from synergies.domain.errors import InvalidInput
from synergies.domain.money import parse_decimal
from synergies.schemas.alerts import AlertsOut, RuleSettingOut
from synergies.services import alerts as service

alerts_app = typer.Typer(help="Alerts: what fires now, when the programme slips.")
RULE_NAMES = ", ".join(f"'{r.value}'" for r in Rule)

On = Annotated[
    str | None,
    typer.Option("--on", help="Evaluate as of this day, YYYY-MM-DD (default: today)."),
]


@alerts_app.callback(invoke_without_command=True)
def alerts(
    ctx: typer.Context, on: On = None, db: DbOption = None, fmt: FormatOption = Format.table
) -> None:
    """Alerts: what fires now, when the programme slips."""
    if ctx.invoked_subcommand:
        return
    context = open_context(db)
    day = parse_date(on, field="--on") if on else context.clock().date()
    document = AlertsOut.of(day, service.evaluate(context, today=day))
    rows = [a.row() for a in document.alerts]
    caption = f"{len(rows)} alerts on {day.isoformat()}; thresholds: synergies alerts rules"
    emit(rows, fmt, title="Alerts", caption=caption, document=document.model_dump(mode="json"))


def _rule(text: str, option: str) -> Rule:
    wanted = text.strip().casefold()
    for rule in Rule:
        if wanted in (rule.value, rule.name):
            return rule
    raise InvalidInput(f"no alert rule {text!r}", field=option, fix=f"name one of {RULE_NAMES}")


@alerts_app.command("rules")
def rules(
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="RULE=THRESHOLD, e.g. 'behind ramp=15' (repeatable)."),
    ] = None,
    enable: Annotated[
        list[str] | None, typer.Option(help="Evaluate this rule again (repeatable).")
    ] = None,
    disable: Annotated[
        list[str] | None, typer.Option(help="Stop evaluating this rule (repeatable).")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Show the rules with their thresholds; set thresholds or switch rules (admins)."""
    ctx = open_context(db)
    for item in set_ or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise InvalidInput(f"--set {item!r} has no '='", field="--set",
                               fix="write RULE=THRESHOLD, e.g. --set 'behind ramp=15'")  # fmt: skip
        threshold = parse_decimal(value.strip(), field="--set")
        service.set_rule(ctx, _rule(name, "--set"), threshold=threshold)
    for name in enable or []:
        service.set_rule(ctx, _rule(name, "--enable"), enabled=True)
    for name in disable or []:
        service.set_rule(ctx, _rule(name, "--disable"), enabled=False)
    shown = [RuleSettingOut.of(s) for s in service.settings(ctx)]
    document = [s.model_dump(mode="json") for s in shown]
    emit([s.row() for s in shown], fmt, title="Alert rules", document=document)


@alerts_app.command("baseline-decision")
def baseline_decision(
    source: Annotated[
        str, typer.Argument(help="The source, as `synergies measurements` names it.")
    ],
    reference: Annotated[
        str, typer.Option(help="The decision: body, meeting and item (e.g. 'PC 2016-04 #3').")
    ],
    on: Annotated[str, typer.Option(help="Day of the decision, YYYY-MM-DD.")],
    db: DbOption = None,
) -> None:
    """Record the governed decision that rebased a source's baselines (admins)."""
    day = parse_date(on, field="--on")
    decision = service.record_baseline_decision(open_context(db), source, day, reference)
    console().print(
        f"recorded: the baselines of {decision.source} rebased on {decision.on.isoformat()} "
        f"({decision.reference})"
    )


alert_delivery_commands.register(alerts_app)  # send, subscribe, webhooks: the same group


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
