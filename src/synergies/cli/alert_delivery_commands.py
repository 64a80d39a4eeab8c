"""`synergies alerts send|subscribe|unsubscribe|subscriptions|webhook`: delivering alerts."""

from __future__ import annotations

from typing import Annotated

import typer

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit
from synergies.domain.alerts import Rule
from synergies.domain.calendar import parse_date
from synergies.domain.errors import InvalidInput
from synergies.services import alert_delivery as service
from synergies.services.alert_delivery import DeliveryOutcome, Subscription, Webhook

webhook_app = typer.Typer(
    help="Webhook receivers of alerts (alliance admin). They get the alerts that reveal no "
    "partner's confidential data, as a signed JSON POST.",
    no_args_is_help=True,
)

SEND_HELP = (
    "Deliver the alerts that fire now to every webhook and subscriber that has not had them "
    "yet (no alert twice).\n\n"
    "Webhooks get a JSON POST signed with their secret: header X-Synergies-Signature is "
    "sha256=HMAC-SHA256 of 'TIMESTAMP.BODY', TIMESTAMP (Unix seconds) in "
    "X-Synergies-Timestamp; tried up to 3 times with a growing pause. Webhooks never get an "
    "alert that reveals a partner's confidential data.\n\n"
    "Each e-mail address gets one digest of its subscriptions' alerts, the confidential ones "
    "only if its user may read that partner's confidential data. SMTP settings come from the "
    "options or their SYNERGIES_SMTP_* variables.\n\n"
    "A failure is recorded and tried again at the next send; the command then exits with 1."
)


def _sub_row(s: Subscription) -> dict[str, object]:
    return {"id": s.id, "user": s.user, "email": s.email, "rules": ", ".join(s.rules) or "all",
            "functions": ", ".join(s.functions) or "all",
            "created_at": s.created_at.isoformat(timespec="seconds")}  # fmt: skip


def _hook_row(w: Webhook) -> dict[str, object]:
    return {"id": w.id, "url": w.url, "active": w.active, "created_by": w.created_by,
            "created_at": w.created_at.isoformat(timespec="seconds")}  # fmt: skip


def _outcome_rows(outcome: DeliveryOutcome) -> list[dict[str, object]]:
    went = "would deliver" if outcome.dry_run else "delivered"
    return [
        {"channel": t.channel, "target": t.target, went: t.delivered, "failed": t.failed,
         "already had": t.skipped, "withheld": t.withheld, "attempts": t.attempts,
         "error": t.error}
        for t in outcome.targets
    ]  # fmt: skip


def _mailer(
    host: str | None, port: int, user: str | None, password: str | None, sender: str | None,
    starttls: bool, cafile: str | None,
) -> service.Mailer | None:  # fmt: skip
    """The SMTP mailer the options describe; None without a host (e-mail is then not sent)."""
    if not host:
        return None
    if not sender:
        raise InvalidInput(
            "the sender's address is missing", field="smtp_from",
            fix="give --smtp-from or $SYNERGIES_SMTP_FROM",
        )  # fmt: skip
    from synergies.delivery.mail import SmtpMailer, SmtpSettings

    settings = SmtpSettings(host, sender, port, user or None, password, starttls, cafile or None)
    return SmtpMailer(settings)


def send(
    on: Annotated[
        str | None,
        typer.Option("--on", help="Evaluate as of this day, YYYY-MM-DD (default: today)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would go; send and record nothing.")
    ] = False,
    smtp_host: Annotated[
        str | None,
        typer.Option(envvar="SYNERGIES_SMTP_HOST", help="SMTP server; none: no e-mail is sent."),
    ] = None,
    smtp_port: Annotated[
        int, typer.Option(envvar="SYNERGIES_SMTP_PORT", help="SMTP port (submission: 587).")
    ] = 587,
    smtp_user: Annotated[
        str | None, typer.Option(envvar="SYNERGIES_SMTP_USER", help="Log in as this user.")
    ] = None,
    smtp_password: Annotated[
        str | None,
        typer.Option(
            envvar="SYNERGIES_SMTP_PASSWORD",
            help="Password of --smtp-user (prefer the variable: a flag shows in the process list).",
            show_default=False,
        ),
    ] = None,
    smtp_from: Annotated[
        str | None,
        typer.Option(envvar="SYNERGIES_SMTP_FROM", help="Sender address, e.g. alerts@example.com."),
    ] = None,
    starttls: Annotated[
        bool,
        typer.Option(
            "--starttls/--no-starttls",
            envvar="SYNERGIES_SMTP_STARTTLS",
            help="Encrypt with STARTTLS before logging in or sending; a server without it is "
            "then a failure, never a message in clear.",
        ),
    ] = True,
    smtp_cafile: Annotated[
        str | None,
        typer.Option(
            envvar="SYNERGIES_SMTP_CAFILE", help="A CA certificate (PEM) to trust for the server."
        ),
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    ctx = open_context(db)
    from synergies.delivery.webhooks import WebhookPoster
    from synergies.services import alerts

    mailer = _mailer(smtp_host, smtp_port, smtp_user, smtp_password, smtp_from, starttls,
                     smtp_cafile)  # fmt: skip
    with console().status("evaluating the rules and delivering the alerts"):
        found = alerts.evaluate(ctx, today=parse_date(on, field="on") if on else None)
        outcome = service.deliver(
            ctx, found, mailer=mailer, poster=WebhookPoster(), dry_run=dry_run
        )
    caption = (
        f"{len(found)} alerts fire; "
        + ("dry run: nothing sent" if dry_run else f"{outcome.delivered} deliveries made")
        + (f", {outcome.failed} failed (tried again at the next send)" if outcome.failed else "")
    )
    rows = _outcome_rows(outcome)
    document = {"alerts": len(found), "dry_run": dry_run, "targets": rows}
    emit(rows, fmt, title="Alert deliveries", caption=caption, document=document)
    if outcome.failed and not dry_run:
        raise typer.Exit(1)


UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Whose subscription (an account name). Needed from the command line, where the "
        "local operator has no account of their own.",
    ),
]


def subscribe(
    email: Annotated[str, typer.Option("--email", help="Where the digest goes.")],
    rules: Annotated[
        list[str] | None,
        typer.Option(
            "--rule",
            help="Only this rule's alerts (repeat for more; none: all): "
            + ", ".join(r.value for r in Rule)
            + ".",
        ),
    ] = None,
    functions: Annotated[
        list[str] | None,
        typer.Option(
            "--function",
            help="Only alerts of this function (repeat for more; none: all). "
            "Alliance-wide alerts (no function) always pass.",
        ),
    ] = None,
    user: UserOption = None,
    db: DbOption = None,
) -> None:
    """Subscribe a user to the e-mail digest of the alerts of some rules and functions."""
    made = service.subscribe(
        open_context(db), email, rules=rules or (), functions=functions or (), user=user
    )
    console().print(f"subscription {made.id}: {made.user} at {made.email}", highlight=False)


def unsubscribe(
    subscription: Annotated[
        int, typer.Argument(metavar="ID", help="Subscription id from 'alerts subscriptions'.")
    ],
    db: DbOption = None,
) -> None:
    """End a subscription."""
    held = service.unsubscribe(open_context(db), subscription)
    console().print(f"ended subscription {held.id} of {held.user} at {held.email}")


def list_subscriptions(
    user: Annotated[str | None, typer.Option(help="Only this user's (default: all).")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Who receives which alerts, at which address."""
    found = service.subscriptions(open_context(db), user)
    emit([_sub_row(s) for s in found], fmt, title="Alert subscriptions")


def list_deliveries(
    failed: Annotated[bool, typer.Option("--failed", help="Only the failed attempts.")] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Each alert sent or tried to each target, oldest first: failures with their error."""
    found = service.deliveries(open_context(db), failed_only=failed)
    rows = [{"at": d.at.isoformat(timespec="seconds"), "alert": d.alert_key,
             "channel": d.channel, "target": d.target, "status": d.status,
             "attempts": d.attempts, "error": d.error} for d in found]  # fmt: skip
    emit(rows, fmt, title="Alert deliveries")


@webhook_app.command("add")
def add_webhook(
    url: Annotated[str, typer.Argument(help="Where to POST, e.g. https://example.com/hook.")],
    db: DbOption = None,
) -> None:
    """Register a receiver and print its signing secret, once (it is never shown again)."""
    issued = service.add_webhook(open_context(db), url)
    console().print(
        f"webhook {issued.webhook.id} at {issued.webhook.url}. Its signing secret is shown "
        "only now:",
        highlight=False,
    )
    print(issued.secret)  # noqa: T201 - plain, so that scripts can capture it


@webhook_app.command("list")
def list_webhooks(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """The receivers, active or removed (never their secrets)."""
    emit([_hook_row(w) for w in service.webhooks(open_context(db))], fmt, title="Webhooks")


@webhook_app.command("remove")
def remove_webhook(
    webhook: Annotated[int, typer.Argument(metavar="ID", help="Webhook id from 'list'.")],
    db: DbOption = None,
) -> None:
    """Stop delivering to a receiver (kept in the list as removed)."""
    done = service.remove_webhook(open_context(db), webhook)
    console().print(f"removed webhook {done.id} ({done.url})", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the delivery commands to the `alerts` group."""
    app.command("send", help=SEND_HELP)(send)
    app.command("subscribe")(subscribe)
    app.command("unsubscribe")(unsubscribe)
    app.command("subscriptions")(list_subscriptions)
    app.command("deliveries")(list_deliveries)
    app.add_typer(webhook_app, name="webhook")
