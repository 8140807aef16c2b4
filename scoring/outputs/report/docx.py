"""The 通报 as a Word document: docxtpl (Jinja2 inside a .docx) fills the office's template.

docxtpl (and python-docx under it) live behind this module only. The default template is
templates/tongbao.docx (built by templates/build_tongbao.py); an office passes its own with the same
tags (scoring report --template). The template is opened before anything is written, so a bad one
stops the report whole.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from docx.opc.exceptions import OpcError
from docxtpl import DocxTemplate
from jinja2 import TemplateError

DEFAULT_TEMPLATE = "templates/tongbao.docx"


class TemplateProblem(ValueError):
    """The Word template could not be read or filled: names the file and what went wrong."""


def default_template() -> Path:
    return Path(str(resources.files("scoring.outputs.report").joinpath(DEFAULT_TEMPLATE)))


def open_template(template: Path | None = None) -> DocxTemplate:
    """The template, read and checked now (a missing or broken file fails before any file is written)."""
    source = template or default_template()
    try:
        document = DocxTemplate(str(source))
        document.init_docx()
        document.get_undeclared_template_variables()  # parses the tags: a broken one fails here
    except TemplateError as error:
        raise TemplateProblem(f"通报模板 {source} 有误：{error}") from error
    except (OpcError, OSError, KeyError, ValueError) as error:  # not a .docx (a zip with word/document.xml)
        raise TemplateProblem(f"无法读取通报模板 {source}（应为 Word .docx 文件）：{error}") from error
    document.source = source
    return document


def write_docx(context: dict[str, Any], path: Path, document: DocxTemplate) -> Path:
    """Fill the opened template with `context` and save it at `path` (written whole, or not at all)."""
    try:
        document.render(context, autoescape=True)
    except TemplateError as error:
        raise TemplateProblem(f"通报模板 {document.source} 有误：{error}") from error
    partial = path.with_name(path.name + ".part")
    document.save(str(partial))
    partial.replace(path)
    return path
