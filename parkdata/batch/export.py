"""Executed notebook → one self-contained HTML page (code hidden, images inline, no CDN).

The exporter is nbconvert's ``HTMLExporter`` with the ``parkreport`` template: JupyterLab's
``lab`` template minus every script it would fetch from the web (require.js, MathJax, Mermaid,
widgets), so the page opens offline and without console errors. One exporter is built per
process and reused: building it costs more than exporting.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

TEMPLATE_NAME = "parkreport"
REMOVE_TAG = "remove_cell"


@cache
def html_exporter(language: str = "zh") -> Any:
    """The configured exporter (cached per process and language)."""
    # heavy: nbconvert takes seconds to import and only workers export pages
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    base = resources.files("parkdata").joinpath("templates", "nbconvert")
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = (REMOVE_TAG,)
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(base)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code="zh" if language == "zh" else "en",
    )
    exporter.register_preprocessor(_drop_stderr, enabled=True)
    return exporter


def _drop_stderr(nb: Any, resources_: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Warnings printed to stderr belong in the run log, not in a report someone shares."""
    for cell in nb.cells:
        if cell.get("outputs"):
            cell.outputs = [
                o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")
            ]
    return nb, resources_


def notebook_html(nb: Any, title: str, language: str = "zh") -> str:
    """HTML of an executed notebook node, titled ``title`` (escaped by the template)."""
    nb.metadata["title"] = title
    body, _ = html_exporter(language).from_notebook_node(
        nb, resources={"metadata": {"name": title}}
    )
    return str(body)
