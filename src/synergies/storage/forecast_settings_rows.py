"""Rows <-> recorded versions of the forecast's uncertainty settings (inserted, never updated)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select

from synergies.forecasting.backtest import Uncertainty
from synergies.forecasting.versions import SettingsVersion
from synergies.storage import tables as t

S = t.forecast_settings


def insert_version(conn: Connection, v: SettingsVersion) -> SettingsVersion:
    """Record `v` (its version number is ignored) and return it numbered as stored."""
    values: dict[str, Any] = {
        "spread": _text(v.uncertainty.spread), "slippage": _text(v.uncertainty.slippage),
        "fitted_from": v.fitted_from, "fitted_to": v.fitted_to, "horizons": v.horizons,
        "trials": v.trials, "seed": v.seed, "held_out_default": _text(v.held_out_default),
        "held_out_fitted": _text(v.held_out_fitted), "note": v.note,
        "recorded_at": v.recorded_at, "recorded_by": v.recorded_by,
    }  # fmt: skip
    done = conn.execute(insert(S).values(**values).returning(S.c.version))
    number = int(done.scalar_one())
    return _version(conn.execute(select(S).where(S.c.version == number)).mappings().one())


def latest(conn: Connection) -> SettingsVersion | None:
    row = conn.execute(select(S).order_by(S.c.version.desc()).limit(1)).mappings().first()
    return _version(row) if row is not None else None


def load_versions(conn: Connection) -> list[SettingsVersion]:
    return [_version(r) for r in conn.execute(select(S).order_by(S.c.version)).mappings()]


def _text(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(float(value)))


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _version(row: Any) -> SettingsVersion:
    return SettingsVersion(
        version=row["version"],
        uncertainty=Uncertainty(float(row["spread"]), float(row["slippage"])),
        recorded_at=row["recorded_at"], recorded_by=row["recorded_by"], note=row["note"],
        fitted_from=row["fitted_from"], fitted_to=row["fitted_to"], horizons=row["horizons"],
        trials=row["trials"], seed=row["seed"],
        held_out_default=_float(row["held_out_default"]),
        held_out_fitted=_float(row["held_out_fitted"]),
    )  # fmt: skip
