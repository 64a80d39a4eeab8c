"""Every figure of a small alliance source, computed by hand, checked against both the engine
and the Decimal reference.

Hand computation (reporting currency EUR; JPY per EUR: Feb 133, Mar 130, Apr 135, May missing):
  PUR-001 claims RENAULT SEAT-100 from 2015-01-01; PUR-002 claims it too from 2015-03-01, so
  L02 and L03 are double claims counted once, for PUR-001 (its scope starts first).
  L01 2015-02-10 10 x 92.00 EUR, baseline 100.00     -> +80.00; contract 90 -> leak 10 x 2 = 20.00
  L02 2015-03-10  5 x 90.00 EUR, baseline 100.00     -> +50.00; at contract, no leak
  L03 2015-03-20  4 x 97.00 EUR, baseline re-based to 95.00 on 03-15 (as-of) -> -8.00 (a loss);
                                                        leak 4 x 7 = 28.00
  PUR-001: gain 130.00, loss 8.00, net 122.00; leakage 2 lines 48.00; double 2 lines 42.00
  PUR-002, NISSAN SEAT-100 (baseline 13000 JPY, contract 12000 JPY):
  L04 2015-03-31 3 x 12350 JPY -> 3 x 650 = 1950 JPY / 130 = 15.00 (Nissan FY2014);
                                  leak 3 x 350 = 1050 / 130 = 8.076923
  L05 2015-04-01 2 x 12600 JPY -> 800 / 135 = 5.925926 (FY2015); leak 1200 / 135 = 8.888889
  L11 2015-04-20 1 x 90.00 EUR against a JPY baseline: 13000 / 135 = 96.296296 -> +6.296296;
                                  contract 12000 / 135 = 88.888889 -> leak 1.111111
  L06 2015-05-12 JPY, no May rate -> unmeasurable: no_fx_rate
  L07 RENAULT HARN-9: no baseline -> unmeasurable: no_baseline; quote 50 -> avoidance 20 x 5 = 100
  PUR-002: gain 15 + 5.925926 + 6.296296 = 27.222222 -> 27.22; leakage 3 lines 18.076923 -> 18.08
  L08 2015-03-31 PUR-003 (scope ends 03-31, inclusive): 1000 x (2.50 - 2.40) = +100.00
  L09 (after PUR-003's scope) and L10 (no initiative) are read but not claimed.
  Totals: gain 257.22, loss 8.00, net 249.22, avoidance 100.00, leakage 5 lines 66.08 (48 + 18.08).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synergies.domain.calendar import Month
from synergies.measurement.measure import Period, measure
from synergies.measurement.reference import reference_measure
from synergies.measurement.result import MeasurementResult, to_json


def _results(source: Path) -> list[MeasurementResult]:
    return [measure(source), reference_measure(source)]


@pytest.fixture(scope="module", params=["engine", "reference"])
def document(request: pytest.FixtureRequest, hand_source: Path) -> dict[str, Any]:
    if request.param == "engine":
        return to_json(measure(hand_source))
    return to_json(reference_measure(hand_source))


def _row(rows: list[dict[str, Any]], **key: str) -> dict[str, Any]:
    [found] = [r for r in rows if all(r[k] == v for k, v in key.items())]
    return found


def test_totals(document: dict[str, Any]) -> None:
    assert document["reporting_currency"] == "EUR"
    assert document["lines_read"] == 11
    assert document["lines_claimed"] == 9
    assert document["hard_savings"] == {
        "net": "249.22",
        "gross_gain": "257.22",
        "gross_loss": "8.00",
    }
    assert document["cost_avoidance"] == "100.00"
    assert document["unmeasurable"] == {"no_baseline": 1, "no_fx_rate": 1}


def test_by_initiative(document: dict[str, Any]) -> None:
    pur1 = _row(document["by_initiative"], initiative_id="PUR-001")
    assert pur1["hard_savings"] == {"net": "122.00", "gross_gain": "130.00", "gross_loss": "8.00"}
    assert pur1["leakage"] == {"lines": 2, "amount": "48.00"}
    pur2 = _row(document["by_initiative"], initiative_id="PUR-002")
    assert pur2["hard_savings"]["net"] == "27.22"
    assert pur2["cost_avoidance"] == "100.00"
    assert pur2["unmeasurable"] == {"no_baseline": 1, "no_fx_rate": 1}
    assert pur2["lines_claimed"] == 5
    pur3 = _row(document["by_initiative"], initiative_id="PUR-003")
    assert (pur3["lines_claimed"], pur3["hard_savings"]["net"]) == (1, "100.00")


def test_double_claims_counted_once(document: dict[str, Any]) -> None:
    doubles = document["double_claimed_lines"]
    assert (doubles["count"], doubles["amount"]) == (2, "42.00")
    assert [d["line_id"] for d in doubles["sample"]] == ["L02", "L03"]
    assert doubles["sample"][0]["claimed_by"] == ["PUR-001", "PUR-002"]
    assert doubles["sample"][0]["counted_for"] == "PUR-001"


def test_leakage(document: dict[str, Any]) -> None:
    leakage = document["leakage"]
    assert (leakage["lines"], leakage["amount"]) == (5, "66.08")
    assert _row(leakage["by_initiative"], initiative_id="PUR-002")["amount"] == "18.08"


def test_fiscal_years_split_at_nissan_april(document: dict[str, Any]) -> None:
    years = document["by_fiscal_year"]
    assert _row(years, partner="NISSAN", fiscal_year="FY2014")["hard_savings"]["net"] == "15.00"
    assert _row(years, partner="NISSAN", fiscal_year="FY2015")["hard_savings"]["net"] == "12.22"
    assert _row(years, partner="RENAULT", fiscal_year="2015")["hard_savings"]["net"] == "222.00"
    assert [r["year"] for r in document["by_year"]] == ["2015"]


def test_by_month(document: dict[str, Any]) -> None:
    nets = {r["month"]: r["hard_savings"]["net"] for r in document["by_month"]}
    assert nets == {"2015-02": "80.00", "2015-03": "157.00", "2015-04": "12.22", "2015-05": "0.00"}


def test_period_filter_and_reporting_currency(hand_source: Path) -> None:
    march = Period(Month(2015, 3).first_day(), Month(2015, 3).first_day().replace(day=31))
    result = measure(hand_source, period=march, reporting_currency="JPY")
    # March: L02 +50, L03 -8, L08 +100 = 142 EUR x 130 = 18460 JPY; L04 +1950 JPY -> 20410 JPY,
    # rounded to the yen (JPY has no minor unit).
    assert result.lines_read == 4
    assert to_json(result)["hard_savings"]["net"] == "20410"


def test_engine_and_reference_agree_on_everything(hand_source: Path) -> None:
    engine, reference = (to_json(r) for r in _results(hand_source))
    engine.pop("lineage")
    reference.pop("lineage")
    assert engine == reference


def test_lineage_fingerprints_files(hand_source: Path) -> None:
    lineage = measure(hand_source).lineage
    lines = lineage["tables"]["purchase_lines"]
    assert lines["rows"] == 11
    assert lines["files"][0]["bytes"] == (hand_source / "purchase_lines.csv").stat().st_size
    assert len(lines["files"][0]["sha256"]) == 64
    assert "SELECT" in lineage["queries"]["cell_sums"]
