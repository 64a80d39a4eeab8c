import pytest

from synergies.domain.errors import InvalidInput, NotFound
from synergies.domain.org import LineKind, OrgChart, Person, ReportingLine
from synergies.example.structure import LINES, PEOPLE


def chart() -> OrgChart:
    return OrgChart(PEOPLE, LINES)


def test_the_connected_vehicles_executive_has_two_managers_in_two_companies() -> None:
    org = chart()
    lines = org.managers("ogi-redzic")
    assert {ln.manager for ln in lines} == {"renault-board", "nissan-board"}
    assert all(ln.kind is LineKind.joint for ln in lines)
    assert {org.people[ln.manager].company for ln in lines} == {"RENAULT", "NISSAN"}
    assert org.joint_reporters() == ["ogi-redzic"]


def test_a_line_that_closes_a_cycle_is_refused() -> None:
    org = chart()
    with pytest.raises(InvalidInput, match="cycle"):
        org.add_line(ReportingLine("ceo", "ogi-redzic"))  # ogi -> board -> ceo -> ogi


def test_reporting_to_oneself_is_refused() -> None:
    with pytest.raises(InvalidInput, match="cycle"):
        chart().add_line(ReportingLine("ceo", "ceo"))


def test_a_line_to_an_unknown_person_is_refused() -> None:
    with pytest.raises(NotFound, match="nobody"):
        chart().add_line(ReportingLine("nobody", "ceo"))


def test_the_same_line_twice_is_refused() -> None:
    with pytest.raises(InvalidInput, match="already reports"):
        chart().add_line(ReportingLine("evp-hr", "ceo"))


def test_a_diamond_is_not_a_cycle() -> None:
    people = [Person(x, x, "t", "ALLIANCE") for x in "abcd"]
    org = OrgChart(people, [ReportingLine("b", "a"), ReportingLine("c", "a")])
    org.add_line(ReportingLine("d", "b", LineKind.joint))
    org.add_line(ReportingLine("d", "c", LineKind.joint))
    assert [p.id for p in org.roots()] == ["a"]
