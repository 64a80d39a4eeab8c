"""Delivering alerts: subscriptions, webhooks, and `send`, which delivers each alert once.

An alert goes to a target (a webhook, or an e-mail address) once: a target that has a
'delivered' row for the alert's key is skipped; a failure is recorded and the next send tries
again. Each target is sent to inside its own transaction, which holds the store's write lock,
so two sends running at once cannot both deliver the same alert (a send that arrived but
whose record could not be written is sent again: at least once, never silently lost).

Confidentiality: an alert with `confidential_to=P` reaches an e-mail subscriber only if the
subscriber's account may read P's confidential data; webhooks never get such alerts.
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from synergies.delivery.attempt import Attempt
from synergies.domain.accounts import User, name_key
from synergies.domain.alerts import Alert, Rule
from synergies.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from synergies.serialize import jsonable
from synergies.services.accounts import actor_of
from synergies.services.context import Context
from synergies.services.security import Action, authorize
from synergies.storage import account_rows, alliance_rows
from synergies.storage import delivery_rows as rows
from synergies.storage.delivery_rows import DELIVERED, FAILED, Delivery, Subscription, Webhook

__all__ = [
    "Delivery",
    "DeliveryOutcome",
    "IssuedWebhook",
    "Mailer",
    "Poster",
    "Subscription",
    "TargetOutcome",
    "Webhook",
    "add_webhook",
    "deliver",
    "deliveries",
    "remove_webhook",
    "rule_named",
    "subscribe",
    "subscriptions",
    "unsubscribe",
    "webhooks",
]

WEBHOOK = "webhook"
EMAIL = "email"
SIGNING_PREFIX = "whsec_"
# One plain ASCII address, no display name: what a subscriber types, not all RFC 5322 allows
# (the API's schema says the same pattern).
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


class Poster(Protocol):
    def __call__(self, url: str, secret: str, body: bytes) -> Attempt: ...


class Mailer(Protocol):
    def __call__(self, to: str, subject: str, text: str) -> Attempt: ...


@dataclass(frozen=True, slots=True)
class IssuedWebhook:
    """A new webhook and its signing secret: shown once, never listed or audited."""

    webhook: Webhook
    secret: str


@dataclass(frozen=True, slots=True)
class TargetOutcome:
    """What one send did for one target; in a dry run, `delivered` is what would go."""

    channel: str
    target: str
    delivered: int = 0
    failed: int = 0
    skipped: int = 0  # the target had them already
    withheld: int = 0  # confidential: not the target's to read
    attempts: int = 0
    error: str = ""


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    alerts: int
    targets: tuple[TargetOutcome, ...]
    dry_run: bool = False

    @property
    def delivered(self) -> int:
        return sum(t.delivered for t in self.targets)

    @property
    def failed(self) -> int:
        return sum(t.failed for t in self.targets)


# --- subscriptions (each user their own; an alliance admin anyone's) ---


def rule_named(text: str) -> Rule:
    """A rule by its value ('behind ramp') or its name ('behind_ramp')."""
    key = text.strip().lower().replace("-", " ").replace("_", " ")
    for rule in Rule:
        if key in (rule.value, rule.name.replace("_", " ")):
            return rule
    known = ", ".join(r.value for r in Rule)
    raise InvalidInput(f"unknown rule {text!r}", field="rules", fix=f"use one of: {known}")


def _address(email: str) -> str:
    address = email.strip()
    if len(address) > 320 or not EMAIL_PATTERN.fullmatch(address):
        raise InvalidInput(
            f"{email!r} is not an e-mail address",
            field="email",
            fix="give one, e.g. ada@example.com",
        )
    return address


def _for(ctx: Context, owner: str) -> None:
    """One's own subscriptions are one's own business; anyone else's are an admin's."""
    own = name_key(owner) == name_key(ctx.actor.name)
    ctx.allow(Action.read if own else Action.manage_users)


def _functions(ctx: Context, functions: Iterable[str]) -> tuple[str, ...]:
    wanted = sorted({f.strip() for f in functions if f.strip()})
    with ctx.reading() as conn:
        known = alliance_rows.load_functions(conn)
    for function in wanted:
        if function not in known:
            raise NotFound(
                f"unknown function {function!r}", field="functions",
                fix=f"use one of: {', '.join(sorted(known)) or 'none yet'}",
            )  # fmt: skip
    return tuple(wanted)


def subscribe(
    ctx: Context, email: str, *, rules: Sequence[str] = (), functions: Sequence[str] = (),
    user: str | None = None,
) -> Subscription:  # fmt: skip
    """Subscribe `user` (default: oneself) at `email` to alerts of these rules in these
    functions (none given: all). Alerts of no function (the alliance's) pass any function
    filter."""
    owner = ctx.actor.name if user is None else user
    _for(ctx, owner)
    address = _address(email)
    chosen = tuple(sorted({rule_named(r).value for r in rules}))
    with ctx.transaction() as conn:
        account = account_rows.find_user(conn, owner)
        if account is None:
            raise NotFound(
                f"{owner} has no user account", field="user",
                fix="name the account to subscribe",
            )  # fmt: skip
        for held in rows.load_subscriptions(conn, account.name):
            if held.email.casefold() == address.casefold():
                raise Conflict(
                    f"{account.name} is already subscribed at {held.email} "
                    f"(subscription {held.id})",
                    field="email", fix="unsubscribe it first to change what it receives",
                )  # fmt: skip
        made = rows.insert_subscription(
            conn, account.name, address, chosen, _functions(ctx, functions), ctx.clock()
        )
        ctx.audit(conn, "alert.subscribe", f"subscription/{made.id}", after=made)
    return made


def subscriptions(ctx: Context, user: str | None = None) -> list[Subscription]:
    """The subscriptions of `user`, or everyone's (an admin's view)."""
    if user is None:
        ctx.allow(Action.manage_users)
    else:
        _for(ctx, user)
    with ctx.reading() as conn:
        if user is None:
            return rows.load_subscriptions(conn)
        return rows.load_subscriptions(conn, account_rows.load_user(conn, user).name)


def unsubscribe(ctx: Context, subscription_id: int) -> Subscription:
    ctx.allow(Action.read)
    with ctx.transaction() as conn:
        held = rows.load_subscription(conn, subscription_id)
        _for(ctx, held.user)
        rows.delete_subscription(conn, subscription_id)
        ctx.audit(conn, "alert.unsubscribe", f"subscription/{held.id}", before=held)
    return held


# --- webhooks (alliance admin) ---


def _webhook_url(url: str) -> str:
    text = url.strip()
    parts = urlsplit(text)
    bad = (
        parts.scheme not in ("http", "https") or not parts.hostname or len(text) > 2000
        or any(c.isspace() or ord(c) < 32 for c in text)
    )  # fmt: skip
    if bad:
        raise InvalidInput(
            f"{url!r} is not an http(s) URL",
            field="url",
            fix="give one, e.g. https://example.com/hook",
        )
    if parts.username or parts.password:
        raise InvalidInput(
            "the URL holds credentials, which would be listed and audited",
            field="url", fix="leave them out: the signature header tells the receiver who sent it",
        )  # fmt: skip
    return text


def add_webhook(ctx: Context, url: str) -> IssuedWebhook:
    """Register a receiver; its signing secret is returned here and never again."""
    ctx.allow(Action.manage_structure)
    checked = _webhook_url(url)
    secret = SIGNING_PREFIX + secrets.token_urlsafe(32)
    with ctx.transaction() as conn:
        made = rows.insert_webhook(conn, checked, secret, ctx.clock(), ctx.actor.name)
        ctx.audit(conn, "webhook.add", f"webhook/{made.id}", after=made)  # no secret in it
    return IssuedWebhook(made, secret)


def webhooks(ctx: Context) -> list[Webhook]:
    ctx.allow(Action.manage_structure)
    with ctx.reading() as conn:
        return rows.load_webhooks(conn)


def remove_webhook(ctx: Context, webhook_id: int) -> Webhook:
    """Stop delivering to a webhook (it is kept, with the deliveries it had)."""
    ctx.allow(Action.manage_structure)
    with ctx.transaction() as conn:
        before = rows.load_webhook(conn, webhook_id)
        if not before.active:
            raise Conflict(f"webhook {webhook_id} is already removed", field="webhook")
        rows.deactivate_webhook(conn, webhook_id)
        after = dataclasses.replace(before, active=False)
        ctx.audit(conn, "webhook.remove", f"webhook/{webhook_id}", before, after)
    return after


# --- sending ---


def _wants(subscription: Subscription, alert: Alert) -> bool:
    rules, functions = subscription.rules, subscription.functions
    by_rule = not rules or alert.rule.value in rules
    return by_rule and (not functions or alert.function is None or alert.function in functions)


def _may_read(reader: User, alert: Alert) -> bool:
    if alert.confidential_to is None:
        return True
    try:
        authorize(actor_of(reader), Action.read_confidential, partner=alert.confidential_to)
    except PermissionDenied:
        return False
    return True


def payload(alerts: Sequence[Alert], at: datetime) -> bytes:
    """A webhook's JSON body: the alerts, each as domain.alerts.Alert's fields."""
    document = {
        "event": "alerts",
        "sent_at": at,
        "alerts": [dataclasses.asdict(a) for a in alerts],
    }
    return json.dumps(jsonable(document), sort_keys=True, ensure_ascii=False).encode()


def _line(alert: Alert) -> str:
    about = alert.subject + (f" ({alert.function})" if alert.function else "")
    secret = f"  [confidential to {alert.confidential_to}]" if alert.confidential_to else ""
    return (
        f"- {alert.rule.value}, {about}: {alert.message}{secret}\n"
        f"  found {alert.figure}, threshold {alert.threshold}"
    )


def digest(alerts: Sequence[Alert], held: Sequence[Subscription], at: datetime) -> tuple[str, str]:
    """The e-mail's subject and text: the new alerts, then why the reader gets them."""
    many = "alert" if len(alerts) == 1 else "alerts"
    subject = f"synergies: {len(alerts)} new {many}"
    why = [
        f"subscription {s.id} of {s.user}: rules {', '.join(s.rules) or 'all'}; "
        f"functions {', '.join(s.functions) or 'all'}"
        for s in held
    ]
    text = "\n".join([
        f"{len(alerts)} new {many} since the last send ({at:%Y-%m-%d %H:%M} UTC):", "",
        *(_line(a) for a in alerts), "",
        "You receive this for:", *why,
        "To stop: synergies alerts unsubscribe ID (or DELETE /alerts/subscriptions/ID).", "",
    ])  # fmt: skip
    return subject, text


@dataclass(frozen=True, slots=True)
class _Target:
    channel: str
    target: str  # as the delivery rows name it
    label: str  # as the outcome shows it
    wanted: tuple[Alert, ...]
    withheld: int
    send: Callable[[Sequence[Alert]], Attempt] | None  # None: no way to send (no mail server)


def _webhook_targets(conn_hooks: list[tuple[Webhook, str]], alerts: Sequence[Alert],
                     poster: Poster, at: datetime) -> list[_Target]:  # fmt: skip
    shared = tuple(a for a in alerts if a.confidential_to is None)
    withheld = len(alerts) - len(shared)

    def sender(hook: Webhook, secret: str) -> Callable[[Sequence[Alert]], Attempt]:
        return lambda new: poster(hook.url, secret, payload(new, at))

    return [
        _Target(WEBHOOK, str(h.id), f"{h.id} {h.url}", shared, withheld, sender(h, secret))
        for h, secret in conn_hooks
    ]


def _mail_sender(mailer: Mailer, to: str, subs: list[Subscription],
                 at: datetime) -> Callable[[Sequence[Alert]], Attempt]:  # fmt: skip
    return lambda new: mailer(to, *digest(new, subs, at))


def _email_targets(held: list[Subscription], readers: dict[str, User], alerts: Sequence[Alert],
                   mailer: Mailer | None, at: datetime) -> list[_Target]:  # fmt: skip
    """One digest per address, whichever of its subscriptions each alert is for."""
    by_address: dict[str, list[Subscription]] = {}
    for s in held:
        if readers[s.user].active:
            by_address.setdefault(s.email.casefold(), []).append(s)
    targets = []
    for subs in by_address.values():
        wanted = [a for a in alerts if any(_wants(s, a) for s in subs)]
        allowed = tuple(a for a in wanted if any(_may_read(readers[s.user], a) for s in subs
                                                 if _wants(s, a)))  # fmt: skip
        address = subs[0].email
        way = None if mailer is None else _mail_sender(mailer, address, subs, at)
        targets.append(_Target(EMAIL, address, address, allowed, len(wanted) - len(allowed), way))
    return targets


def _send(ctx: Context, target: _Target, at: datetime, dry_run: bool) -> TargetOutcome:
    base = TargetOutcome(target.channel, target.label, withheld=target.withheld)
    with ctx.reading() if dry_run else ctx.transaction() as conn:
        had = rows.delivered_keys(conn, target.channel, target.target)
        new = [a for a in target.wanted if a.key not in had]
        skipped = dataclasses.replace(base, skipped=len(target.wanted) - len(new))
        if not new:
            return skipped
        if dry_run:
            return dataclasses.replace(skipped, delivered=len(new))
        if target.send is None:
            return dataclasses.replace(
                skipped, failed=len(new), error="not sent: no mail server is configured"
            )
        result = target.send(new)
        status = DELIVERED if result.ok else FAILED
        rows.insert_deliveries(conn, [
            Delivery(a.key, target.channel, target.target, status, result.attempts, result.error, at)
            for a in new
        ])  # fmt: skip
        ctx.audit(conn, f"alert.{status}", f"{target.channel}/{target.target}", after={
            "alerts": [a.key for a in new], "attempts": result.attempts, "error": result.error,
        })  # fmt: skip
        done = dataclasses.replace(skipped, attempts=result.attempts, error=result.error)
        if result.ok:
            return dataclasses.replace(done, delivered=len(new))
        return dataclasses.replace(done, failed=len(new))


def deliveries(ctx: Context, *, failed_only: bool = False) -> list[Delivery]:
    """Every delivery attempt recorded, oldest first (alliance admin)."""
    ctx.allow(Action.manage_structure)
    with ctx.reading() as conn:
        found = rows.load_deliveries(conn)
    return [d for d in found if d.status == FAILED] if failed_only else found


def deliver(
    ctx: Context, alerts: Sequence[Alert], *, mailer: Mailer | None, poster: Poster,
    now: datetime | None = None, dry_run: bool = False,
) -> DeliveryOutcome:  # fmt: skip
    """Send each target the alerts it has not had yet (alliance admin: it reads every
    subscription and partner-confidential figures). `dry_run`: count, send nothing."""
    ctx.allow(Action.manage_structure)
    ctx.allow(Action.read_confidential)
    at = ctx.clock() if now is None else now
    alerts = list({a.key: a for a in alerts}.values())  # one condition, one delivery
    with ctx.reading() as conn:
        hooks = [
            (h, rows.secret_of(conn, h.id)) for h in rows.load_webhooks(conn, active_only=True)
        ]
        held = rows.load_subscriptions(conn)
        readers = {u.name: u for u in account_rows.load_users(conn)}
    targets = _webhook_targets(hooks, alerts, poster, at)
    targets += _email_targets(held, readers, alerts, mailer, at)
    done = tuple(_send(ctx, t, at, dry_run) for t in targets)
    return DeliveryOutcome(len(alerts), done, dry_run)
