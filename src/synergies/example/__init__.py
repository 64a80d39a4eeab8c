"""The example alliance: Renault-Nissan as of March 2016, from public reporting.

Facts come from ../shared/domain.md. Anything those sources do not give (initiatives, the split
of published totals by function, initiative and partner, people's names, exact days, FX by
month) is invented, consistent with the totals, and flagged illustrative in data and output.
"""
