"""Accounts and API tokens of the people who use the REST API."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit
from synergies.domain.accounts import ApiToken, Role, User, parse_duration
from synergies.services import accounts

user_app = typer.Typer(
    help="User accounts: who may sign in, with which role.", no_args_is_help=True
)
token_app = typer.Typer(help="Bearer API tokens for scripts.", no_args_is_help=True)


def _user_row(u: User) -> dict[str, object]:
    return {"name": u.name, "role": u.role, "partner": u.partner or "",
            "functions": ", ".join(u.functions), "active": u.active,
            "created_at": u.created_at.isoformat(timespec="seconds")}  # fmt: skip


def _token_row(t: ApiToken) -> dict[str, object]:
    return {"id": t.id, "user": t.user, "kind": t.kind, "label": t.label,
            "created_at": t.created_at.isoformat(timespec="seconds"),
            "expires_at": t.expires_at.isoformat(timespec="seconds"),
            "revoked_at": t.revoked_at.isoformat(timespec="seconds") if t.revoked_at else ""}  # fmt: skip


def _password(from_stdin: bool, prompt: str = "Password", *, confirm: bool = True) -> str:
    """From standard input (one line each) or a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm))


PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password(s) from standard input, a line each."),
]
NameArg = Annotated[str, typer.Argument(help="User name (case does not matter).")]
# The roles' own names, so the help cannot drift from the roles there are.
RoleOption = Annotated[str, typer.Option(help=", ".join(r.value for r in Role) + ".")]
PartnerOption = Annotated[str | None, typer.Option(help="The partner the user works for.")]
FunctionsOption = Annotated[
    list[str] | None, typer.Option(help="A function the user leads (repeat for more).")
]


@user_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="User name, e.g. rene.controller.")],
    role: RoleOption,
    partner: PartnerOption = None,
    function: FunctionsOption = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create an account; the password is prompted for and stored as an argon2 hash."""
    ctx = open_context(db)
    found = accounts.role_named(role)
    created = accounts.add_user(
        ctx, name, found, _password(password_stdin), partner=partner, functions=function or ()
    )
    console().print(f"added {created.name} ({created.role})")


@user_app.command("list")
def list_users(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Every account."""
    emit([_user_row(u) for u in accounts.users(open_context(db))], fmt, title="Users")


@user_app.command("passwd")
def passwd(name: NameArg, password_stdin: PasswordStdin = False, db: DbOption = None) -> None:
    """Change a password, giving the current one first; the user's web sessions end."""
    current = _password(password_stdin, "Current password", confirm=False)
    new = _password(password_stdin, "New password")
    done = accounts.change_password(open_context(db), name, current, new)
    console().print(f"changed the password of {done.name}")


@user_app.command("reset-password")
def reset_password(
    name: NameArg, password_stdin: PasswordStdin = False, db: DbOption = None
) -> None:
    """Set a new password for a user who lost theirs; their web sessions end."""
    done = accounts.reset_password(
        open_context(db), name, _password(password_stdin, "New password")
    )
    console().print(f"reset the password of {done.name}; their sessions are closed")


@user_app.command("deactivate")
def deactivate(name: NameArg, db: DbOption = None) -> None:
    """Stop a user signing in and revoke all their tokens and sessions."""
    done = accounts.deactivate(open_context(db), name)
    console().print(f"deactivated {done.name}; their tokens and sessions are revoked")


@user_app.command("activate")
def activate(name: NameArg, db: DbOption = None) -> None:
    """Let a deactivated user sign in again (their old tokens stay revoked)."""
    done = accounts.activate(open_context(db), name)
    console().print(f"activated {done.name}")


@user_app.command("set-role")
def set_role(
    name: NameArg,
    role: RoleOption,
    partner: PartnerOption = None,
    function: FunctionsOption = None,
    db: DbOption = None,
) -> None:
    """Change a user's role, partner and functions (the last admin stays an admin)."""
    ctx = open_context(db)
    done = accounts.set_role(
        ctx, name, accounts.role_named(role), partner=partner, functions=function or ()
    )
    console().print(f"{done.name} is now {done.role}")


@token_app.command("create")
def create(
    user: Annotated[str, typer.Argument(help="Whose token.")],
    expires_in: Annotated[
        str, typer.Option(help="Lifetime: 90m, 12h, 30d, 8w; at most 90 days.")
    ] = "30d",
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
    db: DbOption = None,
) -> None:
    """Create a token and print its secret once; only its hash is stored."""
    issued = accounts.create_token(open_context(db), user, parse_duration(expires_in), label)
    console().print(
        f"token {issued.token.id} for {user}, expires {issued.token.expires_at:%Y-%m-%d %H:%M} "
        "UTC. The secret is shown only now:",
        highlight=False,
    )
    print(issued.secret)  # noqa: T201 - plain, so that scripts can capture it


@token_app.command("list")
def list_tokens(
    user: Annotated[str | None, typer.Option(help="Only this user's tokens.")] = None,
    all_users: Annotated[
        bool, typer.Option("--all", help="Every user's tokens (the default without --user).")
    ] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Tokens and web sessions (never their secrets)."""
    found = accounts.tokens(open_context(db), None if all_users else user)
    emit([_token_row(t) for t in found], fmt, title="Tokens")


@token_app.command("revoke")
def revoke(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="Token id from 'token list'.")],
    db: DbOption = None,
) -> None:
    """Revoke a token or session at once."""
    done = accounts.revoke_token(open_context(db), token_id)
    console().print(f"revoked token {done.id} of {done.user}")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
