"""alliance founded: the date the alliance began, the earliest month a ledger entry may have

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: a store made before knows no date; until one is set, no lower bound applies.
    with op.batch_alter_table("alliance") as batch:
        batch.add_column(sa.Column("founded", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alliance") as batch:
        batch.drop_column("founded")
