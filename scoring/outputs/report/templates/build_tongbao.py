"""Builds tongbao.docx, the default Word template of the 通报, reproducibly (python-docx, docxtpl's own dependency).

    python scoring/outputs/report/templates/build_tongbao.py

The layout follows the usual 党政机关公文格式 (GB/T 9704): A4, 3号仿宋 body at 28 pt line spacing,
黑体 first-level and 楷体 second-level headings, a 小标宋 title, the issuing body in red over a red rule,
page numbers in the footer. The Jinja2 tags (docxtpl: {%p %} repeats paragraphs, {%tr %} table rows) are
filled by scoring.outputs.report.docx from scoring.outputs.report.tongbao's context. An office replaces
the template with its own (scoring report --template), keeping the tags it wants.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
RED = RGBColor(0xC0, 0x00, 0x00)
FANGSONG, HEITI, KAITI, XIAOBIAOSONG = "仿宋", "黑体", "楷体", "方正小标宋简体"
NEXT_STEPS = (
    "（一）压实工作责任。各单位主要负责同志要切实履行推进政务公开第一责任人职责，"
    "分管负责同志要具体抓，把政务公开纳入重要议事日程，确保各项任务落到实处。",
    "（二）坚持问题导向。各单位要举一反三，对照考核指标和本通报指出的问题开展自查，"
    "建立问题清单、任务清单、责任清单，做到即知即改、立行立改。",
    "（三）强化日常监管。市政务公开工作主管部门将持续开展日常检查和第三方评估，"
    "对整改不到位、问题反复出现的单位进行约谈，并将结果纳入下一年度考核。",
)


def fonts(run_or_style, name: str, size: float, bold: bool = False, colour: RGBColor | None = None) -> None:
    """Latin and East Asian fonts both: Word picks the East Asian one for Chinese text."""
    font = run_or_style.font
    font.name, font.size, font.bold = name, Pt(size), bold
    if colour is not None:
        font.color.rgb = colour
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attribute), name)


def paragraph_style(doc, name: str, font: str, size: float, align=None, indent: bool = False, bold: bool = False,
                    colour: RGBColor | None = None, exact: float | None = 28):
    style = doc.styles.add_style(name, 1)
    style.base_style = doc.styles["Normal"]
    fonts(style, font, size, bold, colour)
    layout = style.paragraph_format
    if exact:
        layout.line_spacing_rule, layout.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(exact)
    layout.space_before = layout.space_after = Pt(0)
    layout.first_line_indent = Pt(size * 2) if indent else None
    if align is not None:
        layout.alignment = align
    return style


def styles(doc) -> None:
    fonts(doc.styles["Normal"], FANGSONG, 16)
    paragraph_style(doc, "发文机关", XIAOBIAOSONG, 30, WD_ALIGN_PARAGRAPH.CENTER, colour=RED, exact=None)
    paragraph_style(doc, "文号", FANGSONG, 16, WD_ALIGN_PARAGRAPH.CENTER)
    paragraph_style(doc, "通报标题", XIAOBIAOSONG, 22, WD_ALIGN_PARAGRAPH.CENTER, exact=35)
    paragraph_style(doc, "主送", FANGSONG, 16)
    paragraph_style(doc, "正文", FANGSONG, 16, WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    paragraph_style(doc, "一级标题", HEITI, 16, indent=True)
    paragraph_style(doc, "二级标题", KAITI, 16, indent=True)
    paragraph_style(doc, "落款", FANGSONG, 16, WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph_style(doc, "附件标题", HEITI, 16)
    paragraph_style(doc, "附件名称", XIAOBIAOSONG, 18, WD_ALIGN_PARAGRAPH.CENTER, exact=32)
    paragraph_style(doc, "表格文字", FANGSONG, 10.5, WD_ALIGN_PARAGRAPH.CENTER, exact=None)
    paragraph_style(doc, "表格标题", HEITI, 10.5, WD_ALIGN_PARAGRAPH.CENTER, exact=None)
    paragraph_style(doc, "表格正文", FANGSONG, 10.5, WD_ALIGN_PARAGRAPH.LEFT, exact=None)


def page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    number.append(text)
    field.append(number)
    footer.add_run("— ")
    footer._p.append(field)
    tail = OxmlElement("w:r")
    tail_text = OxmlElement("w:t")
    tail_text.set(qn("xml:space"), "preserve")
    tail_text.text = " —"
    tail.append(tail_text)
    footer._p.append(tail)


def red_rule(paragraph) -> None:
    """The red line under the issuing body (a bottom border of the 文号 paragraph)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def add(doc, text: str, style: str):
    return doc.add_paragraph(text, style=style)


def repeated(doc, loop: str, text: str, style: str = "正文") -> None:
    """A paragraph per element of a list (docxtpl's {%p %} tags take their whole paragraph)."""
    add(doc, "{%p for text in " + loop + " %}", style)
    add(doc, text, style)
    add(doc, "{%p endfor %}", style)


def table(doc, headers: list[str], cells: list[str], loop: str, widths: list[float],
          left: tuple[int, ...] = ()) -> None:
    """A Word table: a header row repeated on every page, one row per element of `loop`."""
    grid = doc.add_table(rows=4, cols=len(headers))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for column, width in zip(grid.columns, widths):
        column.width = Mm(width)  # the grid's widths, which LibreOffice and WPS follow
    rows = grid.rows
    header_props = rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for i, (head, cell, width) in enumerate(zip(headers, cells, widths)):
        for row in rows:
            row.cells[i].width = Mm(width)
        rows[0].cells[i].paragraphs[0].text = head
        rows[0].cells[i].paragraphs[0].style = doc.styles["表格标题"]
        rows[2].cells[i].paragraphs[0].text = cell
        rows[2].cells[i].paragraphs[0].style = doc.styles["表格正文" if i in left else "表格文字"]
    rows[1].cells[0].paragraphs[0].text = "{%tr for row in " + loop + " %}"
    rows[3].cells[0].paragraphs[0].text = "{%tr endfor %}"


def body(doc) -> None:
    add(doc, "{{ issuer }}", "发文机关")
    red_rule(add(doc, "{{ doc_number }}", "文号"))
    add(doc, "", "正文")
    add(doc, "{{ title }}", "通报标题")
    add(doc, "", "正文")
    add(doc, "{{ recipients }}", "主送")
    repeated(doc, "opening", "{{ text }}")
    add(doc, "一、总体情况", "一级标题")
    repeated(doc, "overview", "{{ text }}")
    add(doc, "二、表扬", "一级标题")
    repeated(doc, "praise", "{{ text }}")
    add(doc, "三、通报批评", "一级标题")
    repeated(doc, "criticism", "{{ text }}")
    add(doc, "四、存在的主要问题", "一级标题")
    repeated(doc, "problems", "{{ text }}")
    add(doc, "五、整改要求", "一级标题")
    repeated(doc, "requirements", "{{ text }}")
    add(doc, "六、下一步工作要求", "一级标题")
    for text in NEXT_STEPS:
        add(doc, text, "正文")
    add(doc, "", "正文")
    add(doc, "附件：1. {{ attachment_ranking }}", "正文")
    add(doc, "2. {{ attachment_items }}", "正文").paragraph_format.first_line_indent = Pt(80)
    add(doc, "", "正文")
    add(doc, "", "正文")
    add(doc, "{{ issuer }}", "落款").paragraph_format.right_indent = Pt(64)
    add(doc, "{{ issued }}", "落款").paragraph_format.right_indent = Pt(48)
    attachments(doc)


def attachments(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    add(doc, "附件1", "附件标题")
    add(doc, "{{ attachment_ranking }}", "附件名称")
    add(doc, "{%p for group in groups %}", "正文")
    add(doc, "{{ group.heading }}", "二级标题")
    table(doc, ["排名", "单位", "得分", "等次", "较上期"],
          ["{{ row.rank }}", "{{ row.name }}", "{{ row.score }}", "{{ row.grade }}", "{{ row.change }}"],
          "group.rows", [14, 80, 20, 20, 22], left=(1,))
    add(doc, "{{ group.note }}", "表格文字")
    add(doc, "{%p endfor %}", "正文")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    add(doc, "附件2", "附件标题")
    add(doc, "{{ attachment_items }}", "附件名称")
    add(doc, "{{ items_note }}", "表格文字")
    table(doc, ["序号", "单位", "问题", "整改期限", "状态"],
          ["{{ row.number }}", "{{ row.name }}", "{{ row.problem }}", "{{ row.deadline }}", "{{ row.status }}"],
          "items", [12, 34, 64, 22, 24], left=(1, 2))


def build(path: Path) -> Path:
    doc = Document()
    core = doc.core_properties
    core.author = core.last_modified_by = "gongkai-scoring"
    core.title = "政务公开考核结果通报（模板）"
    # A fixed date: the same script makes the same template (python-docx stamps "now" otherwise).
    from datetime import datetime
    core.created = core.modified = datetime(2026, 1, 1)
    core.revision = 1
    page(doc)
    styles(doc)
    body(doc)
    doc.save(path)
    return fixed_times(path)


def fixed_times(path: Path) -> Path:
    """The zip's entries stamped with one fixed time (python-docx stamps the time of saving), so the same
    script makes the same bytes."""
    entries = []
    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return path


if __name__ == "__main__":
    print(build(HERE / "tongbao.docx"))
