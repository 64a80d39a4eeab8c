"""People, positions and reporting lines: a graph, since one person may have two managers."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from enum import StrEnum

from synergies.domain.errors import InvalidInput, NotFound


class LineKind(StrEnum):
    solid = "solid"
    joint = "joint"  # one of two (or more) equal lines into different companies
    dotted = "dotted"


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    title: str
    company: str  # partner code, or ALLIANCE for an alliance-wide role
    function: str | None = None
    illustrative: bool = False


@dataclass(frozen=True, slots=True)
class ReportingLine:
    person: str
    manager: str
    kind: LineKind = LineKind.solid


def folded(text: str) -> str:
    """Text as names are matched: any case, accents dropped ("Redžić" matches "redzic")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def label(person: Person) -> str:
    return f"{person.name} ({person.id})"


class OrgChart:
    """A reporting graph without cycles."""

    def __init__(self, people: Iterable[Person], lines: Iterable[ReportingLine] = ()) -> None:
        self.people = {p.id: p for p in people}
        self._managers: dict[str, list[ReportingLine]] = defaultdict(list)
        for line in lines:
            self.add_line(line)

    def person(self, person_id: str) -> Person:
        if person_id not in self.people:
            raise NotFound(f"unknown person {person_id!r}", field="person", fix="use a person id")
        return self.people[person_id]

    def matching(self, query: str) -> list[Person]:
        """People whose id or full name is the query; else whose id or name contains it."""
        key = folded(query.strip())
        keys = {p.id: (folded(p.id), folded(p.name)) for p in self.people.values()}
        exact = [p for p in self.people.values() if key in keys[p.id]]
        found = exact or [p for p in self.people.values() if any(key in k for k in keys[p.id])]
        return sorted(found, key=lambda p: (p.name, p.id))

    def find(self, query: str) -> Person:
        """The one person a part of a name (or an id) points to; refuse none or several."""
        found = self.matching(query)
        if len(found) == 1:
            return found[0]
        if found:
            raise InvalidInput(
                f"{query!r} matches {len(found)} people: {'; '.join(map(label, found))}",
                field="person",
                fix="give more of the name, or the id",
            )
        raise NotFound(f"no person matches {query!r}", field="person", fix=self._hint(query))

    def _hint(self, query: str) -> str:
        """The people whose name or id looks like a mistyped query, or what to give."""
        words = {folded(w): p for p in self.people.values() for w in (p.id, *p.name.split())}
        near = get_close_matches(folded(query.strip()), list(words), n=3, cutoff=0.7)
        named = dict.fromkeys(label(words[w]) for w in near)
        if named:
            return f"did you mean {' or '.join(named)}?"
        return "give part of a person's name, or their id"

    def managers(self, person_id: str) -> list[ReportingLine]:
        return list(self._managers.get(person_id, []))

    def reports(self, manager_id: str) -> list[ReportingLine]:
        return [ln for lines in self._managers.values() for ln in lines if ln.manager == manager_id]

    def add_line(self, line: ReportingLine) -> None:
        self.person(line.person)
        self.person(line.manager)
        if line.manager == line.person or self._reaches(line.manager, line.person):
            raise InvalidInput(
                f"{line.person} reporting to {line.manager} would make a cycle",
                field="manager",
                fix=f"{line.manager} already reports (directly or not) to {line.person}",
            )
        if any(existing.manager == line.manager for existing in self._managers[line.person]):
            raise InvalidInput(f"{line.person} already reports to {line.manager}", field="manager")
        self._managers[line.person].append(line)

    def _reaches(self, start: str, target: str) -> bool:
        """Does `start` report, through any chain of lines, to `target`?"""
        seen: set[str] = set()
        stack = [start]
        while stack:
            current = stack.pop()
            if current == target:
                return True
            if current in seen:
                continue
            seen.add(current)
            stack.extend(ln.manager for ln in self._managers.get(current, []))
        return False

    def roots(self) -> list[Person]:
        return [p for pid, p in self.people.items() if not self._managers.get(pid)]

    def joint_reporters(self) -> list[str]:
        return [pid for pid, lines in self._managers.items() if len(lines) > 1]
