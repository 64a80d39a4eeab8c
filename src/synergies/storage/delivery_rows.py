"""Rows <-> alert subscriptions, webhooks and delivery attempts (services/alert_delivery.py).

A delivery row is appended for every alert sent (or tried) to a target in a send; the alerts a
target has had are those with a 'delivered' row for it, so a later send skips them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from synergies.domain.errors import NotFound
from synergies.storage import tables as t

DELIVERED = "delivered"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Subscription:
    """Who wants which alerts at which address; no rules (or functions) means all of them."""

    id: int
    user: str
    email: str
    rules: tuple[str, ...]
    functions: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Webhook:
    """A receiver of alerts. Its secret is not here: only the sender reads it (`secret_of`)."""

    id: int
    url: str
    active: bool
    created_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class Delivery:
    alert_key: str
    channel: str  # "webhook" or "email"
    target: str  # the webhook's id, or the e-mail address
    status: str  # DELIVERED or FAILED
    attempts: int
    error: str
    at: datetime


def _listed(text: str) -> tuple[str, ...]:
    return tuple(item for item in text.split(",") if item)


def _subscription(r: Any) -> Subscription:
    return Subscription(
        r["id"], r["user"], r["email"], _listed(r["rules"]), _listed(r["functions"]),
        r["created_at"],
    )  # fmt: skip


def insert_subscription(
    conn: Connection, user: str, email: str, rules: Sequence[str], functions: Sequence[str],
    at: datetime,
) -> Subscription:  # fmt: skip
    query = insert(t.alert_subscriptions).values(
        user=user, email=email, rules=",".join(rules), functions=",".join(functions),
        created_at=at,
    )  # fmt: skip
    new_id = conn.execute(query.returning(t.alert_subscriptions.c.id)).scalar_one()
    return Subscription(int(new_id), user, email, tuple(rules), tuple(functions), at)


def load_subscriptions(conn: Connection, user: str | None = None) -> list[Subscription]:
    """Every subscription, or those of `user`, oldest first."""
    s = t.alert_subscriptions
    query = select(s).order_by(s.c.id)
    if user is not None:
        query = query.where(s.c.user == user)
    return [_subscription(r) for r in conn.execute(query).mappings()]


def load_subscription(conn: Connection, subscription_id: int) -> Subscription:
    s = t.alert_subscriptions
    row = conn.execute(select(s).where(s.c.id == subscription_id)).mappings().one_or_none()
    if row is None:
        raise NotFound(
            f"unknown subscription {subscription_id}",
            field="subscription",
            fix="list the subscriptions to find its id",
        )
    return _subscription(row)


def delete_subscription(conn: Connection, subscription_id: int) -> None:
    s = t.alert_subscriptions
    conn.execute(s.delete().where(s.c.id == subscription_id))


def _webhook(r: Any) -> Webhook:
    return Webhook(r["id"], r["url"], r["active"], r["created_at"], r["created_by"])


def insert_webhook(conn: Connection, url: str, secret: str, at: datetime, by: str) -> Webhook:
    query = insert(t.alert_webhooks).values(
        url=url, secret=secret, active=True, created_at=at, created_by=by
    )
    new_id = conn.execute(query.returning(t.alert_webhooks.c.id)).scalar_one()
    return Webhook(int(new_id), url, True, at, by)


def load_webhooks(conn: Connection, *, active_only: bool = False) -> list[Webhook]:
    w = t.alert_webhooks
    query = select(w.c.id, w.c.url, w.c.active, w.c.created_at, w.c.created_by).order_by(w.c.id)
    if active_only:
        query = query.where(w.c.active)
    return [_webhook(r) for r in conn.execute(query).mappings()]


def load_webhook(conn: Connection, webhook_id: int) -> Webhook:
    found = [w for w in load_webhooks(conn) if w.id == webhook_id]
    if not found:
        raise NotFound(
            f"unknown webhook {webhook_id}", field="webhook", fix="list the webhooks to find its id"
        )
    return found[0]


def secret_of(conn: Connection, webhook_id: int) -> str:
    w = t.alert_webhooks
    return str(conn.execute(select(w.c.secret).where(w.c.id == webhook_id)).scalar_one())


def deactivate_webhook(conn: Connection, webhook_id: int) -> None:
    """Kept, not deleted: its id stays its own, with the deliveries made to it."""
    w = t.alert_webhooks
    conn.execute(update(w).where(w.c.id == webhook_id).values(active=False))


def delivered_keys(conn: Connection, channel: str, target: str) -> set[str]:
    """The keys of the alerts `target` has had on `channel`."""
    d = t.alert_deliveries
    query = select(d.c.alert_key).where(
        d.c.channel == channel, d.c.target == target, d.c.status == DELIVERED
    )
    return set(conn.execute(query).scalars())


def insert_deliveries(conn: Connection, deliveries: Iterable[Delivery]) -> None:
    values = [
        {"alert_key": d.alert_key, "channel": d.channel, "target": d.target, "status": d.status,
         "attempts": d.attempts, "error": d.error, "at": d.at}
        for d in deliveries
    ]  # fmt: skip
    if values:
        conn.execute(insert(t.alert_deliveries), values)


def load_deliveries(conn: Connection, channel: str | None = None) -> list[Delivery]:
    """Every delivery attempt recorded (of `channel`, if given), oldest first."""
    d = t.alert_deliveries
    query = select(d).order_by(d.c.id)
    if channel is not None:
        query = query.where(d.c.channel == channel)
    return [
        Delivery(r["alert_key"], r["channel"], r["target"], r["status"], r["attempts"],
                 r["error"], r["at"])
        for r in conn.execute(query).mappings()
    ]  # fmt: skip
