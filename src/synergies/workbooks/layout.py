"""The tracker workbook's layout: one sheet per kind of record, one header row, one column
per field. The template, the export and the import all read this one table, so a workbook
written by `synergies export` is one that `synergies import` reads back.

Pure: no spreadsheet library here. `Kind` says how a cell is read and written; `Choices`
names the list a cell must come from (the template's data validation lists, the import's
check), filled from the store or the workbook's own sheets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from synergies.domain.allocation import AllocationMethod
from synergies.domain.functions import ConvergenceStage
from synergies.domain.initiatives import Category, SideStatus, Stage
from synergies.domain.ledger import EntrySource
from synergies.domain.money import MINOR_UNITS
from synergies.domain.org import LineKind


class Kind(StrEnum):
    text = "text"
    code = "code"  # a partner or initiative id: letters, digits, '-', '_'; upper-cased
    key = "key"  # a function or person id: as written (lower case by custom)
    date = "date"  # an Excel date cell, or ISO text YYYY-MM-DD
    month = "month"  # an Excel date cell (its month), or text YYYY-MM
    amount = "amount"  # a number cell; text only as plain ASCII decimals
    integer = "integer"
    fraction = "fraction"  # 0 to 1
    weights = "weights"  # "RENAULT=60, NISSAN=40"
    choice = "choice"  # one of `Column.choices`


class Choices(StrEnum):
    """Where a choice column's allowed values come from."""

    partners = "partners"  # the store's partners and the workbook's Partners sheet
    functions = "functions"
    currencies = "currencies"
    stages = "stages"
    statuses = "statuses"
    categories = "categories"
    methods = "methods"
    convergence = "convergence"
    line_kinds = "line kinds"
    yes_no = "yes/no"
    sources = "sources"


FIXED_CHOICES: dict[Choices, tuple[str, ...]] = {
    Choices.currencies: tuple(sorted(MINOR_UNITS)),
    Choices.stages: tuple(s.value for s in Stage),
    Choices.statuses: tuple(s.value for s in SideStatus),
    Choices.categories: tuple(c.value for c in Category),
    Choices.methods: tuple(m.value for m in AllocationMethod),
    Choices.convergence: tuple(s.value for s in ConvergenceStage),
    Choices.line_kinds: tuple(k.value for k in LineKind),
    Choices.yes_no: ("yes", "no"),
    Choices.sources: tuple(s.value for s in EntrySource),
}


@dataclass(frozen=True, slots=True)
class Column:
    header: str  # as written in the header row
    field: str  # the record's field it fills
    kind: Kind
    help: str
    required: bool = False
    choices: Choices | None = None
    width: int = 14  # characters, for the written workbook


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    help: str
    columns: tuple[Column, ...]
    identity: tuple[str, ...]  # the fields that name a row: unique within the sheet
    imported: bool = True  # False: written by the export for reading only

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


def _c(header: str, field: str, kind: Kind, help: str, **more: object) -> Column:
    return Column(header, field, kind, help, **more)  # type: ignore[arg-type]


# Provenance: kept by an export and an import, read when a row's record is first stored (a
# row whose data is unchanged keeps the stored record's provenance: nothing is re-marked).
ILLUSTRATIVE = Column(
    "Illustrative",
    "illustrative",
    Kind.choice,
    "yes: an invented figure (the example alliance's), never a real one.",
    choices=Choices.yes_no,
    width=11,
)


PARTNERS = Sheet(
    "Partners", "The companies of the alliance and the outside parties to its agreements.",
    (
        _c("Code", "code", Kind.code, "Short code, e.g. RENAULT.", required=True, width=14),
        _c("Name", "name", Kind.text, "Legal or usual name.", required=True, width=32),
        _c("Currency", "currency", Kind.choice, "Home currency (ISO 4217).", required=True,
           choices=Choices.currencies, width=10),
        _c("Fiscal year starts", "fiscal_start", Kind.integer,
           "Month the partner's fiscal year starts, 1-12 (4: April, as Nissan).", width=12),
        _c("Member", "member", Kind.choice, "yes: an alliance partner; no: an outside party.",
           choices=Choices.yes_no, width=9),
    ),
    identity=("code",),
)  # fmt: skip

FUNCTIONS = Sheet(
    "Functions", "The business functions the alliance converges, each with its executive.",
    (
        _c("Code", "code", Kind.key, "Short key, e.g. purchasing.", required=True, width=20),
        _c("Name", "name", Kind.text, "Name shown in reports.", required=True, width=30),
        _c("Executive", "executive", Kind.key, "Id of the alliance executive (People sheet).",
           width=18),
    ),
    identity=("code",),
)  # fmt: skip

CONVERGENCE = Sheet(
    "Convergence", "Each function's convergence stages, one row per stage, oldest first.",
    (
        _c("Function", "function", Kind.key, "Function code.", required=True,
           choices=Choices.functions, width=20),
        _c("Stage", "stage", Kind.choice, "independent, under study, converging, converged.",
           required=True, choices=Choices.convergence, width=14),
        _c("Since", "since", Kind.date, "First day of the stage.", required=True, width=12),
        _c("Note", "note", Kind.text, "Where the date comes from.", width=40),
    ),
    identity=("function", "since"),
)  # fmt: skip

PEOPLE = Sheet(
    "People", "The people of the org chart.",
    (
        _c("Id", "id", Kind.key, "Short id, e.g. carlos-ghosn.", required=True, width=18),
        _c("Name", "name", Kind.text, "Name as shown.", required=True, width=24),
        _c("Title", "title", Kind.text, "Title.", required=True, width=36),
        _c("Company", "company", Kind.code, "Partner code, or ALLIANCE for an alliance role.",
           required=True, width=12),
        _c("Function", "function", Kind.key, "The function they run, if any.",
           choices=Choices.functions, width=18),
        ILLUSTRATIVE,
    ),
    identity=("id",),
)  # fmt: skip

LINES = Sheet(
    "Reporting lines", "Who reports to whom; joint: one of two equal lines into each company.",
    (
        _c("Person", "person", Kind.key, "Id of the person reporting.", required=True, width=18),
        _c("Manager", "manager", Kind.key, "Id of the person reported to.", required=True,
           width=18),
        _c("Kind", "kind", Kind.choice, "solid, joint or dotted.", choices=Choices.line_kinds,
           width=9),
    ),
    identity=("person", "manager"),
)  # fmt: skip

INITIATIVES = Sheet(
    "Initiatives",
    "One row per synergy initiative. Stages move only through the gates: a row asking for a "
    "later stage than the gates allow is imported as far as they allow and said so.",
    (
        _c("Id", "id", Kind.code, "Initiative id, e.g. PUR-001.", required=True, width=11),
        _c("Name", "name", Kind.text, "What it does.", required=True, width=36),
        _c("Function", "function", Kind.key, "Function code.", required=True,
           choices=Choices.functions, width=18),
        _c("Owner", "owner", Kind.text, "Who answers for it.", required=True, width=18),
        _c("Category", "category", Kind.choice, "Value category.", required=True,
           choices=Choices.categories, width=16),
        _c("Allocation", "method", Kind.choice, "How its saving splits: fixed, volume, cost base.",
           required=True, choices=Choices.methods, width=11),
        _c("Partners", "partners", Kind.weights,
           "Partners and weights, e.g. RENAULT=60, NISSAN=40 (fixed: percentages).",
           required=True, width=26),
        _c("Stage", "stage", Kind.choice, "L0 idea ... L5 realized.", required=True,
           choices=Choices.stages, width=7),
        _c("Status", "status", Kind.choice, "at risk, on hold, cancelled; empty: on track.",
           choices=Choices.statuses, width=10),
        _c("Currency", "currency", Kind.choice, "Currency of the figures.",
           choices=Choices.currencies, width=9),
        _c("Run-rate", "run_rate", Kind.amount, "Saving a year at full ramp.", width=16),
        _c("One-off costs", "one_off_costs", Kind.amount, "Cost to achieve, in all.", width=16),
        _c("Start", "start", Kind.month, "First month of savings.", width=9),
        _c("Ramp months", "ramp_months", Kind.integer, "Months to full run-rate.", width=8),
        _c("Probability", "probability", Kind.fraction, "The owner's odds of delivery, 0-1.",
           width=10),
        _c("Agreement", "agreement", Kind.code, "Agreement code, if under an outside party's.",
           width=11),
        ILLUSTRATIVE,
    ),
    identity=("id",),
)  # fmt: skip

LEDGER = Sheet(
    "Ledger",
    "Realized savings and one-off costs, one row per partner and month: the live entries (an "
    "entry reversed and its reversal are left out). A row is never edited in the store: a "
    "changed row reverses the entry it names and is recorded anew.",
    (
        _c("Ref", "ref", Kind.text, "The row's own reference; unique, kept from import to import.",
           required=True, width=12),
        _c("Partner", "partner", Kind.code,
           "Partner the amount belongs to; ALLIANCE: an amount for the whole alliance, which "
           "the import splits by the initiative's allocation rule into one entry per partner "
           "(ref REF/PARTNER each; the odd cents to the largest remainders).", required=True,
           choices=Choices.partners, width=12),
        _c("Month", "period", Kind.month, "Month realized (YYYY-MM).", required=True, width=9),
        _c("Amount", "amount", Kind.amount,
           "Signed as it affects synergies (a dis-synergy negative; a one-off cost positive).",
           required=True, width=18),
        _c("Currency", "currency", Kind.choice, "Currency of the amount.", required=True,
           choices=Choices.currencies, width=9),
        _c("Category", "category", Kind.choice, "Value category.", required=True,
           choices=Choices.categories, width=16),
        _c("Initiative", "initiative", Kind.code, "Initiative id, if any.", width=11),
        _c("Function", "function", Kind.key, "Function, if no initiative.",
           choices=Choices.functions, width=18),
        _c("Reason", "reason", Kind.text, "Where the figure comes from.", width=40),
        ILLUSTRATIVE,
        _c("Source", "source", Kind.choice,
           "Where the entry was first recorded from: published, measured, imported, entered; "
           "empty: this import. A measured entry is imported as imported: its measurement run "
           "is not in a workbook.", choices=Choices.sources, width=10),
        _c("Lineage", "lineage", Kind.text,
           "What the entry was recorded from (e.g. measurement run 3, a workbook and its "
           "SHA-256), kept with Source; empty with no Source: this import.", width=40),
    ),
    identity=("ref",),
)  # fmt: skip

TARGETS = Sheet(
    "Targets", "The alliance's (or a function's) synergy targets, per calendar year.",
    (
        _c("Year", "year", Kind.integer, "Calendar year.", required=True, width=7),
        _c("Amount", "amount", Kind.amount, "Annual synergies targeted.", required=True,
           width=18),
        _c("Currency", "currency", Kind.choice, "Currency of the target.", required=True,
           choices=Choices.currencies, width=9),
        _c("Function", "function", Kind.key, "Function; empty: alliance-wide.",
           choices=Choices.functions, width=18),
        _c("Note", "note", Kind.text, "Where the target was announced.", width=40),
        ILLUSTRATIVE,
    ),
    identity=("year", "function"),
)  # fmt: skip

FX_RATES = Sheet(
    "FX rates", "Monthly exchange rates: units of the currency for one euro.",
    (
        _c("Month", "month", Kind.month, "Month (YYYY-MM).", required=True, width=9),
        _c("Currency", "currency", Kind.choice, "Currency.", required=True,
           choices=Choices.currencies, width=9),
        _c("Per EUR", "per_eur", Kind.amount, "Units for one euro.", required=True, width=12),
    ),
    identity=("month", "currency"),
)  # fmt: skip

# In the order a workbook holds them and an import applies them (what a row refers to first).
SHEETS: tuple[Sheet, ...] = (
    PARTNERS, FX_RATES, FUNCTIONS, CONVERGENCE, PEOPLE, LINES, TARGETS, INITIATIVES, LEDGER,
)  # fmt: skip
INSTRUCTIONS = "Instructions"
SUMMARY = "Summary"  # written by the export, never read
LISTS = "Lists"  # the data validation lists, a hidden sheet
# What a store holds that a workbook does not carry: said on the Instructions sheet and by
# every export, so that nobody takes a workbook for a backup.
NOT_CARRIED = (
    "the audit trail (who changed what, when) and its key",
    "accounts, roles and API tokens",
    "measurement runs: their files, hashes, queries and line-level detail (a measured entry "
    "comes back as imported, its lineage naming the run)",
    "who recorded each entry and when (an import records the importer and the import's "
    "time; the audit trail names the workbook and its SHA-256)",
    "reversed entries and their reversals (an export holds live entries)",
    "locked plans and their history, approvals, sign-offs and stage history (an import moves "
    "initiatives through the gates again)",
    "the alliance's name, shareholdings, agreements and their clauses",
    "forecast settings, alert rules, subscriptions and webhooks",
    "a cost-base split's weights, for whoever may not read every sharing partner's",
)

# A cell whose text a spreadsheet would run as a formula starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet(name: str) -> Sheet:
    return next(s for s in SHEETS if s.name == name)
