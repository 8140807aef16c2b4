"""The 通报 as a Word document: docxtpl (Jinja2 inside a .docx) fills the office's template.

docxtpl lives behind this module only. The default template is templates/tongbao.docx (built by
templates/build_tongbao.py); an office passes its own with the same tags (scoring report --template).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError

DEFAULT_TEMPLATE = "templates/tongbao.docx"


class TemplateProblem(ValueError):
    """The Word template could not be read or filled: names the file and what went wrong."""


def default_template() -> Path:
    return Path(str(resources.files("scoring.outputs.report").joinpath(DEFAULT_TEMPLATE)))


def write_docx(context: dict[str, Any], path: Path, template: Path | None = None) -> Path:
    """Fill the template with `context` and save it at `path` (written whole, or not at all)."""
    source = template or default_template()
    try:
        document = DocxTemplate(str(source))
        document.render(context, autoescape=True)
    except TemplateError as error:
        raise TemplateProblem(f"通报模板 {source} 有误：{error}") from error
    except (OSError, KeyError, ValueError) as error:  # not a file, or not a .docx (a zip with word/document.xml)
        raise TemplateProblem(f"无法读取通报模板 {source}：{error}") from error
    partial = path.with_name(path.name + ".part")
    document.save(str(partial))
    partial.replace(path)
    return path
