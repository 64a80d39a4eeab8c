"""Finding a person in the org chart by a part of the name, as a user would type it."""

from __future__ import annotations

import pytest

from synergies.domain.errors import InvalidInput, NotFound
from synergies.domain.org import OrgChart, Person, folded

CHART = OrgChart([
    Person("ogi-redzic", "Ogi Redžić", "Senior executive, connected vehicles", "ALLIANCE"),
    Person("renault-board", "G. Petit", "Renault management board member", "RENAULT"),
    Person("nissan-board", "H. Yamada", "Nissan executive committee member", "NISSAN"),
    Person("ceo", "Carlos Ghosn", "Chairman and CEO", "ALLIANCE"),
    Person("carla", "Carla Gómez", "Purchasing lead", "RENAULT"),
])  # fmt: skip


@pytest.mark.parametrize("query", ["Redzic", "redzic", "REDŽIĆ", "ogi", "Ogi Redzic", " redž "])
def test_a_part_of_the_name_in_any_case_and_without_accents_finds_the_person(query: str) -> None:
    assert CHART.find(query).id == "ogi-redzic"


def test_an_id_finds_the_person() -> None:
    assert CHART.find("renault-board").name == "G. Petit"


def test_an_exact_name_wins_over_longer_names_that_contain_it() -> None:
    chart = OrgChart(
        [Person("a", "Ann Lee", "", "RENAULT"), Person("b", "Ann Leeds", "", "NISSAN")]
    )
    assert chart.find("ann lee").id == "a"


def test_several_matches_are_listed_and_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        CHART.find("carl")
    assert error.value.field == "person"
    assert "matches 2 people: Carla Gómez (carla); Carlos Ghosn (ceo)" in error.value.message
    assert CHART.matching("board") == [CHART.people["renault-board"], CHART.people["nissan-board"]]


def test_no_match_suggests_the_nearest_names() -> None:
    with pytest.raises(NotFound) as error:
        CHART.find("Redzik")
    assert error.value.fix == "did you mean Ogi Redžić (ogi-redzic)?"
    with pytest.raises(NotFound) as nothing:
        CHART.find("Tavares")
    assert nothing.value.fix == "give part of a person's name, or their id"


def test_folding_keeps_letters_and_drops_only_marks() -> None:
    assert folded("Gómez RENAULT Redžić") == "gomez renault redzic"
