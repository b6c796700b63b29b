"""``parkdata template``: the Excel workbook a park office fills in (park figures, firms'
亩均效益 figures or proposed industrial projects: ``--kind``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from parkdata.contract.enterprise_columns import TableName
from parkdata.inputs.enterprise_template import DATA_SHEETS, write_enterprise_template
from parkdata.inputs.loading import load
from parkdata.inputs.template import DATA_SHEET, write_template
from parkdata.reporting.wording import text

DEFAULT_OUT = {
    "observations": "parkdata_template.xlsx",
    "enterprises": "企业亩均数据.xlsx",
    "projects": "拟供地项目.xlsx",
}
"""The workbook written when no --out is given, by --kind."""


def run(args: argparse.Namespace) -> int:
    kind = getattr(args, "kind", "observations") or "observations"
    out = Path(args.out or DEFAULT_OUT[kind])
    parks = load().parks
    if kind == "observations":
        written = write_template(out, parks=parks)
        print(text("cli.template_wrote", args.language, path=written, sheet=DATA_SHEET))
        return 0
    firm_kind: TableName = "projects" if kind == "projects" else "enterprises"
    written = write_enterprise_template(out, parks=parks, kind=firm_kind)
    print(
        text(
            f"firm_input.template_wrote_{kind}",
            args.language,
            path=written,
            sheet=DATA_SHEETS[kind],
        )
    )
    return 0
