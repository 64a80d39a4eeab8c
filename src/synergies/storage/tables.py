"""The store's schema. Alembic migrations are written against this metadata."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from synergies.storage.types import Amount, DecimalText, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

alliance = Table(
    "alliance",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("founded", Date),  # the ledger holds no entry dated before the alliance's month
)

partners = Table(
    "partners",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("home_currency", String(3), nullable=False),
    Column("fiscal_year_start", Integer, nullable=False),
    Column("member", Boolean, nullable=False),
)

shareholdings = Table(
    "shareholdings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("holder", ForeignKey("partners.code"), nullable=False),
    Column("held", ForeignKey("partners.code"), nullable=False),
    Column("percent", DecimalText, nullable=False),
    Column("voting", Boolean, nullable=False),
    Column("since", Date),
    UniqueConstraint("holder", "held", name="uq_shareholdings_holder_held"),
)

agreements = Table(
    "agreements",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("parties", Text, nullable=False),  # comma-separated partner codes
    Column("signed", Date, nullable=False),
    Column("excluded_from_synergies", Boolean, nullable=False),
)

scope_clauses = Table(
    "scope_clauses",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agreement", ForeignKey("agreements.code"), nullable=False),
    Column("amendment", String(200)),  # reference of the amendment that added it, if any
    Column("amendment_signed", Date),
    Column("reference", String(200), nullable=False),
    Column("activity", String(200), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("effective_to", Date),
    Column("note", Text, nullable=False, default=""),
    Column("aliases", Text, nullable=False, default=""),  # '|'-separated
)

functions = Table(
    "functions",
    metadata,
    Column("code", String(60), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("executive", String(60)),
)

convergence_events = Table(
    "convergence_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("function", ForeignKey("functions.code"), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("since", Date, nullable=False),
    Column("note", Text, nullable=False, default=""),
)

people = Table(
    "people",
    metadata,
    Column("id", String(60), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("title", String(300), nullable=False),
    Column("company", String(20), nullable=False),
    Column("function", String(60)),
    Column("illustrative", Boolean, nullable=False),
)

reporting_lines = Table(
    "reporting_lines",
    metadata,
    Column("person", ForeignKey("people.id"), primary_key=True),
    Column("manager", ForeignKey("people.id"), primary_key=True),
    Column("kind", String(10), nullable=False),
)

initiatives = Table(
    "initiatives",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("function", ForeignKey("functions.code"), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("category", String(30), nullable=False),
    Column("stage", String(2), nullable=False),
    Column("side_status", String(20)),
    Column("allocation_method", String(20), nullable=False),
    Column("allocation", Text, nullable=False),  # 'RENAULT=45,NISSAN=55'
    Column("currency", String(3)),
    Column("run_rate", Amount),
    Column("one_off_costs", Amount),
    Column("start", String(7)),
    Column("ramp_months", Integer),
    Column("plan_currency", String(3)),
    Column("plan_run_rate", Amount),
    Column("plan_one_off_costs", Amount),
    Column("plan_start", String(7)),
    Column("plan_ramp_months", Integer),
    Column("approval_body", String(200)),
    Column("approval_on", Date),
    Column("agreement", String(40)),
    Column("illustrative", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("probability", DecimalText),  # override of the stage's probability of delivery
)

signoffs = Table(
    "signoffs",
    metadata,
    Column("initiative", ForeignKey("initiatives.id"), primary_key=True),
    Column("partner", ForeignKey("partners.code"), primary_key=True),
    Column("controller", String(200), nullable=False),
    Column("on", Date, nullable=False),
)

stage_history = Table(
    "stage_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("initiative", ForeignKey("initiatives.id"), nullable=False),
    Column("from_stage", String(2)),
    Column("to_stage", String(20), nullable=False),  # a stage, or a side status
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
)

targets = Table(
    "targets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("function", String(60)),
    Column("amount", Amount, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("illustrative", Boolean, nullable=False),
)

fx_rates = Table(
    "fx_rates",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("per_eur", DecimalText, nullable=False),
    Column("source", String(200), nullable=False, default=""),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("partner", ForeignKey("partners.code"), nullable=False),
    Column("period", String(7), nullable=False, index=True),
    Column("amount", Amount, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("category", String(30), nullable=False),
    Column("source", String(20), nullable=False),
    Column("author", String(200), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("initiative_id", ForeignKey("initiatives.id"), index=True),
    Column("function", String(60)),
    Column("reverses", ForeignKey("ledger_entries.id"), unique=True),
    Column("reason", Text, nullable=False, default=""),
    Column("illustrative", Boolean, nullable=False),
    Column("lineage", Text),
    # Makes a repeated import or posting a no-op: same key, nothing added twice.
    Column("import_key", String(128), unique=True),
)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    # The first record that must be keyed (HMAC); NULL until the store's first keyed write.
    Column("keyed_from", Integer),
    # The record that first sealed every sealed table (storage/sealed.py); NULL until then.
    Column("sealed_from", Integer),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(100), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("before", Text),
    Column("after", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # The audit key that signed the record (NULL: an unkeyed record from before keying).
    Column("key_id", String(40)),
    # Digests of the rows the change wrote (JSON {"ledger": {id: sha256}}), under the hash.
    Column("written", Text),
)

measurement_runs = Table(
    "measurement_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(500), nullable=False, index=True),  # where the data was read
    Column("fingerprint_hash", String(64), nullable=False),
    Column("fingerprint", Text, nullable=False),  # files, sizes, hashes, row counts (JSON)
    Column("method_version", String(40), nullable=False),
    Column("query", Text, nullable=False),
    Column("reporting_currency", String(3), nullable=False),
    Column("posted_at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("summary", Text, nullable=False),  # aggregate figures (JSON), not confidential
    Column("entries_added", Integer, nullable=False),
    Column("entries_reversed", Integer, nullable=False),
)

# Line-level measurement detail is confidential to the partner that owns the lines.
measurement_details = Table(
    "measurement_details",
    metadata,
    Column("run_id", ForeignKey("measurement_runs.id"), primary_key=True),
    Column("partner", ForeignKey("partners.code"), primary_key=True),
    Column("detail", Text, nullable=False),  # JSON: double claims, leakage, unmeasurable lines
)

plans = Table(
    "plans",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("locked_at", UtcDateTime, nullable=False),
    Column("locked_by", String(200), nullable=False),
    Column("content", Text, nullable=False),  # JSON: every L3+ initiative with its figures
)

# Accounts of the people who use the API. Passwords are argon2 hashes, never the password.
users = Table(
    "users",
    metadata,
    Column("name", String(200), primary_key=True),
    # casefold(NFC(name)), unique: 'ADMIN1' cannot sit beside 'admin1' (domain name_key).
    Column("name_key", String(200), nullable=False, index=True, unique=True),
    Column("role", String(30), nullable=False),
    Column("partner", ForeignKey("partners.code")),
    Column("functions", Text, nullable=False, default=""),  # comma-separated function codes
    Column("password_hash", String(200), nullable=False),
    # When the password was last changed or reset: failed logins before it no longer lock.
    Column("password_set_at", UtcDateTime),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# API tokens and web sessions: only the sha256 of the secret is kept.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),  # public id, shown in lists and audit
    Column("user", ForeignKey("users.name"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # "api" or "session"
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

# Every login attempt, so that lock-outs hold across processes and workers.
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", String(200), nullable=False, index=True),  # the name tried, known or not
    Column("at", UtcDateTime, nullable=False),
    Column("succeeded", Boolean, nullable=False),
)

# Alerts (domain/alerts.py): the admin's threshold per rule; who wants which alerts; where they
# are delivered; and each delivery attempt, so that `alerts send` delivers nothing twice.
alert_rules = Table(
    "alert_rules",
    metadata,
    Column("rule", String(60), primary_key=True),  # domain.alerts.Rule value
    Column("threshold", DecimalText, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("changed_by", String(200), nullable=False),
)

# A governed decision to rebase a measured source's baselines (an index or a re-base): what
# makes a baseline change in a measurement explained (the "baseline changed" alert rule).
baseline_decisions = Table(
    "baseline_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(500), nullable=False, index=True),  # as measurement_runs.source
    Column("on", Date, nullable=False),
    Column("reference", Text, nullable=False),  # e.g. "Purchasing committee 2016-04, item 3"
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recorded_by", String(200), nullable=False),
)

alert_subscriptions = Table(
    "alert_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user", ForeignKey("users.name"), nullable=False, index=True),
    Column("email", String(320), nullable=False),
    Column("rules", Text, nullable=False, default=""),  # comma-separated Rule values; "" = all
    Column("functions", Text, nullable=False, default=""),  # comma-separated codes; "" = all
    Column("created_at", UtcDateTime, nullable=False),
)

alert_webhooks = Table(
    "alert_webhooks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    # The HMAC-SHA256 key the receiver checks the signature header with (shown once at creation).
    Column("secret", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_key", String(300), nullable=False, index=True),
    Column("channel", String(10), nullable=False),  # "webhook" or "email"
    Column("target", String(400), nullable=False),  # webhook id, or the e-mail address
    Column("status", String(10), nullable=False),  # "delivered" or "failed"
    Column("attempts", Integer, nullable=False),
    Column("error", Text, nullable=False, default=""),
    Column("at", UtcDateTime, nullable=False),
)

# The forecast's uncertainty settings, one row per recorded version (never updated): the
# latest is what forecasts run on, and each forecast names it. Written by `calibrate --apply`
# (a fit that beat the defaults out of sample) or by a reset to the defaults.
forecast_settings = Table(
    "forecast_settings",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=True),
    Column("spread", DecimalText, nullable=False),  # scale on every magnitude sigma
    Column("slippage", DecimalText, nullable=False),  # scale on every mean start slippage
    Column("fitted_from", Integer, nullable=True),  # first as-of year of the fit (None: reset)
    Column("fitted_to", Integer, nullable=True),
    Column("horizons", Integer, nullable=True),
    Column("trials", Integer, nullable=True),
    Column("seed", BigInteger, nullable=True),
    Column("held_out_default", DecimalText, nullable=True),  # mean CRPS / realized, defaults
    Column("held_out_fitted", DecimalText, nullable=True),  # the same, leave-one-year-out fit
    Column("note", Text, nullable=False, default=""),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recorded_by", String(200), nullable=False),
)
