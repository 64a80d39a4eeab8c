"""forecast settings: the versioned uncertainty settings calibration records

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forecast_settings",
        sa.Column("version", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("spread", sa.String(length=50), nullable=False),
        sa.Column("slippage", sa.String(length=50), nullable=False),
        sa.Column("fitted_from", sa.Integer(), nullable=True),
        sa.Column("fitted_to", sa.Integer(), nullable=True),
        sa.Column("horizons", sa.Integer(), nullable=True),
        sa.Column("trials", sa.Integer(), nullable=True),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("held_out_default", sa.String(length=50), nullable=True),
        sa.Column("held_out_fitted", sa.String(length=50), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_forecast_settings")),
    )


def downgrade() -> None:
    op.drop_table("forecast_settings")
