"""The per-park enterprise evaluation page: hand-checked numbers, escaping, English, transitions,
the fictional banner, the policies file and the notebook."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from parkdata import paths
from parkdata.assessment.enterprise_scheme import EfficiencyScheme
from parkdata.errors import ArgumentError, SchemaError
from parkdata.inputs.demo import demo_enterprises, enterprise_csv
from parkdata.reporting.class_policies import parse_policy_sets, policy_set
from parkdata.reporting.enterprise_page import EnterpriseReport, enterprise_report

CJK = re.compile(r"[\u4e00-\u9fff]")
# score = 100 × 亩均税收 ÷ 10 = 10 × tax ÷ land: easy to check by hand
TEN_X = EfficiencyScheme(
    name="测试方案", weights={"tax_per_mu": 100}, benchmarks={"tax_per_mu": 10}, source="测试来源"
)
PARKS = pd.DataFrame(
    {
        "park_id": ["test_park"],
        "name_zh": ["测试园区"],
        "province": ["浙江省"],
        "fictional": [False],
    }
)
HOSTILE = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://evil.example","点我")'


def _firms(rows: list[tuple[str, str, float, bool, bool]], year: int) -> pd.DataFrame:
    """(id, name, tax, banned, utility) with 10 亩 each."""
    return pd.DataFrame(
        {
            "enterprise_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "park_id": "test_park",
            "year": year,
            "land_mu": 10.0,
            "tax": [r[2] for r in rows],
            "banned_industry": [r[3] for r in rows],
            "utility": [r[4] for r in rows],
            "fictional": False,
            "origin_file": f"firms_{year}.csv",
            "origin_sheet": None,
            "origin_row": range(2, len(rows) + 2),
        }
    )


@pytest.fixture(scope="module")
def firms() -> pd.DataFrame:
    # 2023: scores 200, 150, 100, 50, 20; T6 banned (forced D), T7 a utility (not rated)
    now = _firms(
        [
            ("T1", "甲企业", 200.0, False, False),
            ("T2", HOSTILE, 150.0, False, False),
            ("T3", FORMULA, 100.0, False, False),
            ("T4", "丁企业", 50.0, False, False),
            ("T5", "戊企业", 20.0, False, False),
            ("T6", "己企业", 300.0, True, False),
            ("T7", "庚企业", 80.0, False, True),
        ],
        2023,
    )
    # 2022: scores T2 200, T1 100, T3 100, T4 50, T6 30, T5 20, T8 10 (7 ranked)
    before = _firms(
        [
            ("T1", "甲企业", 100.0, False, False),
            ("T2", HOSTILE, 200.0, False, False),
            ("T3", FORMULA, 100.0, False, False),
            ("T4", "丁企业", 50.0, False, False),
            ("T5", "戊企业", 20.0, False, False),
            ("T6", "己企业", 30.0, False, False),
            ("T8", "辛企业", 10.0, False, False),
        ],
        2022,
    )
    return pd.concat([before, now], ignore_index=True)


def _report(firms: pd.DataFrame, language: str = "zh", **kw: object) -> EnterpriseReport:
    return enterprise_report(
        "test_park", data=firms, schemes=[TEN_X], parks=PARKS, language=language, **kw
    )


def _page(report: EnterpriseReport) -> str:
    return "".join(s.html for s in report.sections())


def test_summary_and_tables_have_the_hand_computed_numbers(firms: pd.DataFrame) -> None:
    report = _report(firms)
    assert (report.year, report.previous) == (2023, 2022)  # the latest year by default
    first, classes, scheme = report.summary().sentences
    assert first == (
        "2023年，测试园区共有7家企业纳入亩均效益评价：按得分分类5家，强制列为D类1家，"
        "不参评1家，无法计分0家。"
    )
    assert classes == "A类1家、B类2家、C类1家、D类2家（其中强制D类1家）。"
    # ranks 1..5 of 5: shares 0.2 A, 0.4 and 0.6 B, 0.8 C, 1.0 D
    assert "位次占比不超过0.20为A类" in scheme
    assert "A类≥200.00、B类≥100.00、C类≥50.00" in scheme
    firm_html = report.firm_table().html
    assert report.firm_table().rows == 7
    # the first firm: rank 1, score 200, 亩均税收 20 contributing 200
    row = re.search(r"<tr[^>]*>(.*?)</tr>", firm_html.split("<tbody>")[1], re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[0] == "1" and cells[1].startswith("甲企业") and cells[2] == "A类"
    assert cells[3] == "200.00" and cells[4].startswith("20<") and "得分 200.00" in cells[4]
    table = report.class_table().html
    b_row = '<td class="pd-label">B类</td><td class="num">2</td><td>33.3%</td><td class="num">100.00–150.00</td>'
    assert b_row in table  # T2 and T3: 2 of the 6 classed firms (T6 forced into D counts)
    assert "D类（其中强制1家）" in table
    excluded = report.excluded().html
    assert "强制D类：属于淘汰类或禁止类产业（banned_industry）" in excluded
    assert "不参评：水、电、气等资源要素供给企业（utility）" in excluded
    notes = report.notes().html
    assert "firms_2023.csv" in notes and ">8<" in notes  # T7 is row 8 of its file
    assert "测试来源" in report.header().html


def test_transitions_over_two_years(firms: pd.DataFrame) -> None:
    section = _report(firms).transitions()
    assert section.sentences[0] == (
        "与2022年相比：升级1家，降级4家，新增1家，本年无记录1家，有一年未评级0家，类别不变1家。"
    )
    assert section.rows == 7  # every firm but T3 (B both years)
    html = section.html
    t1 = html.split("甲企业")[1].split("</tr>")[0]
    assert "B类" in t1 and "A类" in t1 and "升级" in t1
    assert "辛企业" in html and "本年无记录" in html
    # the matrix: T2 went A → B, T7 new and not rated
    matrix = html.split("pd-matrix")[1]
    rows = {
        m.group(1): [int(v) for v in re.findall(r"<td[^>]*>(\d+)</td>", m.group(2))]
        for m in re.finditer(r'<th scope="row">(.*?)</th>(.*?)</tr>', matrix, re.S)
    }
    assert rows["A类"] == [0, 1, 0, 0, 0, 0]
    assert rows["无记录"] == [0, 0, 0, 0, 1, 0]
    assert sum(map(sum, rows.values())) == 8


def test_one_year_says_there_is_no_previous_year(firms: pd.DataFrame) -> None:
    report = _report(firms, year=2022)
    assert report.previous is None
    assert "2022年之前" in report.transitions().sentences[0]
    with pytest.raises(ArgumentError, match="2022, 2023"):
        _report(firms, year=2021)


def test_strings_from_data_are_escaped(firms: pd.DataFrame) -> None:
    projects = pd.DataFrame(
        {"project_id": ["P1"], "name": [HOSTILE], "investment": [5000.0], "land_mu": [10.0]}
    )
    html = _page(_report(firms, projects=projects))
    assert HOSTILE not in html and "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert FORMULA not in html and "=HYPERLINK(&#34;http://evil.example&#34;" in html


def test_land_supply_section_decides_each_project(firms: pd.DataFrame) -> None:
    projects = pd.DataFrame(
        {
            "project_id": ["P1", "P2"],
            "name": ["甲项目", "乙项目"],
            "investment": [5000.0, 6000.0],
            "land_mu": [10.0, 15.0],
        }
    )
    html = _report(firms, projects=projects).land_supply().html
    assert "对固定资产投资5000万元以下" in html  # the clause, quoted
    p1, p2 = html.split("甲项目")[1], html.split("乙项目")[1]
    assert "入驻标准厂房" in p1.split("</tr>")[0] and "5,000万元以下（含本数）" in p1
    assert "单独供地" in p2.split("</tr>")[0]
    assert "本节从略" in _report(firms).land_supply().html


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if data.strip() and not self.skip:
            self.found.append(data.strip())


def test_english_page_has_no_chinese_but_names_and_quoted_sources(firms: pd.DataFrame) -> None:
    projects = pd.DataFrame(
        {"project_id": ["P1"], "name": ["甲项目"], "investment": [9000.0], "land_mu": [10.0]}
    )
    report = _report(firms, language="en", projects=projects)
    parser = _Texts()
    parser.feed(_page(report))
    names = [
        *firms["name"],
        "测试园区",
        "测试方案",
        "测试来源",
        "甲项目",
        "浙政发",
        "湖口",
        "民法典",
    ]
    chinese = [t for t in parser.found if CJK.search(t) and not any(n in t for n in names)]
    assert not chinese
    words = parser.found
    assert "Summary" in words and "Firm by firm" in words
    assert any(t.startswith("In 2023, 7 firms of 测试园区 are in the evaluation") for t in words)
    assert any("forced D: banned or phased-out industry (banned_industry)" in t for t in words)
    assert any("10,000 yuan per mu" in t for t in words)


def test_fictional_firms_get_the_banner(firms: pd.DataFrame) -> None:
    assert 'class="pd-fictional"' not in _report(firms).header().html
    demo = enterprise_report("demo_0001")  # no data: the fictional demo firms
    header = demo.header().html
    assert 'class="pd-fictional"' in header and "虚构示例数据" in header
    assert "示例园区-0001（虚构）" in header
    assert demo.year == 2023 and demo.previous == 2022


def test_firm_files_and_a_prepared_folder_are_read(tmp_path: Path) -> None:
    firms = demo_enterprises(pd.DataFrame({"park_id": ["demo_0002"]}), years=(2022, 2023))
    enterprise_csv(firms).to_csv(tmp_path / "enterprises.csv", index=False)
    from_file = enterprise_report("demo_0002", data=tmp_path / "enterprises.csv")
    assert (from_file.year, from_file.previous) == (2023, 2022)
    lineage = from_file.notes().html
    assert lineage.count("<td>enterprises.csv</td>") == len(from_file.now)
    prepared = tmp_path / "prepared"
    prepared.mkdir()
    firms.to_parquet(prepared / "firms.parquet")
    again = enterprise_report("示例园区-0002", data=prepared)  # a name the registry knows
    assert again.park_id == "demo_0002"
    assert again.summary().sentences == from_file.summary().sentences
    with pytest.raises(ArgumentError, match="demo_0002"):
        enterprise_report("demo_0003", data=prepared)


def test_policies_follow_the_province_and_are_validated(
    tmp_path: Path, firms: pd.DataFrame
) -> None:
    assert _report(firms).policies.code == "zhejiang"  # 测试园区 is in 浙江省
    assert _report(firms, policies="default").policies.code == "default"
    html = _report(firms).policies_section().html
    assert "浙政发〔2018〕5号" in html and "示例" in html
    for grade in "ABCD":
        assert policy_set("zhejiang").policies_for(grade)
    with pytest.raises(SchemaError, match=r"own\.yaml: set mine: policies\.0\.source"):
        parse_policy_sets(
            "sets:\n  - {code: mine, zh: 我的, en: mine, policies: [{class: A, zh: 甲, en: a}]}\n",
            "own.yaml",
        )
    own = tmp_path / "own.yaml"
    own.write_text(
        "sets:\n  - code: mine\n    zh: 本地\n    en: local\n    policies:\n"
        "      - {class: A, zh: 本地甲, en: local a, source: 本地文件}\n",
        encoding="utf-8",
    )
    assert "本地文件" in _report(firms, policies=str(own)).policies_section().html
    with pytest.raises(ArgumentError, match="zhejiang"):
        _report(firms, policies="atlantis")


@pytest.mark.notebook
def test_notebook_runs_with_papermill(tmp_path: Path) -> None:
    import papermill as pm  # heavy: only this test needs it

    out = tmp_path / "enterprise_evaluation.ipynb"
    nb = pm.execute_notebook(
        str(paths.NOTEBOOKS_DIR / "enterprise_evaluation.ipynb"),
        str(out),
        parameters={"park_id": "demo_0001", "language": "zh"},
        progress_bar=False,
        kernel_name="python3",
        execution_timeout=300,
    )
    html = [
        o["data"]["text/html"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.outputs
        if "text/html" in o.get("data", {})
    ]
    page = "".join(html)
    assert len(html) == 10  # one output per section
    assert "虚构示例数据" in page and "企业得分明细" in page and "类别转移矩阵" in page
    assert page.count('<figure class="pd-chart"') >= 2


# ---------------------------------------------------------------- review fixes (issue 17)

TEMPLATE_HEADER = "统一社会信用代码,企业名称,园区,年度,规上企业,用地面积（亩）,税收（万元）"
PROJECT_HEADER = "项目编号,项目名称,园区,固定资产投资（万元）,拟用地面积（亩）"


def _lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_park_names_in_files_are_resolved_to_ids(tmp_path: Path) -> None:
    """A filled template names its park (湖口高新园区): the page finds the park by its id,
    keeps its province, and the projects naming the park by name are checked."""
    firms = _lines(
        tmp_path / "enterprises.csv",
        [TEMPLATE_HEADER, "F1,甲,湖口高新园区,2023,是,10,50", "F2,乙,湖口高新区,2023,是,10,20"],
    )
    projects = _lines(
        tmp_path / "projects.csv",
        [PROJECT_HEADER, "P1,甲项目,湖口高新园区,9000,20", "P2,乙项目,别的园区,9000,20"],
    )
    report = enterprise_report("hukou_hitech", data=firms, projects=projects)
    assert report.park_id == "hukou_hitech" and len(report.now) == 2
    assert report.park["province"] == "江西省" and report.policies.code == "default"
    land = report.land_supply()
    assert land.rows == 1 and "甲项目" in land.html and "乙项目" not in land.html
    by_name = enterprise_report("湖口高新园区", data=firms)
    assert by_name.park_id == "hukou_hitech"


def test_an_unknown_park_name_is_a_new_park_under_its_name(tmp_path: Path) -> None:
    from parkdata.reporting.firm_data import load_firm_data

    firms = _lines(
        tmp_path / "enterprises.csv",
        [TEMPLATE_HEADER, "F1,甲,新建园区,2023,是,10,50", "F2,乙,湖口高新园区,2023,是,10,5"],
    )
    got = load_firm_data(firms)
    assert sorted(got.firms["park_id"]) == ["hukou_hitech", "新建园区"]
    assert got.new_parks == ["新建园区"]
    assert enterprise_report("新建园区", data=firms).park_id == "新建园区"


def test_a_prepared_projects_table_is_read_as_it_is(tmp_path: Path, firms: pd.DataFrame) -> None:
    from parkdata.inputs.enterprise_files import load_projects

    projects = _lines(tmp_path / "projects.csv", [PROJECT_HEADER, "P1,甲项目,测试园区,9000,20"])
    table = load_projects(projects)
    table["park_id"] = "test_park"
    table.to_parquet(tmp_path / "projects.parquet")
    land = _report(firms, projects=tmp_path / "projects.parquet").land_supply()
    assert land.rows == 1 and "projects.csv · 2" in land.html  # its origin, not the Parquet's


ABOVE = EfficiencyScheme(
    name="规上方案",
    weights={"tax_per_mu": 100},
    benchmarks={"tax_per_mu": 10},
    source="测试来源",
    scope="above_scale",
)
BELOW = EfficiencyScheme(
    name="规下方案",
    weights={"tax_per_mu": 100},
    benchmarks={"tax_per_mu": 10},
    source="测试来源",
    scope="below_scale",
)


def _one_small(above: bool, year: int, eid: str = "S1") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "enterprise_id": [eid],
            "name": ["小企业"],
            "park_id": "test_park",
            "year": year,
            "above_scale": above,
            "land_mu": 10.0,
            "tax": 50.0,
            "fictional": False,
        }
    )


def test_a_small_group_is_said_to_say_little_and_no_boundary_is_a_dash() -> None:
    one = _one_small(False, 2023)  # 1 ranked 规下 firm: rank share 1 → class D
    for lang, says in (("zh", "仅有1家企业参与排名"), ("en", "Only 1 firm is ranked")):
        report = enterprise_report(
            "test_park", data=one, schemes=[ABOVE, BELOW], parks=PARKS, language=lang
        )
        assert report.now["class"].tolist() == ["D"]
        sentences = report.summary().sentences
        assert any(says in s for s in sentences)
        assert not any("—" in s for s in sentences)
        assert "≥—" not in report.summary().html
    zh = enterprise_report("test_park", data=one, schemes=[ABOVE, BELOW], parks=PARKS)
    assert not any("得分分界" in s for s in zh.summary().sentences)  # no A, B or C boundary


def test_a_firm_rated_under_another_scheme_is_noted_in_the_transitions() -> None:
    firms = pd.concat(
        [_one_small(True, 2022), _one_small(False, 2023)], ignore_index=True
    )  # 规上 in 2022, 规下 in 2023
    report = enterprise_report("test_park", data=firms, schemes=[ABOVE, BELOW], parks=PARKS)
    section = report.transitions()
    assert section.rows == 1
    assert "改用了另一评价方案" in " ".join(section.sentences)
    assert "2022年按“规上方案”评价，本年度按“规下方案”评价" in section.html
    en = enterprise_report(
        "test_park", data=firms, schemes=[ABOVE, BELOW], parks=PARKS, language="en"
    ).transitions()
    assert "do not compare directly" in en.html
