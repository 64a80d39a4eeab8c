"""The engine agrees with the Decimal reference, on generated and on random sources."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synergies.measurement import measure as api
from synergies.measurement.generate import generate_purchases
from synergies.measurement.measure import measure
from synergies.measurement.reference import reference_measure
from synergies.measurement.result import to_json


def _figures(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "lineage"}


@pytest.mark.parametrize("fixture", ["generated_csv", "generated_parquet"])
def test_engine_matches_reference_on_generated_source(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    source: Path = request.getfixturevalue(fixture)
    engine = to_json(measure(source))
    assert _figures(engine) == _figures(to_json(reference_measure(source)))
    # The generator plants every failure mode the measure must catch.
    assert engine["double_claimed_lines"]["count"] > 0
    assert engine["leakage"]["lines"] > 0
    assert engine["unmeasurable"]["no_baseline"] > 0
    assert engine["unmeasurable"]["no_fx_rate"] > 0
    assert engine["cost_avoidance"] != "0.00"
    assert {r["initiative_id"] for r in engine["by_initiative"]} == {
        "PUR-001",
        "PUR-002",
        "PUR-003",
    }


@pytest.mark.parametrize("quantity", ["20000000", "20000000.5"])
def test_amounts_past_64_bits_are_retried_exactly(
    quantity: str, hand_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line whose quantity x price overflows 64-bit decimals is measured again in 128 bits."""
    source = tmp_path / "source"
    shutil.copytree(hand_source, source)
    path = source / "purchase_lines.csv"
    path.write_text(path.read_text().replace(",10,92.00,EUR", f",{quantity},999999.99,EUR"))
    overflows: list[bool] = []

    def spy(error: Exception) -> bool:
        overflows.append(api_overflow(error))
        return overflows[-1]

    api_overflow = api.is_overflow
    monkeypatch.setattr(api, "is_overflow", spy)
    engine = to_json(measure(source))
    assert overflows == [True]
    assert _figures(engine) == _figures(to_json(reference_measure(source)))


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first = generate_purchases(tmp_path / "a", 3_000, seed=5, fmt="csv")
    second = generate_purchases(tmp_path / "b", 3_000, seed=5, fmt="csv")
    for name in ("purchase_lines.csv", "baselines.csv", "fx_rates.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert '"illustrative": true' in (first / "metadata.json").read_text()


START = date(2015, 1, 1)
PARTS = ["SEA-1", "SEA-2", "ELE-1"]
PARTNERS = {"RENAULT": "EUR", "NISSAN": "JPY"}
prices = st.decimals(min_value=0, max_value=500, places=2)
days = st.integers(min_value=0, max_value=500)


def _day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


@st.composite
def sources(draw: st.DrawFn) -> dict[str, str]:
    """Small random sources: overlapping scopes, mixed currencies, FX gaps, price changes."""
    part = st.sampled_from(PARTS)
    partner = st.sampled_from(sorted(PARTNERS))
    currency = st.sampled_from(["EUR", "JPY", "USD"])
    lines = ["line_id,partner,part_number,supplier_id,posting_date,quantity,unit_price,currency"]
    for i in range(draw(st.integers(1, 25))):
        p = draw(partner)
        cur = draw(st.sampled_from([PARTNERS[p], PARTNERS[p], "USD"]))
        qty = draw(st.decimals(min_value="0.5", max_value=1000, places=1))
        lines.append(f"L{i:03d},{p},{draw(part)},S1,{_day(draw(days))},{qty},{draw(prices)},{cur}")
    tables = {"purchase_lines": "\n".join(lines)}
    for name, column in (
        ("baselines", "baseline_unit_price"),
        ("quotes", "quoted_unit_price"),
        ("contracts", "contract_unit_price"),
    ):
        keys = draw(st.sets(st.tuples(partner, part, st.integers(-30, 400)), max_size=6))
        rows = [f"{p},{q},{draw(prices)},{draw(currency)},{_day(d)}" for p, q, d in keys]
        tables[name] = "\n".join([f"partner,part_number,{column},currency,valid_from", *rows])
    scope = ["initiative_id,partner,part_number,valid_from,valid_to"]
    for initiative, p, q, d in draw(
        st.sets(st.tuples(st.sampled_from(["PUR-001", "PUR-002"]), partner, part, days), max_size=6)
    ):
        end = draw(st.one_of(st.just(""), st.integers(d, 520).map(_day)))
        scope.append(f"{initiative},{p},{q},{_day(d)},{end}")
    tables["initiative_scope"] = "\n".join(scope)
    months = sorted({_day(d)[:7] for d in range(0, 520, 28)})
    fx = ["month,currency,per_eur"]
    for month in months:
        if draw(st.booleans()) or month == months[0]:
            fx.append(f"{month},JPY,{draw(st.decimals(100, 160, places=4))}")
        fx.append(f"{month},USD,{draw(st.decimals('0.9', '1.5', places=4))}")
    tables["fx_rates"] = "\n".join(fx)
    return tables


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tables=sources())
def test_engine_agrees_with_reference_on_random_sources(
    tables: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("random")
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text + "\n")
    assert _figures(to_json(measure(folder))) == _figures(to_json(reference_measure(folder)))
