"""Regenerate the corpus of bad inputs (run from the repo root).

Each file holds one kind of mistake users make; ``tests/test_bad_inputs.py`` asserts the error each
one gets: file, row, column and what is wrong. Parks are the fictional 测试园区 (test_park) of
``tests/fixtures/formats/parks.csv``; numbers are invented.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
OBS = "park_id,indicator,period,basis,value,unit,source\n"
GOOD = "测试园区,主营业务收入,2021,annual,100,亿元,虚构测试\n"
TGT = (
    "target_id,park_id,indicator,kind,comparator,base_period,base_value,target_period,"
    "target_value,unit,threshold,threshold_unit,source,clause\n"
)
TGOOD = "t-01,测试园区,主营业务收入,level,>=,,,2022,800,亿元,,,虚构规划,到2022年主营业务收入突破800亿元\n"
PARKS = "park_id,name_zh,short_name_zh,level,kind,province,source\n"

TEXT_CASES: dict[str, str] = {
    "obs_unknown_park.csv": OBS + GOOD + "测试园去,主营业务收入,2020,annual,90,亿元,虚构测试\n",
    "obs_unknown_indicator.csv": OBS + GOOD + "测试园区,主营收,2020,annual,90,亿元,虚构测试\n",
    "obs_bad_number.csv": OBS + GOOD + "测试园区,主营业务收入,2020,annual,12..5,亿元,虚构测试\n",
    "obs_bad_period.csv": OBS + GOOD + "测试园区,主营业务收入,2021年13月,ytd,90,亿元,虚构测试\n",
    "obs_missing_basis.csv": OBS + GOOD + "测试园区,主营业务收入,2021-09,,90,亿元,虚构测试\n",
    "obs_basis_mismatch.csv": OBS + GOOD + "测试园区,主营业务收入,2020,quarter,90,亿元,虚构测试\n",
    "obs_unknown_basis.csv": OBS + GOOD + "测试园区,主营业务收入,2021-09,weekly,90,亿元,虚构测试\n",
    "obs_unknown_unit.csv": OBS + GOOD + "测试园区,主营业务收入,2020,annual,90,斤,虚构测试\n",
    "obs_wrong_dimension.csv": OBS
    + GOOD
    + "测试园区,主营业务收入,2020,annual,90,平方公里,虚构测试\n",
    "obs_percent_clash.csv": OBS + GOOD + "测试园区,主营业务收入,2020,annual,12%,亿元,虚构测试\n",
    "obs_missing_unit.csv": OBS + GOOD + "测试园区,主营业务收入,2020,annual,90,,虚构测试\n",
    "obs_missing_column.csv": "park_id,indicator,period,unit\n测试园区,主营业务收入,2021,亿元\n",
    "obs_conflict.csv": OBS + GOOD + "测试园区,主营业务收入,2021,annual,120,亿元,另一来源\n",
    "obs_unknown_qualifier.csv": "park_id,indicator,period,basis,value,unit,qualifier,source\n"
    "测试园区,主营业务收入,2021,annual,100,亿元,maybe,虚构测试\n",
    "obs_no_park.csv": OBS + GOOD + ",主营业务收入,2020,annual,90,亿元,虚构测试\n",
    "obs_empty.csv": "",
    "obs_unknown_type.json": '{"park_id": "test_park"}\n',
    "obs_old_format.xls": "not really an old workbook\n",
    "obs_damaged.xlsx": "PK this is not a zip archive\n",
    "targets_bad_kind.csv": TGT
    + TGOOD
    + "t-02,测试园区,主营业务收入,doubling,>=,2019,,2022,2,倍,,,虚构规划,三年倍增\n",
    "targets_bad_comparator.csv": TGT
    + TGOOD
    + "t-02,测试园区,主营业务收入,level,==,,,2025,900,亿元,,,虚构规划,到2025年900亿元\n",
    "targets_growth_unit.csv": TGT
    + TGOOD
    + "t-02,测试园区,主营业务收入,growth_rate,>=,2020,,2025,20,亿元,,,虚构规划,年均增长20%\n",
    "targets_duplicate_id.csv": TGT + TGOOD + TGOOD.replace("800", "900"),
    "targets_missing_clause.csv": TGT
    + TGOOD
    + "t-02,测试园区,主营业务收入,level,>=,,,2025,900,亿元,,,虚构规划,\n",
    "targets_no_threshold.csv": TGT
    + TGOOD
    + "t-02,测试园区,主营业务收入,count_over_threshold,>=,,,2025,5,个,,,虚构规划,千亿园区5个\n",
    "targets_no_base.csv": TGT
    + TGOOD
    + "t-02,测试园区,主营业务收入,multiple,>=,,,2022,2,倍,,,虚构规划,三年倍增\n",
    "parks_bad_slug.csv": PARKS + "测试,测试二园,测试二园,county,工业园区,江西省,虚构\n",
    "parks_bad_level.csv": PARKS
    + "test_two,测试二园,测试二园,national-level,工业园区,江西省,虚构\n",
    "memberships_unknown_member.csv": "group_id,member_id,source\nno_such_group,test_park,虚构\n",
}


def write_sheet_without_header(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "数据"
    ws.append(["这一页没有表头"])
    ws.append([1, 2, 3])
    book.save(path)


if __name__ == "__main__":
    for name, text in TEXT_CASES.items():
        (HERE / name).write_text(text, encoding="utf-8")
    (HERE / "obs_not_text.csv").write_bytes(b"park_id,value\n\xff\xfe\xff\xfe\x81\x30\xff\n")
    write_sheet_without_header(HERE / "obs_sheet_without_header.xlsx")
    print(f"wrote {len(TEXT_CASES) + 2} bad inputs to {HERE}")
