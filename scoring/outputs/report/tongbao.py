"""The 通报's words: from the report's data, the context the Word template (templates/tongbao.docx) lays out.

A 通报 reads as prose: 总体情况 (units, averages, grade counts, movement since the last period), 表扬
(the best units of each group), 通报批评 (vetoed and 不合格 units, overdue rectification), 主要问题
(the most frequent problems, with counts and named units), 整改要求 with deadlines, and two
attachments (rankings per group, the open rectification items) as tables. Every number comes from
the report's data (scoring.outputs.report.data), so the 通报 says what the HTML and workbook show.
The 通报 is a Chinese official document: its words are Chinese whatever the report's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from scoring.outputs.report.cards import two
from scoring.outputs.report.data import RANKING_HEAD, RANKING_TAIL, Report
from scoring.outputs.report.labels import NUMERALS, chinese_date, label, period_text
from scoring.outputs.report.scan import ITEM, LINE_FIELDS
from scoring.outputs.limits import ITEMS_IN_DOCUMENT
from scoring.rectify.items import DONE
from scoring.store.settings import DEFAULT_ISSUER  # noqa: F401 (the workspace setting's default)

DEFAULT_RECIPIENTS = "各县（市、区）人民政府，市政府各部门，各有关单位："
RECTIFY_DAYS = 30  # default time the criticised units get to rectify and report, from the date of issue
PROBLEMS = 5  # the most frequent problems the 通报 names


@dataclass(frozen=True)
class Issue:
    """Who issues the 通报, its number, date, addressees and the rectification deadline it sets."""
    issuer: str = DEFAULT_ISSUER
    doc_number: str = ""
    issued: date | None = None  # default: the report's as-of date
    recipients: str = DEFAULT_RECIPIENTS
    rectify_by: date | None = None  # default: RECTIFY_DAYS after the date of issue


def listing(names: list[str]) -> str:
    return "、".join(names)


def context(report: Report, issue: Issue) -> dict[str, Any]:
    data = report.data
    meta = data["meta"]
    issued = issue.issued or date.fromisoformat(meta["as_of"])
    rectify_by = issue.rectify_by or issued + timedelta(days=RECTIFY_DAYS)
    when = period_text(meta["period"])
    subject = "政务公开、办事公开"
    return {
        "issuer": issue.issuer, "doc_number": issue.doc_number, "recipients": issue.recipients,
        "issued": chinese_date(issued),
        "title": f"关于{when}{subject}工作考核结果的通报" + ("（草稿）" if data["cycle"]["draft"] else ""),
        "opening": [f"根据《{meta['standard_title']}》，{issue.issuer}组织对{when}各单位{subject}工作进行了考核。"
                    "现将考核结果通报如下："],
        "overview": overview(data, when, len(gate_failed(report))) + objects_overview(report),
        "praise": praise(data),
        "criticism": criticism(report, meta["as_of"]),
        "problems": problems(data),
        "requirements": requirements(report, rectify_by, issue.issuer),
        "attachment_ranking": f"{when}{subject}工作考核排名",
        "attachment_items": f"{when}未完成整改事项清单",
        "groups": ranking_tables(data),
        **items_table(report),
    }


def overview(data: dict[str, Any], when: str, gated: int = 0) -> list[str]:
    """`gated`: units placed as failed by a stage gate (criteria with parts), counted apart from vetoes."""
    summary = data["summary"]
    sizes = listing([f"{g['name']}{g['units']}个" for g in data["group_summary"]])
    grades = "，".join([f"{g['name']}{g['count']}个" for g in summary["grades"]]
                      + ([f"数据不全、未评定等次{summary['ungraded']}个"] if summary.get("ungraded") else []))
    apart = f"（不含数据不全的{summary['ungraded']}个单位）" if summary.get("ungraded") else ""
    first = (f"{when}共有{summary['units']}个单位参加考核，其中{sizes}。参评单位平均得分{summary['average_score']}分"
             f"{apart}；考核等次评定为{grades}。")
    if summary["vetoed"] - gated:
        first += f"其中{summary['vetoed'] - gated}个单位因存在一票否决情形，考核等次直接确定为不合格。"
    if gated:
        first += f"{gated}个单位经判定为不合格。"
    averages = listing([f"{g['name']}平均{g['average_score']}分" for g in data["group_summary"]])
    # A dimension with no points to lose (a veto dimension: maximum 0) has no rate to be weak in.
    weakest = sorted((d for d in summary["dimensions"] if Decimal(d["average_max"])),
                     key=lambda d: Decimal(d["rate"]))[:2]
    second = f"分组看，{averages}。" + (f"从各方面得分率看，{listing([d['name'] + '（' + d['rate'] + '%）' for d in weakest])}"
                                      "相对薄弱。" if weakest else "")
    return [first, second, *movement(data)]


NO_OBJECTS = "NO_OBJECTS"  # scoring.engine.objects: no object of any part's kinds, nothing scored
OBJECTS_NAMED = 5  # the failed or weakest objects the 通报 names


def objects_overview(report: Report) -> list[str]:
    """Parts scored per object: how many websites and accounts of each kind, their average, and the failed
    (else the lowest) ones by unit and name; the units with no object at all (数据不全, no grade)."""
    kinds = report.standard.criteria.object_kinds
    scored = [(rec.name, o) for rec in report.scan.records for o in rec.objects]
    out = []
    if scored:
        by_kind: dict[str, list[Decimal]] = {}
        for _name, (_part, kind, _obj, score, _outcome) in scored:
            by_kind.setdefault(kind, []).append(Decimal(score))
        counts = listing([f"{kinds[k].name if k in kinds else k}{len(v)}个（平均{two(sum(v) / len(v))}分）"
                          for k, v in by_kind.items()])
        failed = [(name, o) for name, o in scored if o[4] == "fail"]
        shown = failed or sorted(scored, key=lambda pair: (Decimal(pair[1][3]), pair[0]))[:1]
        named = listing([f"{name}“{o[2]}”（{kinds[o[1]].name if o[1] in kinds else o[1]}，{o[3]}分）"
                         for name, o in shown[:OBJECTS_NAMED]])
        text = f"逐个评分的对象中，{counts}。"
        text += (f"不合格的对象{len(failed)}个：{named}" + ("等" if len(failed) > OBJECTS_NAMED else "") + "。"
                 if failed else f"得分最低的是{named}。")
        out.append(text)
    missing = [rec.name for rec in report.scan.records if NO_OBJECTS in rec.flags]
    if missing:
        out.append(f"{listing(missing)}没有任何应逐个评分的对象（网站、账号等），无可评分内容，数据不全："
                   "其得分不反映工作实绩，未评定等次，请补报对象后重新评分。")
    return out


def movement(data: dict[str, Any]) -> list[str]:
    """Since the previous period: the comparable units' average then and now, who moved up most."""
    previous = data["meta"]["previous"]
    rows = [r for g in data["groups"] for r in g["rows"] if r["previous_score"] is not None]
    if not previous or not rows:
        return []
    before = sum(Decimal(r["previous_score"]) for r in rows) / len(rows)
    now = sum(Decimal(r["score"]) for r in rows) / len(rows)
    change = now - before
    trend = f"提高{two(change)}分" if change > 0 else (f"下降{two(-change)}分" if change < 0 else "持平")
    ranked = [r for r in rows if r["rank_change"] is not None]
    up = sorted((r for r in ranked if r["rank_change"] > 0), key=lambda r: (-r["rank_change"], r["unit"]))
    down = sum(1 for r in ranked if r["rank_change"] < 0)
    text = (f"与{period_text(previous)}相比，两期均参加考核的{len(rows)}个单位平均得分由{two(before)}分变为"
            f"{two(now)}分，{trend}；组内名次上升的{len(up)}个、下降的{down}个")
    if up:
        text += "，进步较大的有" + listing([f"{r['name']}（上升{r['rank_change']}名）" for r in up[:3]])
    return [text + "。"]


def praise(data: dict[str, Any]) -> list[str]:
    """Per group, its best units of the best grade (优秀): a fifth of the group, at least one and at most five.
    A scale of only two grades (合格, 不合格) has no grade above passing: the best-ranked passing units then."""
    grades = data["summary"]["grades"]
    best_grade, best_name = grades[0]["code"], grades[0]["name"]
    out = []
    for group in data["groups"]:
        room = min(5, max(1, len(group["rows"]) // 5))
        best = [r for r in group["rows"] if r["grade_code"] == best_grade and not r["veto"]][:room]
        if best:
            out.append(f"{group['name']}：" + listing([f"{r['name']}（{r['score']}分）" for r in best]) + "。")
    if not out:
        return [f"本期无考核等次为{best_name}的单位。"]
    head = (f"以下单位考核等次为{best_name}且在本组排名前列，予以通报表扬：" if len(grades) > 2
            else "以下单位考核得分在本组排名前列，予以通报表扬：")
    return [head, *out,
            "希望受到表扬的单位再接再厉，发挥示范带动作用。"]


def veto_reason(report: Report, unit: str) -> str:
    kind, title = LINE_FIELDS.index("lines_kind"), LINE_FIELDS.index("title")
    veto = label("kind_veto", report.data["meta"]["lang"])
    rec = report.scan.record_of(unit)
    # A veto node's line and its part's veto stage line name the same rule: once.
    return "；".join(dict.fromkeys(line[title] for line in rec.lines if line[kind] == veto)) if rec else ""


def gate_failed(report: Report) -> list[dict[str, Any]]:
    """Ranking rows placed as failed by a stage gate (低于60分判定为不合格), not by a veto."""
    rows = [r for g in report.data["groups"] for r in g["rows"]]
    return [r for r in rows if r["veto"] and not veto_reason(report, r["unit"]) and gate_reason(report, r["unit"])]


def gate_reason(report: Report, unit: str) -> str:
    """The notes of the stage gates that judged the unit's parts 不合格 (criteria with parts only)."""
    kind, note = LINE_FIELDS.index("lines_kind"), LINE_FIELDS.index("note")
    failed = label("kind_gate_fail", report.data["meta"]["lang"])
    rec = report.scan.record_of(unit)
    return "；".join(line[note] for line in rec.lines if line[kind] == failed) if rec else ""


def criticism(report: Report, as_of: str) -> list[str]:
    data = report.data
    rows = [r for g in data["groups"] for r in g["rows"]]
    worst_grade = data["summary"]["grades"][-1]["code"]
    out = []
    # With parts, a unit is also placed as failed when a stage gate judged it 不合格 (低于60分): no veto line.
    gated = gate_failed(report)
    gated_units = {r["unit"] for r in gated}
    vetoed = [r for r in rows if r["veto"] and r["unit"] not in gated_units]
    if vetoed:
        reasons = [f"{r['name']}（{veto_reason(report, r['unit']) or '一票否决'}）" for r in vetoed]
        out.append(f"以下{len(vetoed)}个单位存在一票否决情形，考核等次确定为不合格：{listing(reasons)}。")
    if gated:
        reasons = [f"{r['name']}（{gate_reason(report, r['unit'])}）" for r in gated]
        out.append(f"以下{len(gated)}个单位经判定为不合格：{listing(reasons)}。")
    failed = [r for r in rows if r["grade_code"] == worst_grade and not r["veto"]]
    if failed:
        out.append(f"以下{len(failed)}个单位考核得分未达到合格标准，考核等次为不合格："
                   + listing([f"{r['name']}（{r['score']}分）" for r in failed]) + "。")
    behind = data["overdue_units"]
    if behind:
        overdue = sum(g["overdue"] for g in data["rectification_groups"])
        units = sum(g["units_overdue"] for g in data["rectification_groups"])
        named = listing([f"{u['name']}（{u['overdue']}项）" for u in behind[:5]])
        out.append(f"截至{chinese_date(date.fromisoformat(as_of))}，仍有{overdue}项整改事项超过整改期限未完成，"
                   f"涉及{units}个单位，其中{named}超期事项较多。")
    if out:
        out.append("对上述单位予以通报批评。")
    return out or ["本期无一票否决、不合格或超期未整改的单位。"]


def problems(data: dict[str, Any]) -> list[str]:
    found = data["findings"][:PROBLEMS]
    if not found:
        return ["本期检查未发现需要通报的问题。"]
    out = [f"从日常检查和考核情况看，各单位存在的问题主要集中在以下{len(found)}个方面："]
    for i, f in enumerate(found):
        out.append(f"（{NUMERALS[i]}）{f['name']}。共发现{f['findings']}处，涉及{f['units']}个单位，"
                   f"累计扣{f['points_lost']}分，如{listing(f['examples'])}等。")
    return out


def requirements(report: Report, rectify_by: date, issuer: str) -> list[str]:
    groups = report.data["rectification_groups"]
    still_open = sum(g["open"] for g in groups)
    overdue = sum(g["overdue"] for g in groups)
    deadline = chinese_date(rectify_by)
    out = []
    if still_open:
        out.append(f"（一）对附件2所列{still_open}项未完成的整改事项，相关单位要逐项明确责任人和整改措施，"
                   "在各事项的整改期限内完成整改，并报送整改情况和佐证材料。")
    if overdue:
        out.append(f"（{NUMERALS[len(out)]}）其中已超过整改期限的{overdue}项，相关单位须于{deadline}前完成整改，"
                   "并书面说明逾期原因。")
    out.append(f"（{NUMERALS[len(out)]}）受到通报批评的单位要认真分析原因，于{deadline}前向{issuer}"
               "报送整改方案，整改情况将纳入下一年度考核。")
    return out


def change_text(row: dict[str, Any]) -> str:
    change = row["rank_change"]
    if change is None:
        return "新参评" if row["previous_rank"] is None else "—"
    return f"上升{change}名" if change > 0 else (f"下降{-change}名" if change < 0 else "持平")


def ranking_tables(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each group's ranking; a big group as the HTML summary has it (its first and last units)."""
    out = []
    for group in data["groups"]:
        rows = group["rows"]
        shown = rows if not group["omitted"] else rows[:RANKING_HEAD] + rows[-RANKING_TAIL:]
        note = (f"本组共{len(rows)}个单位，列出前{RANKING_HEAD}名和后{RANKING_TAIL}名，完整排名见考核报告工作簿。"
                if group["omitted"] else "")
        out.append({"heading": f"{group['name']}（{len(rows)}个单位）", "note": note,
                    "rows": [{"rank": r["rank"], "name": r["name"] + ("（一票否决）" if r["veto"] else ""),
                              "score": r["score"], "grade": r["grade"], "change": change_text(r)} for r in shown]})
    return out




def items_table(report: Report) -> dict[str, Any]:
    """The open rectification items, by unit then deadline; overdue ones marked."""
    status, deadline, title, note, overdue = (ITEM[k] for k in ("status_name", "deadline", "title", "note", "overdue"))
    still_open = sum(rec.open for rec in report.scan.records)  # a big run's records keep only some items
    if still_open > ITEMS_IN_DOCUMENT:
        return {"items": [], "items_note": f"未完成整改事项共{still_open}项，明细见考核报告工作簿和CSV文件。"}
    open_items = [(rec.name, item) for rec in report.scan.records for item in rec.items
                  if item[ITEM["status"]] not in DONE]
    open_items.sort(key=lambda pair: (pair[1][ITEM["unit"]], pair[1][deadline]))
    rows = [{"number": i + 1, "name": name, "problem": f"{item[title]}：{item[note]}" if item[note] else item[title],
             "deadline": item[deadline], "status": item[status] + ("（超期）" if item[overdue] else "")}
            for i, (name, item) in enumerate(open_items)]
    note = f"共{len(rows)}项，其中超期{sum(1 for _, item in open_items if item[overdue])}项。" if rows else "无未完成的整改事项。"
    return {"items": rows, "items_note": note}
