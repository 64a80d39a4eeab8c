"""Partners: independent companies that converge functions in the alliance."""

from __future__ import annotations

import re
from dataclasses import dataclass

from synergies.domain.calendar import FiscalCalendar
from synergies.domain.errors import InvalidInput, NotFound
from synergies.domain.money import currency_code

_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,19}$")
# The same rule before upper-casing, for request schemas: what partner_code accepts.
CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{1,19}$"
# Not a partner: the whole alliance (a person's company in an alliance role; a ledger amount
# for the alliance, which its initiative's rule splits between the partners).
ALLIANCE = "ALLIANCE"


def partner_code(value: str, *, field: str = "partner") -> str:
    """The one normal form of a partner (or agreement) code: RENAULT, NISSAN, DAIMLER."""
    code = value.strip().upper()
    if not _CODE.match(code):
        raise InvalidInput(
            f"{value!r} is not a partner code",
            field=field,
            fix="use 2-20 letters, digits or _ starting with a letter, like RENAULT",
        )
    return code


@dataclass(frozen=True, slots=True)
class Partner:
    """A company of the alliance (or an outside party to one of its agreements)."""

    code: str
    name: str
    home_currency: str
    fiscal_calendar: FiscalCalendar
    member: bool = True  # False for a party like Daimler: an agreement, not the alliance

    @classmethod
    def create(
        cls, code: str, name: str, currency: str, fiscal_year_start: int = 1, member: bool = True
    ) -> Partner:
        if partner_code(code) == ALLIANCE:
            raise InvalidInput(
                f"{ALLIANCE} names the whole alliance, not a partner",
                field="code",
                fix="give the partner its own code, like RENAULT",
            )
        return cls(
            partner_code(code),
            name.strip() or code,
            currency_code(currency, field="home_currency"),
            FiscalCalendar(fiscal_year_start),
            member,
        )


def find_partner(partners: dict[str, Partner], code: str, *, field: str = "partner") -> Partner:
    """Look a partner up by code, or say which codes exist."""
    key = code.strip().upper()  # not partner_code(): an unknown code is NotFound, not invalid
    if key not in partners:
        known = ", ".join(sorted(partners)) or "none yet"
        raise NotFound(f"unknown partner {code!r}", field=field, fix=f"use one of: {known}")
    return partners[key]
