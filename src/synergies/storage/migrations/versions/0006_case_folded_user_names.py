"""case-folded unique user names, and when a password was set

Every user gets `name_key` = casefold(NFC(name)) under a unique index, so that 'ADMIN1' cannot
sit beside 'admin1', and `password_set_at`, after which earlier failed logins stop counting. A store that already holds two such names cannot take the index: the
upgrade stops before changing anything and names the accounts to merge.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:30:00
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from synergies.domain.errors import Conflict

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_users = sa.table("users", sa.column("name", sa.String), sa.column("name_key", sa.String))
_attempts = sa.table("login_attempts", sa.column("user", sa.String))


def _key(name: str) -> str:
    # Frozen copy of domain.accounts.name_key as it was at this revision.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name.strip()).casefold())


def _keys_or_refuse(names: Sequence[str]) -> dict[str, str]:
    """Each name's key; two names with one key stop the upgrade with what to do."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(_key(name), []).append(name)
    clashes = [sorted(g) for g in groups.values() if len(g) > 1]
    if clashes:
        listed = "; ".join(" = ".join(repr(n) for n in g) for g in clashes)
        first = clashes[0][1]
        raise Conflict(
            f"user names now ignore case and Unicode form, and these accounts would be one: "
            f"{listed}. Nothing was changed",
            field="db",
            fix="keep one account of each group and rename or delete the others in the store "
            f"(e.g. DELETE FROM api_tokens WHERE \"user\" = '{first}'; "
            f"DELETE FROM users WHERE name = '{first}'; the audit trail keeps their history), "
            "then run: synergies db upgrade",
        )
    return {name: _key(name) for name in names}


def upgrade() -> None:
    conn = op.get_bind()
    # Check first, before any DDL (SQLite may commit an ALTER TABLE at once).
    keys = _keys_or_refuse(conn.execute(sa.select(_users.c.name)).scalars().all())
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("password_set_at", sa.DateTime(timezone=True)))
    for name, key in keys.items():
        conn.execute(_users.update().where(_users.c.name == name).values(name_key=key))
    # Failed logins are now counted by key, so that 'ADMIN1' shares the lock of 'admin1'.
    tried = conn.execute(sa.select(_attempts.c.user).distinct()).scalars().all()
    for name in tried:
        if _key(name) != name:
            conn.execute(_attempts.update().where(_attempts.c.user == name).values(user=_key(name)))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=200), nullable=False)
        batch_op.create_index(batch_op.f("ix_users_name_key"), ["name_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_name_key"))
        batch_op.drop_column("password_set_at")
        batch_op.drop_column("name_key")
