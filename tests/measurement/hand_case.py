"""A small alliance purchasing source whose figures are computed by hand in test_hand_case.py."""

from __future__ import annotations

from pathlib import Path

TABLES: dict[str, str] = {
    "purchase_lines": """line_id,partner,part_number,supplier_id,posting_date,quantity,unit_price,currency
L01,RENAULT,SEAT-100,S-FAURECIA,2015-02-10,10,92.00,EUR
L02,RENAULT,SEAT-100,S-FAURECIA,2015-03-10,5,90.00,EUR
L03,RENAULT,SEAT-100,S-FAURECIA,2015-03-20,4,97.00,EUR
L04,NISSAN,SEAT-100,S-TACHI-S,2015-03-31,3,12350,JPY
L05,NISSAN,SEAT-100,S-TACHI-S,2015-04-01,2,12600,JPY
L06,NISSAN,SEAT-100,S-TACHI-S,2015-05-12,1,12000,JPY
L07,RENAULT,HARN-9,S-YAZAKI,2015-04-15,20,45.00,EUR
L08,RENAULT,STEEL-7,S-ARCELOR,2015-03-31,1000,2.40,EUR
L09,RENAULT,STEEL-7,S-ARCELOR,2015-04-01,1000,2.30,EUR
L10,RENAULT,BOLT-1,S-BOSSARD,2015-04-01,7,1.00,EUR
L11,NISSAN,SEAT-100,S-FAURECIA,2015-04-20,1,90.00,EUR
""",
    "baselines": """partner,part_number,baseline_unit_price,currency,valid_from
RENAULT,SEAT-100,100.00,EUR,2014-01-01
RENAULT,SEAT-100,95.00,EUR,2015-03-15
NISSAN,SEAT-100,13000,JPY,2014-01-01
RENAULT,STEEL-7,2.50,EUR,2014-01-01
""",
    "fx_rates": """month,currency,per_eur
2015-02,JPY,133
2015-03,JPY,130
2015-04,JPY,135
""",
    "initiative_scope": """initiative_id,partner,part_number,valid_from,valid_to
PUR-001,RENAULT,SEAT-100,2015-01-01,
PUR-002,RENAULT,SEAT-100,2015-03-01,
PUR-002,NISSAN,SEAT-100,2015-01-01,
PUR-002,RENAULT,HARN-9,2015-01-01,
PUR-003,RENAULT,STEEL-7,2015-01-01,2015-03-31
""",
    "contracts": """partner,part_number,contract_unit_price,currency,valid_from
RENAULT,SEAT-100,90.00,EUR,2015-01-01
NISSAN,SEAT-100,12000,JPY,2015-01-01
""",
    "quotes": """partner,part_number,quoted_unit_price,currency,valid_from
RENAULT,HARN-9,50.00,EUR,2015-01-01
""",
}


def write_hand_case(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TABLES.items():
        (folder / f"{name}.csv").write_text(text)
    return folder
