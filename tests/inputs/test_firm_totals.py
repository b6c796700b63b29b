"""Park 亩均 figures from firm sums ÷ land (never a mean of the firms' ratios), with lineage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from parkdata.errors import InputError
from parkdata.inputs.firm_totals import compact_rows, park_efficiency


def firm_table() -> pd.DataFrame:
    """Park p1 2024 (rows 2–4 and 6 of firms.csv) and park p2 2024 (row 5), hand-sized:

    F1 10 亩, tax 100, VA 500, energy 50; F2 20 亩, tax 300, VA 1000, no energy;
    F3 no land, tax 50, VA 200, energy 20; F4 0 亩 (a tenant), tax 40, no VA, energy 10.
    """
    return pd.DataFrame(
        {
            "enterprise_id": ["F1", "F2", "F3", "G1", "F4"],
            "name": ["甲", "乙", "丙", "丁", "戊"],
            "park_id": ["p1", "p1", "p1", "p2", "p1"],
            "year": [2024, 2024, 2024, 2024, 2024],
            "land_mu": [10.0, 20.0, np.nan, 8.0, 0.0],
            "tax": [100.0, 300.0, 50.0, -4.0, 40.0],  # G1: 退税 makes its tax negative
            "value_added": [500.0, 1000.0, 200.0, 80.0, np.nan],
            "energy_tce": [50.0, np.nan, 20.0, np.nan, 10.0],
            "fictional": [False, False, False, True, False],
            "origin_file": "firms.csv",
            "origin_sheet": None,
            "origin_row": [2, 3, 4, 5, 6],
        }
    )


def test_park_figures_are_ratios_of_sums_hand_computed() -> None:
    out = park_efficiency(firm_table()).set_index("park_id")
    p1 = out.loc["p1"]
    assert p1["year"] == 2024 and p1["n_firms"] == 4
    assert (p1["land_mu"], p1["tax"], p1["value_added"], p1["energy_tce"]) == (30, 490, 1700, 80)
    # tax per mu over firms with tax and land > 0 (F1, F2): (100 + 300) ÷ (10 + 20)
    assert p1["tax_per_mu"] == pytest.approx(400 / 30)
    assert p1["tax_per_mu"] != pytest.approx((10 + 15) / 2)  # not the mean of 10 and 15
    # value added per mu over F1, F2: 1500 ÷ 30
    assert p1["value_added_per_mu"] == pytest.approx(50.0)
    # value added per tce over firms with both and energy > 0 (F1, F3): 700 ÷ 70
    assert p1["value_added_per_energy"] == pytest.approx(10.0)
    used = [
        f"firms_used_{c}" for c in ("tax_per_mu", "value_added_per_mu", "value_added_per_energy")
    ]
    assert p1[used].tolist() == [2, 2, 2]
    assert (p1["origin_file"], p1["origin_rows"]) == ("firms.csv", "2–4, 6")
    assert not p1["fictional"] and p1["derived"]
    p2 = out.loc["p2"]
    assert p2["tax_per_mu"] == pytest.approx(-0.5) and np.isnan(p2["value_added_per_energy"])
    assert np.isnan(p2["energy_tce"]) and p2["firms_used_value_added_per_energy"] == 0
    assert (p2["origin_rows"], bool(p2["fictional"])) == ("5", True)


def test_one_row_per_park_and_year_in_order_with_units() -> None:
    table = firm_table()
    later = table.assign(year=2025, origin_file="firms_2025.xlsx", origin_sheet="企业")
    out = park_efficiency(pd.concat([later, table], ignore_index=True))
    assert list(zip(out["park_id"], out["year"], strict=True)) == [
        ("p1", 2024),
        ("p1", 2025),
        ("p2", 2024),
        ("p2", 2025),
    ]
    assert out.loc[1, "origin_file"] == "firms_2025.xlsx [企业]"
    assert out.attrs["units"]["value_added_per_energy"] == "万元/吨标准煤"


def test_several_files_list_their_rows_in_the_same_order() -> None:
    table = firm_table()
    table.loc[[1, 4], "origin_file"] = "more.csv"
    p1 = park_efficiency(table).set_index("park_id").loc["p1"]
    assert (p1["origin_file"], p1["origin_rows"]) == ("firms.csv; more.csv", "2, 4; 3, 6")


def test_without_lineage_columns_and_with_bad_numbers() -> None:
    bare = firm_table().drop(columns=["origin_file", "origin_sheet", "origin_row", "fictional"])
    out = park_efficiency(bare)
    assert out["origin_file"].isna().all() and not out["fictional"].any()
    broken = firm_table().astype({"tax": object})
    broken.loc[2, "tax"] = "五十"
    with pytest.raises(InputError) as err:
        park_efficiency(broken)
    assert [(i.file, i.row, i.column) for i in err.value.issues] == [("firms.csv", 4, "tax")]
    with pytest.raises(InputError) as err:
        park_efficiency(firm_table().drop(columns=["energy_tce"]))
    assert [i.column for i in err.value.issues] == ["energy_tce"]


def test_compact_rows() -> None:
    assert compact_rows(range(2, 32)) == "2–31"
    assert compact_rows([2, 3, 4, 5, 6, 7, 8, 9, 10, 12]) == "2–10, 12"
    assert compact_rows([]) == ""
