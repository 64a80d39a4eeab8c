"""The forecast's uncertainty settings in force: read by every forecast, recorded as versions.

Versions are only ever added (a fit that beat the defaults out of sample, or a return to the
defaults), each an audited change of an alliance admin; the latest is in force and every
forecast names it. Version 0 is the documented defaults, in force while nothing is recorded.
"""

from __future__ import annotations

from dataclasses import replace

from synergies.domain.errors import Conflict
from synergies.forecasting.backtest import Uncertainty
from synergies.forecasting.versions import DEFAULTS, SettingsVersion
from synergies.services.context import Context
from synergies.services.security import Action
from synergies.storage import forecast_settings_rows as rows

AUDIT_ACTION = "forecast.settings"
SUBJECT = "forecast settings/uncertainty"


def current(ctx: Context) -> SettingsVersion:
    """The settings forecasts run on now: the latest recorded version, else the defaults."""
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        found = rows.latest(conn)
    return found or DEFAULTS


def versions(ctx: Context) -> list[SettingsVersion]:
    """Every recorded version, oldest first (the defaults, version 0, are not recorded)."""
    ctx.allow(Action.read)
    with ctx.reading() as conn:
        return rows.load_versions(conn)


def record(ctx: Context, proposed: SettingsVersion) -> SettingsVersion:
    """Record `proposed` as the next version (an alliance admin's act, audited). Settings
    equal to those in force are refused: a version that changes nothing would only muddle
    which forecasts ran on what."""
    ctx.allow(Action.manage_structure)
    with ctx.transaction() as conn:
        before = rows.latest(conn) or DEFAULTS
        if before.uncertainty == proposed.uncertainty:
            raise Conflict(
                f"these settings are already in force as {before.describe()}",
                field="settings", fix="nothing to record; forecasts already run on them",
            )  # fmt: skip
        stamped = replace(proposed, recorded_at=ctx.clock(), recorded_by=ctx.actor.name)
        after = rows.insert_version(conn, stamped)
        ctx.audit(conn, AUDIT_ACTION, SUBJECT, before, after)
    return after


def reset(ctx: Context, note: str = "") -> SettingsVersion:
    """Put the documented defaults back in force, as a new version."""
    return record(ctx, SettingsVersion(0, Uncertainty(), note=note))
