"""The commands a user types, through the real entry point, on the example alliance."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from tests.cli.conftest import Invoke


def test_init_demo_report_from_scratch(cli: Invoke, tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    assert cli("init", "--db", url).code == 0
    loaded = cli("demo", "--db", url)
    assert loaded.code == 0 and "19 initiatives" in loaded.out
    again = cli("demo", "--db", url)
    assert again.code == 0 and "nothing written" in again.out
    report = cli("report", "--db", url, "--year", "2015", "--format", "json")
    document = json.loads(report.out)
    years = {y["year"]: y for y in document["years"]}
    assert years[2015]["label"] == "2015"
    assert years[2015]["realized"] == {"amount": "4300000000.00", "currency": "EUR"}
    gap = next(p for p in document["positions"] if p["target_year"] == 2018)
    assert Decimal(gap["gap"]["amount"]) == Decimal("1200000000")
    assert Decimal(gap["growth_needed"]) == Decimal("0.085504")


def test_the_report_table_shows_the_gap_and_the_burn_up(cli: Invoke, db: str) -> None:
    out = cli("report", "--year", "2015").out
    assert "4,300.0 m" in out and "Burn-up to target" in out
    assert "2018 target 5,500.0 m: gap 1,200.0 m, growth needed 8.6% a year" in out


def test_report_as_csv_in_yen_by_partner(cli: Invoke, db: str) -> None:
    result = cli("report", "--currency", "JPY", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    by_year = {r["year"]: r for r in rows}
    assert Decimal(by_year["2015"]["realized"]) == Decimal("4300000000") * Decimal("134.31")


def test_report_by_fiscal_year_of_nissan(cli: Invoke, db: str) -> None:
    document = json.loads(cli("report", "--fiscal-year-of", "nissan", "--format", "json").out)
    assert document["calendar"] == "fiscal year of NISSAN"
    assert [(y["year"], y["label"]) for y in document["years"]][:2] == [
        (2008, "FY2008"), (2009, "FY2009"),
    ]  # fmt: skip


def test_functions_show_the_convergence_map(cli: Invoke, db: str) -> None:
    rows = json.loads(cli("functions", "--on", "2016-03-31", "--format", "json").out)
    by_code = {r["function"]: r for r in rows}
    assert len(rows) == 11
    assert by_code["purchasing"]["stage"] == "converged"
    assert by_code["purchasing"]["since"] == "2014-04-01"
    assert by_code["quality"]["stage"] == "converging"
    assert by_code["sales-marketing"]["stage"] == "under study"
    assert by_code["connected-services"]["alliance_executive"] == "Ogi Redzic"
    assert by_code["purchasing"]["alliance_executive"] == "D. Girard (illustrative)"
    table = cli("functions", "--on", "2016-03-31").out
    assert "Convergence timeline" in table


def test_org_shows_the_joint_reporting_line(cli: Invoke, db: str) -> None:
    out = cli("org").out
    assert "Ogi Redzic" in out and "joint line; also reports to" in out
    person = cli("org", "--person", "Ogi Redzic").out
    assert "reports to G. Petit (illustrative) (RENAULT) - joint line" in person
    assert "reports to H. Yamada (illustrative) (NISSAN) - joint line" in person
    lines = json.loads(cli("org", "--format", "json").out)
    assert {(r["manager"], r["kind"]) for r in lines if r["person"] == "ogi-redzic"} == {
        ("renault-board", "joint"),
        ("nissan-board", "joint"),
    }


def test_ownership_look_through(cli: Invoke, db: str) -> None:
    document = json.loads(cli("ownership", "--format", "json").out)
    direct = {(d["holder"], d["held"]): d for d in document["direct"]}
    assert direct[("NISSAN", "RENAULT")]["voting"] == "non-voting"
    through = {(d["holder"], d["held"]): d for d in document["look_through"]}
    assert Decimal(through[("RENAULT", "NISSAN")]["direct_%"]) == Decimal("43.4")
    assert Decimal(through[("RENAULT", "NISSAN")]["look_through_%"]) > Decimal("46.4")
    # Nissan's 15% of Renault has no vote; its only voting path runs through Daimler:
    # 1.55% of Daimler x Daimler's 3.1% of Renault = 0.048% (plus tiny loops).
    voting = Decimal(through[("NISSAN", "RENAULT")]["voting_look_through_%"])
    assert Decimal("0.0480") <= voting < Decimal("0.0490")


def test_scope_of_electric_vehicles_with_daimler(cli: Invoke, db: str) -> None:
    result = cli("scope", "DAIMLER", "electric vehicles", "--on", "2016-03-31", "--format", "json")
    answer = json.loads(result.out)
    assert answer["inside"] is False
    assert answer["decided_by"].startswith("2016-03 CEO statement")
    text = cli("scope", "daimler", "engine sharing", "--on", "2016-03-31").out
    assert "is inside the DAIMLER agreement" in text


def test_initiatives_filtered_by_stage_and_function(cli: Invoke, db: str) -> None:
    rows = json.loads(cli("initiatives", "--stage", "L5", "--format", "json").out)
    assert {r["id"] for r in rows} == {"PUR-001", "ENG-001", "ENG-003", "MFG-001"}
    rows = json.loads(cli("initiatives", "--function", "purchasing", "--stage", "L3",
                          "--format", "json").out)  # fmt: skip
    assert [r["id"] for r in rows] == ["PUR-003", "PUR-005"]


def test_a_full_gate_walk_from_the_command_line(cli: Invoke, db: str) -> None:
    assert cli("initiative", "add", "PUR-010", "--name", "Joint tyres", "--function",
               "purchasing", "--owner", "D. Girard", "--allocation", "RENAULT=40,NISSAN=60").code == 0  # fmt: skip
    assert cli("initiative", "advance", "PUR-010", "--to", "L1").code == 0
    refused = cli("initiative", "advance", "PUR-010", "--to", "L2")
    assert refused.code == 4 and "business case" in refused.err
    assert cli("initiative", "update", "PUR-010", "--run-rate", "12000000", "--one-off",
               "800000", "--start", "2016-09").code == 0  # fmt: skip
    assert cli("initiative", "advance", "PUR-010", "--to", "L2").code == 0
    shown = json.loads(cli("initiative", "show", "PUR-010", "--format", "json").out)
    assert shown["stage"] == "L2" and shown["run_rate"] == "12000000.00"


def test_ledger_add_and_reverse(cli: Invoke, db: str) -> None:
    added = cli("ledger", "add", "--partner", "nissan", "--period", "2016-03", "--amount",
                "125000000", "--currency", "JPY", "--initiative", "PUR-002")  # fmt: skip
    assert added.code == 0, added.err
    rows = json.loads(cli("ledger", "--initiative", "PUR-002", "--format", "json").out)
    newest = rows[-1]
    assert newest["amount"] == {"amount": "125000000", "currency": "JPY"}
    assert newest["source"] == "entered"
    reversed_ = cli("ledger", "reverse", str(newest["id"]), "--reason", "booked twice")
    assert reversed_.code == 0
    rows = json.loads(cli("ledger", "--initiative", "PUR-002", "--format", "json").out)
    assert rows[-1]["reverses"] == newest["id"]
    assert Decimal(rows[-1]["amount"]["amount"]) + Decimal(newest["amount"]["amount"]) == 0
    twice = cli("ledger", "reverse", str(newest["id"]), "--reason", "again")
    assert twice.code == 5 and "already reversed" in twice.err


def _entry_count(cli: Invoke) -> int:
    return len(json.loads(cli("ledger", "--limit", "0", "--format", "json").out))


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["ledger", "add", "--partner", "PEUGEOT", "--period", "2016-03", "--amount", "5"], 3,
         "--partner: unknown partner 'PEUGEOT' (use one of: DAIMLER, MITSUBISHI, NISSAN, RENAULT, RNBV)"),
        (["ledger", "add", "--partner", "RENAULT", "--period", "2016-3", "--amount", "5"], 2,
         "--period: '2016-3' is not a month (write it as YYYY-MM)"),
        (["ledger", "add", "--partner", "RENAULT", "--period", "2016-03", "--amount", "5x"], 2,
         "--amount: '5x' is not a number"),
        (["ledger", "add", "--partner", "RENAULT", "--period", "2016-03", "--amount", "5",
          "--initiative", "NOPE-1"], 3, "unknown initiative 'NOPE-1'"),
        (["ledger", "add", "--partner", "RENAULT", "--period", "2016-03", "--amount", "5",
          "--currency", "EURO"], 2, "unknown currency 'EURO'"),
        (["ownership", "add", "DAIMLER", "NISSAN", "120"], 2, "at most 100"),
        (["ownership", "add", "MITSUBISHI", "NISSAN", "60"], 5, "holdings in NISSAN add up to 106.5%"),
        (["ownership", "add", "PEUGEOT", "NISSAN", "5"], 3, "HOLDER: unknown partner 'PEUGEOT'"),
        (["scope", "DAIMLER", "electric vehicles", "--on", "2016-02-30"], 2,
         "--on: '2016-02-30' is not a date (write it as YYYY-MM-DD)"),
        (["initiative", "advance", "NOPE-1", "--to", "L1"], 3, "unknown initiative 'NOPE-1'"),
        (["initiative", "advance", "QUA-001", "--to", "L4"], 4,
         "gate skipped: from L1 the next stage is L2, not L4"),
        (["org", "add-line", "ceo", "ogi-redzic"], 5, "would make a cycle"),
        (["scope", "RENAULT-GM", "anything"], 3, "unknown agreement 'RENAULT-GM'"),
    ],
)  # fmt: skip
def test_bad_input_gets_one_clear_line_and_writes_nothing(
    cli: Invoke, db: str, args: list[str], code: int, says: str
) -> None:
    before = _entry_count(cli)
    result = cli(*args)
    assert result.code == code
    lines = [ln for ln in result.err.strip().splitlines() if ln]
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ") and says in lines[0]
    assert result.out == ""
    assert _entry_count(cli) == before


def test_a_missing_store_says_how_to_create_one(cli: Invoke, tmp_path) -> None:
    result = cli("report", "--db", f"sqlite:///{tmp_path}/none.db")
    assert result.code == 3 and "synergies init --db" in result.err


def test_db_upgrade_on_a_current_store(cli: Invoke, db: str) -> None:
    result = cli("db", "upgrade")
    assert result.code == 0 and "already current" in result.out


def test_audit_verify_and_list(cli: Invoke, db: str) -> None:
    assert "chain verified" in cli("audit", "verify").out
    rows = json.loads(cli("audit", "--format", "json", "--limit", "0").out)
    assert rows[0]["seq"] == 1 and rows[0]["action"] == "alliance.name"


def test_measure_and_post_then_read_the_lineage(cli: Invoke, db: str, tmp_path) -> None:
    source = tmp_path / "purchases"
    assert cli("generate", "purchases", str(source), "--lines", "2000", "--format", "csv").code == 0
    first = cli("measure", str(source), "--post", "--format", "json")
    assert first.code == 0, first.err
    assert json.loads(first.out)["lines_read"] == 2000
    assert "posted measurement run 1:" in first.err
    again = cli("measure", str(source), "--post", "--format", "json")
    assert "unchanged since measurement run 1: nothing posted" in again.err
    runs = json.loads(cli("measurements", "--format", "json").out)
    assert [r["run"] for r in runs] == [1]
    shown = json.loads(cli("measurement", "show", "1", "--partner", "renault").out)
    assert shown["lineage"]["tables"]["purchase_lines"]["rows"] == 2000
    assert "RENAULT" in shown["detail"]


def test_measure_post_without_a_store_fails_before_reading(cli: Invoke, tmp_path) -> None:
    result = cli("measure", str(tmp_path), "--post", "--db", f"sqlite:///{tmp_path}/none.db")
    assert result.code == 3 and "synergies init" in result.err
