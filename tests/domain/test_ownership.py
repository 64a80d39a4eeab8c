from decimal import Decimal
from fractions import Fraction

import pytest

from synergies.domain.errors import InvalidInput
from synergies.domain.ownership import Shareholding, check_totals, look_through
from synergies.example.structure import SHAREHOLDINGS


def interest(holdings: list[Shareholding], holder: str, held: str):
    return next(i for i in look_through(holdings) if i.holder == holder and i.held == held)


def test_renault_nissan_cross_holding_by_hand() -> None:
    # Renault 43.4% of Nissan, Nissan 15% of Renault. Going round the circle any number of
    # times: 0.434 * (1 + 0.0651 + 0.0651^2 + ...) = 0.434 / (1 - 0.434 * 0.15) = 0.434 / 0.9349
    holdings = [
        Shareholding("RENAULT", "NISSAN", Decimal("43.4"), voting=True),
        Shareholding("NISSAN", "RENAULT", Decimal("15"), voting=False),
    ]
    r_in_n = interest(holdings, "RENAULT", "NISSAN")
    n_in_r = interest(holdings, "NISSAN", "RENAULT")
    assert r_in_n.direct == Fraction(434, 1000)
    assert r_in_n.effective == Fraction(434, 1000) / Fraction(9349, 10000)
    assert float(r_in_n.effective) == pytest.approx(0.464221, abs=1e-6)
    assert n_in_r.effective == Fraction(15, 100) / Fraction(9349, 10000)
    # Nissan's stake in Renault carries no vote: its voting look-through is nil.
    assert n_in_r.direct_voting == 0
    assert n_in_r.effective_voting == 0
    assert r_in_n.effective_voting == Fraction(434, 1000)


def test_indirect_stake_through_a_chain() -> None:
    # Renault holds Nissan, Nissan holds 34% of Mitsubishi: Renault reaches Mitsubishi only
    # through Nissan, 0.434/0.9349 * 0.34.
    holdings = [
        Shareholding("RENAULT", "NISSAN", Decimal("43.4")),
        Shareholding("NISSAN", "RENAULT", Decimal("15"), voting=False),
        Shareholding("NISSAN", "MITSUBISHI", Decimal("34")),
    ]
    r_in_m = interest(holdings, "RENAULT", "MITSUBISHI")
    assert r_in_m.direct == 0
    assert r_in_m.effective == Fraction(434, 1000) / Fraction(9349, 10000) * Fraction(34, 100)


def test_example_alliance_look_through_includes_daimler_loop() -> None:
    found = {(i.holder, i.held): i for i in look_through(SHAREHOLDINGS)}
    # Daimler's stakes add more loops, so Renault's effective share of Nissan grows a little.
    assert found[("RENAULT", "NISSAN")].effective > Fraction(434, 1000) / Fraction(9349, 10000)
    assert found[("RENAULT", "RNBV")].direct == Fraction(1, 2)


@pytest.mark.parametrize("percent", ["0", "-5", "100.01", "250"])
def test_a_stake_out_of_range_is_refused(percent: str) -> None:
    with pytest.raises(InvalidInput) as error:
        Shareholding("RENAULT", "NISSAN", Decimal(percent))
    assert error.value.field == "percent"
    assert "at most 100" in (error.value.fix or "")


def test_holdings_over_100_percent_in_total_are_refused() -> None:
    with pytest.raises(InvalidInput, match="NISSAN add up to 103.4%"):
        check_totals(
            [
                Shareholding("RENAULT", "NISSAN", Decimal("43.4")),
                Shareholding("DAIMLER", "NISSAN", Decimal("60")),
            ]
        )


def test_a_company_cannot_hold_itself() -> None:
    with pytest.raises(InvalidInput, match="cannot hold itself"):
        Shareholding("RENAULT", "RENAULT", Decimal(5))
