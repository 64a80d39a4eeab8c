from datetime import date

import pytest

from synergies.domain.agreements import decide_scope
from synergies.domain.errors import InvalidInput
from synergies.example.structure import DAIMLER, MITSUBISHI


def test_electric_vehicles_with_daimler_are_outside_in_march_2016() -> None:
    answer = decide_scope(DAIMLER, "electric vehicles", date(2016, 3, 31))
    assert not answer.inside
    assert answer.clause is not None
    assert answer.clause.reference.startswith("2016-03 CEO statement")
    assert "not part of the cooperation" in answer.reason()


def test_electric_vehicles_were_inside_before_the_statement() -> None:
    answer = decide_scope(DAIMLER, "Electric-Vehicles", date(2012, 6, 1))
    assert answer.inside
    assert answer.clause is not None and answer.clause.reference.startswith("2010-04")


def test_an_alias_matches_the_clause() -> None:
    assert decide_scope(DAIMLER, "smart/Twingo", date(2014, 1, 1)).inside
    assert decide_scope(DAIMLER, "EVs", date(2017, 1, 1)).inside is False


def test_an_activity_no_clause_covers_is_outside() -> None:
    answer = decide_scope(DAIMLER, "trucks", date(2015, 1, 1))
    assert not answer.inside and answer.clause is None
    assert "no clause" in answer.reason()


def test_nothing_is_inside_before_the_agreement_is_signed() -> None:
    assert not decide_scope(DAIMLER, "engine sharing", date(2010, 4, 6)).inside
    assert decide_scope(DAIMLER, "engine sharing", date(2010, 4, 7)).inside


def test_a_clause_that_starts_later_is_not_yet_in_force() -> None:
    assert not decide_scope(MITSUBISHI, "joint purchasing", date(2017, 12, 31)).inside
    assert decide_scope(MITSUBISHI, "joint purchasing", date(2018, 1, 1)).inside


def test_an_empty_activity_is_refused() -> None:
    with pytest.raises(InvalidInput):
        decide_scope(DAIMLER, "  ", date(2016, 1, 1))
