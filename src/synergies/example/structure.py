"""Partners, holdings, agreements, functions, people, targets and FX of the example."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from synergies.domain.agreements import Agreement, Amendment, ScopeClause, ScopeDecision
from synergies.domain.calendar import Month
from synergies.domain.functions import BusinessFunction, ConvergenceEvent, ConvergenceStage
from synergies.domain.fx import FxRate
from synergies.domain.money import Money
from synergies.domain.org import LineKind, Person, ReportingLine
from synergies.domain.ownership import Shareholding
from synergies.domain.partners import Partner
from synergies.domain.targets import Target

ALLIANCE = "Renault-Nissan Alliance"
DESCRIPTION = (
    "Example alliance as of March 2016, from public reporting; invented details are flagged "
    "illustrative."
)
FOUNDED = date(1999, 3, 27)  # the Renault-Nissan Alliance agreement was signed that day

PARTNERS = [
    Partner.create("RENAULT", "Renault S.A.", "EUR", 1),
    Partner.create("NISSAN", "Nissan Motor Co., Ltd.", "JPY", 4),
    Partner.create("MITSUBISHI", "Mitsubishi Motors Corporation", "JPY", 4),
    Partner.create("RNBV", "Renault-Nissan B.V. (Amsterdam)", "EUR", 1, member=False),
    Partner.create("DAIMLER", "Daimler AG", "EUR", 1, member=False),
]


def _d(text: str) -> date:
    return date.fromisoformat(text)


SHAREHOLDINGS = [
    Shareholding("RENAULT", "NISSAN", Decimal("43.4"), voting=True),
    Shareholding("NISSAN", "RENAULT", Decimal("15"), voting=False),
    Shareholding("RENAULT", "RNBV", Decimal("50"), voting=True),
    Shareholding("NISSAN", "RNBV", Decimal("50"), voting=True),
    Shareholding("RENAULT", "DAIMLER", Decimal("1.55"), voting=True, since=_d("2010-04-07")),
    Shareholding("NISSAN", "DAIMLER", Decimal("1.55"), voting=True, since=_d("2010-04-07")),
    Shareholding("DAIMLER", "RENAULT", Decimal("3.1"), voting=True, since=_d("2010-04-07")),
    Shareholding("DAIMLER", "NISSAN", Decimal("3.1"), voting=True, since=_d("2010-04-07")),
    Shareholding("NISSAN", "MITSUBISHI", Decimal("34"), voting=True, since=_d("2016-10-20")),
]

_DAIMLER_2010 = "2010-04 cooperation agreement"
DAIMLER = Agreement(
    code="DAIMLER",
    name="Renault-Nissan / Daimler strategic cooperation",
    parties=("RENAULT", "NISSAN", "DAIMLER"),
    signed=_d("2010-04-07"),
    clauses=(
        ScopeClause(_DAIMLER_2010, "small car architecture", ScopeDecision.included,
                    _d("2010-04-07"), note="joint architecture for smart and Twingo",
                    aliases=("small cars", "smart/twingo")),
        ScopeClause(_DAIMLER_2010, "engine sharing", ScopeDecision.included, _d("2010-04-07"),
                    aliases=("powertrain sharing", "engines")),
        ScopeClause(_DAIMLER_2010, "light commercial vehicles", ScopeDecision.included,
                    _d("2010-04-07"), note="Citan built on the Kangoo", aliases=("lcv",)),
        ScopeClause(_DAIMLER_2010, "common purchasing", ScopeDecision.included, _d("2010-04-07"),
                    note="selective", aliases=("purchasing",)),
        ScopeClause(_DAIMLER_2010 + " (as reported)", "electric vehicles", ScopeDecision.included,
                    _d("2010-04-07"), note="earlier reports had EV versions of the small cars "
                    "in scope", aliases=("ev", "evs", "electric cars")),
    ),
    amendments=(
        Amendment("2016-03 CEO statement", _d("2016-03-01"), (
            ScopeClause("2016-03 CEO statement (day illustrative)", "electric vehicles",
                        ScopeDecision.excluded, _d("2016-03-01"),
                        note="jointly building EVs with Daimler is 'not part of the cooperation, "
                        "but that doesn't mean they can't be in the future'",
                        aliases=("ev", "evs", "electric cars")),
        )),
    ),
    excluded_from_synergies=True,
)  # fmt: skip

MITSUBISHI = Agreement(
    code="MITSUBISHI",
    name="Nissan / Mitsubishi Motors alliance (illustrative clauses)",
    parties=("NISSAN", "MITSUBISHI"),
    signed=_d("2016-10-20"),
    clauses=(
        ScopeClause("2016-10 strategic alliance (illustrative)", "joint purchasing",
                    ScopeDecision.included, _d("2018-01-01"),
                    note="a third partner joining functions from 2018", aliases=("purchasing",)),
        ScopeClause("2016-10 strategic alliance (illustrative)", "platform sharing",
                    ScopeDecision.included, _d("2018-01-01")),
    ),
)  # fmt: skip

AGREEMENTS = [DAIMLER, MITSUBISHI]

_FOUNDED = ConvergenceEvent(ConvergenceStage.independent, _d("1999-03-27"), "alliance founded")
_CONVERGED = ConvergenceEvent(
    ConvergenceStage.converged, _d("2014-04-01"), "run by an alliance EVP"
)


def _converged(since_study: str) -> tuple[ConvergenceEvent, ...]:
    return (
        _FOUNDED,
        ConvergenceEvent(ConvergenceStage.converging, _d(since_study), "date illustrative"),
        _CONVERGED,
    )


def _added_2016() -> tuple[ConvergenceEvent, ...]:
    return (_FOUNDED, ConvergenceEvent(ConvergenceStage.converging, _d("2016-03-01"),
                                       "added in 2016 (day illustrative)"))  # fmt: skip


def _studied_2016() -> tuple[ConvergenceEvent, ...]:
    return (_FOUNDED, ConvergenceEvent(ConvergenceStage.under_study, _d("2016-03-01"),
                                       "under study in 2016 (day illustrative)"))  # fmt: skip


FUNCTIONS = [
    BusinessFunction("engineering", "Engineering", _converged("2013-04-01"), "evp-engineering"),
    BusinessFunction("manufacturing-scm",
                     "Manufacturing engineering & supply chain management",
                     _converged("2013-04-01"), "evp-manufacturing"),
    BusinessFunction("purchasing", "Purchasing", _converged("2001-04-01"), "evp-purchasing"),
    BusinessFunction("human-resources", "Human resources", _converged("2013-04-01"), "evp-hr"),
    BusinessFunction("quality", "Quality", _added_2016(), "evp-quality"),
    BusinessFunction("costing", "Costing", _added_2016(), "evp-quality"),
    BusinessFunction("sales-marketing", "Sales & marketing", _studied_2016()),
    BusinessFunction("connected-services", "Connectivity & connected services", _studied_2016(),
                     "ogi-redzic"),
    BusinessFunction("product-planning", "Product planning", _studied_2016()),
    BusinessFunction("aftersales", "Aftersales", _studied_2016()),
    BusinessFunction("support-functions", "Other support functions", _studied_2016()),
]  # fmt: skip


def _p(pid: str, name: str, title: str, company: str, function: str | None = None) -> Person:
    return Person(pid, name, title, company, function, illustrative=pid != "ogi-redzic")


PEOPLE = [
    _p("ceo", "A. Laurent", "Chairman & CEO of Renault, Nissan and the Alliance", "ALLIANCE"),
    _p("evp-engineering", "B. Moreau", "Alliance EVP Engineering", "ALLIANCE", "engineering"),
    _p("evp-manufacturing", "C. Tanaka", "Alliance EVP Manufacturing & SCM", "ALLIANCE",
       "manufacturing-scm"),
    _p("evp-purchasing", "D. Girard", "Alliance EVP Purchasing", "ALLIANCE", "purchasing"),
    _p("evp-hr", "E. Sato", "Alliance EVP Human Resources", "ALLIANCE", "human-resources"),
    _p("evp-quality", "F. Kimura", "Alliance EVP Quality & Costing", "ALLIANCE", "quality"),
    _p("renault-board", "G. Petit", "Renault management board member", "RENAULT"),
    _p("nissan-board", "H. Yamada", "Nissan management board member", "NISSAN"),
    Person("ogi-redzic", "Ogi Redzic", "Senior executive, connected vehicles and mobility "
           "services", "ALLIANCE", "connected-services"),
    _p("renault-controller", "I. Lambert", "Renault controller, alliance synergies", "RENAULT"),
    _p("nissan-controller", "J. Suzuki", "Nissan controller, alliance synergies", "NISSAN"),
    _p("mitsubishi-controller", "K. Ito", "Mitsubishi controller, alliance synergies",
       "MITSUBISHI"),
]  # fmt: skip

LINES = [
    *(ReportingLine(p, "ceo") for p in ("evp-engineering", "evp-manufacturing", "evp-purchasing",
                                        "evp-hr", "evp-quality", "renault-board", "nissan-board")),
    ReportingLine("ogi-redzic", "renault-board", LineKind.joint),
    ReportingLine("ogi-redzic", "nissan-board", LineKind.joint),
    ReportingLine("renault-controller", "renault-board"),
    ReportingLine("nissan-controller", "nissan-board"),
]  # fmt: skip


def _eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


TARGETS = [
    Target(2016, _eur("4300000000"), note="2016 target; reached a year early in 2015"),
    Target(2018, _eur("5500000000"), note="set in March 2016"),
    Target(2022, _eur("10000000000"), note="later target: over 10 bn by end of 2022"),
    Target(2018, _eur("2000000000"), "purchasing", illustrative=True),
    Target(2018, _eur("1800000000"), "engineering", illustrative=True),
    Target(2018, _eur("1100000000"), "manufacturing-scm", illustrative=True),
]

# Approximate annual-average EUR/JPY reference rates, applied to every month (illustrative).
EUR_JPY = {
    2009: "130.34", 2010: "116.24", 2011: "110.96", 2012: "102.49", 2013: "129.66",
    2014: "140.31", 2015: "134.31", 2016: "120.20", 2017: "126.71", 2018: "130.40",
}  # fmt: skip
FX_SOURCE = "approximate annual average EUR/JPY, same rate every month (illustrative)"


def fx_rates() -> list[FxRate]:
    return [
        FxRate(Month(year, month), "JPY", Decimal(rate))
        for year, rate in EUR_JPY.items()
        for month in range(1, 13)
    ]
