"""The savings ledger: list, add, reverse. Entries are never edited or deleted."""

from __future__ import annotations

from typing import Annotated

import typer

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit
from synergies.domain.calendar import Month
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.money import Money
from synergies.services import ledger as service
from synergies.services.ledger import EntryFilter

ledger_app = typer.Typer(help="The savings ledger (append-only).")


def row(e: LedgerEntry) -> dict[str, object]:
    return {
        "id": e.id, "period": str(e.period), "partner": e.partner, "amount": e.amount.amount,
        "currency": e.amount.currency, "category": e.category.value,
        "initiative": e.initiative_id or "", "function": e.function or "",
        "source": e.source.value, "author": e.author,
        "reverses": e.reverses, "reason": e.reason, "illustrative": e.illustrative,
    }  # fmt: skip


@ledger_app.callback(invoke_without_command=True)
def ledger(
    ctx: typer.Context,
    initiative: Annotated[str | None, typer.Option(help="Only this initiative.")] = None,
    partner: Annotated[str | None, typer.Option(help="Only this partner.")] = None,
    function: Annotated[str | None, typer.Option(help="Only this function.")] = None,
    source: Annotated[EntrySource | None, typer.Option(help="Only this source.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many (newest); 0: all.")] = 50,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List ledger entries (newest last)."""
    if ctx.invoked_subcommand:
        return
    where = EntryFilter(
        initiative.upper() if initiative else None, partner.upper() if partner else None,
        function, source.value if source else None,
    )  # fmt: skip
    found = service.entries(open_context(db), where)
    shown = found[-limit:] if limit else found
    caption = f"{len(shown)} of {len(found)} entries" + (
        "; use --limit 0 for all" if len(shown) < len(found) else ""
    )
    emit([row(e) for e in shown], fmt, title="Ledger", caption=caption)


@ledger_app.command("add")
def add(
    partner: Annotated[str, typer.Option(help="Partner the amount belongs to.")],
    period: Annotated[str, typer.Option(help="Month, YYYY-MM.")],
    amount: Annotated[str, typer.Option(help="Amount, e.g. 1250000.00.")],
    currency: Annotated[str, typer.Option(help="ISO 4217 currency of the amount.")] = "EUR",
    category: Annotated[Category, typer.Option(help="Value category.")] = Category.cost_reduction,
    initiative: Annotated[str | None, typer.Option(help="Initiative it comes from.")] = None,
    function: Annotated[str | None, typer.Option(help="Function, if no initiative.")] = None,
    reason: Annotated[str, typer.Option(help="Note on where the figure comes from.")] = "",
    db: DbOption = None,
) -> None:
    """Record a realized saving (or, with --category 'one-off cost', a cost to achieve)."""
    ctx = open_context(db)
    entry = LedgerEntry(
        partner=partner.upper(), period=Month.parse(period, field="--period"),
        amount=Money.of(amount, currency), category=category, source=EntrySource.entered,
        author=ctx.actor.name, recorded_at=ctx.clock(),
        initiative_id=initiative.upper() if initiative else None, function=function,
        reason=reason,
    )  # fmt: skip
    stored = service.add(ctx, entry)
    console().print(
        f"recorded entry {stored.id}: {stored.amount} for {stored.partner} in {stored.period}"
    )


@ledger_app.command("reverse")
def reverse(
    entry_id: Annotated[int, typer.Argument(metavar="ENTRY", help="Id of the entry to reverse.")],
    reason: Annotated[str, typer.Option(help="Why it is corrected.")],
    db: DbOption = None,
) -> None:
    """Correct an entry by recording its exact opposite (the original stays)."""
    stored = service.reverse(open_context(db), entry_id, reason)
    console().print(f"recorded entry {stored.id}, reversing entry {entry_id}: {stored.amount}")


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
