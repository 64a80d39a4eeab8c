"""`alerts send`: what reaches the webhook receiver and the SMTP server, signed, once each."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from synergies.delivery.webhooks import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookPoster,
    signature,
    verify,
)
from synergies.domain.alerts import Alert
from synergies.domain.errors import PermissionDenied
from synergies.services import alert_delivery as delivery
from synergies.services.context import Context
from synergies.storage import delivery_rows
from synergies.storage.store import Store
from tests.alert_delivery.conftest import (
    ALERTS,
    BEHIND,
    LEAKAGE,
    ODDS,
    OVERDUE,
    SENDER,
    SMTP_USER,
    USERS,
    Receiver,
    Sleeps,
    SmtpServer,
    as_user,
)

NOW = datetime(2016, 6, 1, 8, 0, tzinfo=UTC)


def _keys(received_json: dict[str, object]) -> list[str]:
    alerts = received_json["alerts"]
    assert isinstance(alerts, list)
    return sorted(a["key"] for a in alerts)


def _deliveries(ctx: Context, channel: str | None = None) -> list[delivery_rows.Delivery]:
    with ctx.reading() as conn:
        return delivery_rows.load_deliveries(conn, channel)


def test_a_webhook_gets_the_alerts_signed_and_none_confidential(
    admin: Context, receiver: Receiver, poster: WebhookPoster
) -> None:
    issued = delivery.add_webhook(admin, receiver.url)
    outcome = delivery.deliver(admin, ALERTS, mailer=None, poster=poster, now=NOW)

    [arrived] = receiver.received
    assert _keys(arrived.json()) == sorted(a.key for a in (BEHIND, ODDS, OVERDUE))
    assert arrived.headers["Content-Type"] == "application/json"
    stamp, signed = arrived.headers[TIMESTAMP_HEADER], arrived.headers[SIGNATURE_HEADER]
    assert signed == signature(issued.secret, stamp, arrived.body)
    assert verify(issued.secret, stamp, arrived.body, signed)
    assert not verify("whsec_another", stamp, arrived.body, signed)
    first = arrived.json()["alerts"][0]
    assert first["message"] and first["figure"] and first["threshold"] and first["rule"]
    [target] = outcome.targets
    assert (target.channel, target.delivered, target.withheld, target.attempts) == (
        "webhook", 3, 1, 1)  # fmt: skip


def test_the_signature_covers_the_timestamp_so_a_replay_is_refused() -> None:
    body = b'{"alerts": []}'
    signed = signature("whsec_k", "1464768000", body)
    assert verify("whsec_k", "1464768000", body, signed, now=1464768000 + 60)
    assert not verify("whsec_k", "1464768000", body, signed, now=1464768000 + 3600)
    assert not verify("whsec_k", "1464768999", body, signed, now=1464768999)  # other time
    assert not verify("whsec_k", "1464768000", body + b" ", signed, now=1464768000)


def test_a_500_is_tried_again_after_a_pause(
    admin: Context, receiver: Receiver, poster: WebhookPoster, sleeps: Sleeps
) -> None:
    issued = delivery.add_webhook(admin, receiver.url)
    receiver.answers = [500]
    outcome = delivery.deliver(admin, [BEHIND], mailer=None, poster=poster, now=NOW)

    assert len(receiver.received) == 2
    assert receiver.received[0].body == receiver.received[1].body
    for arrived in receiver.received:
        stamp = arrived.headers[TIMESTAMP_HEADER]
        assert arrived.headers[SIGNATURE_HEADER] == signature(issued.secret, stamp, arrived.body)
    assert sleeps.taken == [0.5]
    assert (outcome.delivered, outcome.failed, outcome.targets[0].attempts) == (1, 0, 2)
    [row] = _deliveries(admin)
    assert (row.status, row.attempts, row.alert_key) == ("delivered", 2, BEHIND.key)


def test_a_failure_is_recorded_and_delivered_at_the_next_send(
    admin: Context, receiver: Receiver, poster: WebhookPoster, sleeps: Sleeps
) -> None:
    delivery.add_webhook(admin, receiver.url)
    receiver.answers = [500, 503, 502]
    failed = delivery.deliver(admin, [BEHIND, ODDS], mailer=None, poster=poster, now=NOW)

    assert (failed.delivered, failed.failed) == (0, 2)
    assert failed.targets[0].error == "HTTP 502"
    assert sleeps.taken == [0.5, 1.0]  # doubled before each next try
    rows = _deliveries(admin)
    assert {(r.alert_key, r.status, r.attempts, r.error) for r in rows} == {
        (BEHIND.key, "failed", 3, "HTTP 502"), (ODDS.key, "failed", 3, "HTTP 502")}  # fmt: skip

    again = delivery.deliver(admin, [BEHIND, ODDS], mailer=None, poster=poster, now=NOW)
    assert (again.delivered, again.failed) == (2, 0)
    assert _keys(receiver.received[-1].json()) == sorted([BEHIND.key, ODDS.key])


def test_a_client_error_is_not_tried_again(
    admin: Context, receiver: Receiver, poster: WebhookPoster, sleeps: Sleeps
) -> None:
    delivery.add_webhook(admin, receiver.url)
    receiver.answers = [401]
    outcome = delivery.deliver(admin, [BEHIND], mailer=None, poster=poster, now=NOW)
    assert (len(receiver.received), sleeps.taken, outcome.failed) == (1, [], 1)


def test_an_unreachable_webhook_is_a_recorded_failure(admin: Context, sleeps: Sleeps) -> None:
    delivery.add_webhook(admin, "http://127.0.0.1:9/nobody-listens")
    poster = WebhookPoster(attempts=2, backoff=0.1, timeout=2, sleep=sleeps)
    outcome = delivery.deliver(admin, [BEHIND], mailer=None, poster=poster, now=NOW)
    assert outcome.failed == 1
    assert outcome.targets[0].error.startswith("ConnectError")
    [row] = _deliveries(admin)
    assert (row.status, row.attempts) == ("failed", 2)


def test_a_second_send_delivers_nothing_new(
    admin: Context, receiver: Receiver, poster: WebhookPoster, smtp: SmtpServer
) -> None:
    delivery.add_webhook(admin, receiver.url)
    delivery.subscribe(admin, "ada@alliance.example", user=USERS["admin"][0])
    first = delivery.deliver(admin, ALERTS, mailer=smtp.mailer(), poster=poster, now=NOW)
    assert first.delivered == 3 + 4
    second = delivery.deliver(admin, ALERTS, mailer=smtp.mailer(), poster=poster, now=NOW)

    assert (second.delivered, second.failed) == (0, 0)
    assert sorted(t.skipped for t in second.targets) == [3, 4]
    assert (len(receiver.received), len(smtp.mails)) == (1, 1)

    # A new alert later goes alone.
    third = delivery.deliver(admin, [*ALERTS, _later()], mailer=smtp.mailer(), poster=poster)
    assert third.delivered == 2
    assert _keys(receiver.received[-1].json()) == ["gate overdue:NAM-004"]
    assert "NAM-004" in smtp.mails[-1].text and "PUR-001" not in smtp.mails[-1].text


def _later() -> Alert:
    return replace(OVERDUE, key="gate overdue:NAM-004", subject="NAM-004",
                   message="NAM-004's L2 gate is 31 days late", initiative_id="NAM-004")  # fmt: skip


def test_the_digest_arrives_over_starttls_with_a_login(
    admin: Context, smtp: SmtpServer, poster: WebhookPoster
) -> None:
    delivery.subscribe(admin, "rene@renault.example", user=USERS["renault_controller"][0])
    outcome = delivery.deliver(admin, ALERTS, mailer=smtp.mailer(), poster=poster, now=NOW)

    [mail] = smtp.mails
    assert mail.tls and mail.login == SMTP_USER
    assert (mail.to, mail.sender) == (["rene@renault.example"], SENDER)
    assert mail.message["Subject"] == "synergies: 4 new alerts"
    for alert in ALERTS:
        assert alert.message in mail.text
    assert "found 34.2 %, threshold 20 %" in mail.text
    assert "[confidential to RENAULT]" in mail.text
    assert (outcome.delivered, outcome.targets[0].target) == (4, "rene@renault.example")


def test_confidential_alerts_reach_only_those_allowed_to_read_them(
    admin: Context, smtp: SmtpServer, poster: WebhookPoster
) -> None:
    allowed = {"renault_controller": True, "clean_team": True, "admin": True,
               "nissan_controller": False, "viewer": False}  # fmt: skip
    for role in allowed:
        delivery.subscribe(admin, f"{role}@alliance.example", user=USERS[role][0])
    outcome = delivery.deliver(admin, ALERTS, mailer=smtp.mailer(), poster=poster, now=NOW)

    for role, may in allowed.items():
        [mail] = smtp.to(f"{role}@alliance.example")
        assert (LEAKAGE.message in mail.text) is may, role
        assert BEHIND.message in mail.text
    withheld = {t.target: t.withheld for t in outcome.targets}
    assert withheld["viewer@alliance.example"] == 1
    assert withheld["renault_controller@alliance.example"] == 0
    # Not delivered to those who may not read it: a later change of role would send it then.
    keys = {(r.target, r.alert_key) for r in _deliveries(admin, "email")}
    assert ("viewer@alliance.example", LEAKAGE.key) not in keys


def test_a_subscription_filters_by_rule_and_function(
    admin: Context, smtp: SmtpServer, poster: WebhookPoster
) -> None:
    name = USERS["admin"][0]
    delivery.subscribe(admin, "ramp@a.example", rules=["behind ramp"], user=name)
    delivery.subscribe(admin, "eng@a.example", functions=["engineering"], user=name)
    delivery.subscribe(admin, "both@a.example", rules=["behind_ramp", "gate overdue"],
                       functions=["purchasing"], user=name)  # fmt: skip
    delivery.deliver(admin, ALERTS, mailer=smtp.mailer(), poster=poster, now=NOW)

    def got(address: str) -> set[str]:
        [mail] = smtp.to(address)
        return {a.key for a in ALERTS if a.message in mail.text}

    assert got("ramp@a.example") == {BEHIND.key}
    # The alliance's odds have no function: they pass a function filter.
    assert got("eng@a.example") == {OVERDUE.key, ODDS.key}
    assert got("both@a.example") == {BEHIND.key}


def test_a_server_without_starttls_gets_nothing_in_clear(
    admin: Context, plain_smtp: SmtpServer, poster: WebhookPoster
) -> None:
    delivery.subscribe(admin, "ada@alliance.example", user=USERS["admin"][0])
    outcome = delivery.deliver(admin, ALERTS, mailer=plain_smtp.mailer(), poster=poster)
    assert plain_smtp.mails == []
    assert outcome.failed == 4
    assert "STARTTLS" in outcome.targets[0].error
    assert {r.status for r in _deliveries(admin)} == {"failed"}


def test_without_a_mail_server_nothing_is_recorded_for_email(
    admin: Context, poster: WebhookPoster
) -> None:
    delivery.subscribe(admin, "ada@alliance.example", user=USERS["admin"][0])
    outcome = delivery.deliver(admin, ALERTS, mailer=None, poster=poster)
    assert "no mail server" in outcome.targets[0].error
    assert _deliveries(admin) == []


def test_a_dry_run_sends_and_records_nothing(
    admin: Context, receiver: Receiver, poster: WebhookPoster, smtp: SmtpServer
) -> None:
    delivery.add_webhook(admin, receiver.url)
    delivery.subscribe(admin, "ada@alliance.example", user=USERS["admin"][0])
    outcome = delivery.deliver(admin, ALERTS, mailer=smtp.mailer(), poster=poster, dry_run=True)
    assert (outcome.delivered, outcome.dry_run) == (7, True)
    assert (receiver.received, smtp.mails, _deliveries(admin)) == ([], [], [])


def test_a_removed_webhook_and_a_deactivated_user_get_nothing(
    admin: Context, receiver: Receiver, poster: WebhookPoster, smtp: SmtpServer
) -> None:
    from synergies.services import accounts

    hook = delivery.add_webhook(admin, receiver.url).webhook
    delivery.remove_webhook(admin, hook.id)
    delivery.subscribe(admin, "nobu@nissan.example", user=USERS["viewer"][0])
    accounts.deactivate(admin, USERS["viewer"][0])
    outcome = delivery.deliver(admin, ALERTS, mailer=smtp.mailer(), poster=poster)
    assert (outcome.targets, receiver.received, smtp.mails) == ((), [], [])


def test_only_an_alliance_admin_sends(store: Store, poster: WebhookPoster) -> None:
    with pytest.raises(PermissionDenied):
        delivery.deliver(as_user(store, "clean_team"), ALERTS, mailer=None, poster=poster)


def test_the_webhook_body_is_the_alerts_fields() -> None:
    body = json.loads(delivery.payload([LEAKAGE], NOW))
    assert body["event"] == "alerts" and body["sent_at"] == "2016-06-01T08:00:00+00:00"
    assert body["alerts"] == [{
        "rule": "leakage", "key": LEAKAGE.key, "subject": "RENAULT", "message": LEAKAGE.message,
        "figure": "1,250,000.00 EUR", "threshold": "100,000.00 EUR", "initiative_id": None,
        "partner": "RENAULT", "function": "purchasing", "confidential_to": "RENAULT",
    }]  # fmt: skip


def test_starttls_turned_off_sends_in_clear_to_a_local_relay(
    admin: Context, plain_smtp: SmtpServer, poster: WebhookPoster
) -> None:
    delivery.subscribe(admin, "ada@alliance.example", user=USERS["admin"][0])
    mailer = plain_smtp.mailer(starttls=False)
    outcome = delivery.deliver(admin, [BEHIND], mailer=mailer, poster=poster)
    [mail] = plain_smtp.mails
    assert (mail.tls, outcome.delivered) == (False, 1)
