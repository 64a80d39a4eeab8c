"""The savings ledger: list, add, reverse. Entries are never edited or deleted."""

from __future__ import annotations

from typing import Annotated

import typer

from synergies.cli.options import DbOption, FormatOption, open_context
from synergies.cli.output import Format, console, emit
from synergies.domain.initiatives import Category
from synergies.domain.ledger import EntrySource, LedgerEntry
from synergies.domain.partners import ALLIANCE
from synergies.schemas.common import parsed
from synergies.schemas.ledger import EntryIn, EntryOut, LedgerFilter
from synergies.services import ledger as service

ledger_app = typer.Typer(help="The savings ledger (append-only).")


@ledger_app.callback(invoke_without_command=True)
def ledger(
    ctx: typer.Context,
    initiative: Annotated[str | None, typer.Option(help="Only this initiative.")] = None,
    partner: Annotated[str | None, typer.Option(help="Only this partner.")] = None,
    function: Annotated[str | None, typer.Option(help="Only this function.")] = None,
    source: Annotated[EntrySource | None, typer.Option(help="Only this source.")] = None,
    year: Annotated[int | None, typer.Option(help="Only this calendar year.")] = None,
    category: Annotated[Category | None, typer.Option(help="Only this value category.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many (newest); 0: all.")] = 50,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List ledger entries (newest last)."""
    if ctx.invoked_subcommand:
        return
    where = parsed(
        LedgerFilter,
        {"initiative": initiative, "partner": partner, "function": function, "source": source,
         "year": year, "category": category},
    )  # fmt: skip
    found = service.entries(open_context(db), where.to_domain())
    shown = [EntryOut.of(e) for e in (found[-limit:] if limit else found)]
    caption = f"{len(shown)} of {len(found)} entries" + (
        "; use --limit 0 for all" if len(shown) < len(found) else ""
    )
    document = [e.model_dump(mode="json") for e in shown]
    emit([e.row() for e in shown], fmt, title="Ledger", caption=caption, document=document)


@ledger_app.command("add")
def add(
    partner: Annotated[
        str,
        typer.Option(
            help="Partner the amount belongs to; ALLIANCE: an amount for the whole alliance, "
            "split by the --initiative's allocation rule into one entry per partner (to the "
            "cent, or the yen; the odd units to the largest remainders, ties in the rule's "
            "order)."
        ),
    ],
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
    body = parsed(EntryIn, {
        "partner": partner, "period": period, "amount": {"amount": amount, "currency": currency},
        "category": category, "initiative_id": initiative, "function": function, "reason": reason,
    })  # fmt: skip
    ctx = open_context(db)
    entry = body.to_domain(author=ctx.actor.name, at=ctx.clock())
    if entry.partner != ALLIANCE:
        _print_recorded(service.add(ctx, entry))
        return
    split = service.add_split(ctx, entry)
    console().print(f"split {split.amount} for the alliance by {split.rule}:")
    for part in split.entries:
        _print_recorded(part)


def _print_recorded(stored: LedgerEntry) -> None:
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
