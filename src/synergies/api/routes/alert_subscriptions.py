"""The signed-in user's subscriptions to the e-mail digest of alerts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from synergies.api.deps import ContextDep
from synergies.api.problems import WRITE_ERRORS
from synergies.schemas.alert_delivery import SubscriptionIn, SubscriptionOut
from synergies.services import alert_delivery

router = APIRouter(prefix="/alerts/subscriptions", tags=["alerts"], responses=WRITE_ERRORS)
SubscriptionPath = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("")
def list_subscriptions(ctx: ContextDep) -> list[SubscriptionOut]:
    """Your subscriptions: which alerts reach which of your addresses."""
    return [SubscriptionOut.of(s) for s in alert_delivery.subscriptions(ctx, ctx.actor.name)]


@router.post("", status_code=201)
def subscribe(ctx: ContextDep, body: SubscriptionIn) -> SubscriptionOut:
    """Receive the digest of these rules' and functions' alerts at an address (one
    subscription per address). Alerts revealing a partner's confidential data come only if
    you may read that partner's confidential data."""
    made = alert_delivery.subscribe(
        ctx, body.email, rules=[r.value for r in body.rules], functions=body.functions
    )
    return SubscriptionOut.of(made)


@router.delete("/{subscription_id}", status_code=204)
def unsubscribe(ctx: ContextDep, subscription_id: SubscriptionPath) -> None:
    """End one of your subscriptions (an alliance admin may end anyone's)."""
    alert_delivery.unsubscribe(ctx, subscription_id)
