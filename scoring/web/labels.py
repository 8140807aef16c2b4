"""What the web pages say, in Chinese (the default) and English; the menu of each role.

Shared words (score, rank, deadline…) come from scoring.i18n, so the pages and the CLI agree.
"""

from __future__ import annotations

from typing import Any

from scoring.i18n import LABELS as SHARED

LABELS: dict[str, tuple[str, str]] = {
    "app_name": ("政务公开考核", "Openness assessment"),
    "login": ("登录", "Sign in"), "logout": ("退出", "Sign out"),
    "user_name": ("用户名", "User name"), "password": ("密码", "Password"),
    "login_failed": ("用户名或密码不正确。", "Wrong user name or password."),
    "login_limited": ("登录失败次数过多，请 {seconds} 秒后再试。", "Too many failed sign-ins: try again in {seconds} seconds."),
    "back_home": ("返回首页", "Back to the start page"),
    "error_400": ("请求无效。", "The request was not valid."),
    "error_403": ("无权访问此页面或数据。", "You may not see this page or its data."),
    "error_404": ("未找到。", "Not found."),
    "error_405": ("不支持此操作。", "That action is not supported here."),
    "error_409": ("该记录已被占用或已评分，不能修改。", "This record is taken or already scored; it cannot be changed."),
    "error_413": ("上传的文件太大。", "The upload is too large."),
    "error_429": ("操作过于频繁，请稍后再试。", "Too many attempts: try again later."),
    "csrf_failed": ("表单已过期或来源不明，请返回刷新后重试。", "The form expired or did not come from this site: reload and try again."),
    "role_admin": ("管理员", "Admin"), "role_inspector": ("检查人员", "Inspector"),
    "role_department": ("被考核单位", "Department"), "role_leader": ("领导", "Leader"),
    "nav_inspect": ("现场检查", "Spot check"), "nav_self_assessment": ("自查自评", "Self-assessment"),
    "nav_scorecard": ("评分结果", "Scorecard"), "nav_rectifications": ("整改事项", "Rectification items"),
    "nav_ranking": ("考核排名", "Ranking"), "nav_overview": ("整改总览", "Rectification overview"),
    "nav_admin": ("管理", "Admin"), "nav_import": ("导入数据", "Import files"), "nav_run": ("评分", "Score"),
    "nav_users": ("用户", "Users"), "nav_periods": ("考核周期", "Periods"),
    "nav_units": ("被考核单位", "Units"), "nav_accounts": ("批量开通账号", "Department accounts"),
    "nav_audit": ("操作记录", "Audit trail"), "nav_progress": ("填报进度", "Progress"),
    # inspector
    "find_unit": ("选择被检查单位", "Find the unit"), "search": ("查找", "Search"),
    "search_hint": ("单位编码或名称", "Unit code or name"), "no_units_found": ("没有匹配的单位。", "No unit matches."),
    "more_results": ("仅显示前 {n} 个，请输入更多字词。", "Only the first {n} are shown: type more."),
    "today_entries": ("我今天录入的问题", "My entries today"), "today_entries_unit": ("今天对本单位录入的问题", "Entered for this unit today"),
    "no_entries_today": ("今天还没有录入。", "Nothing entered today."),
    "finding_code": ("问题类型", "Finding"), "choose": ("请选择…", "Choose…"),
    "indicator_for_code": ("涉及指标（“应公开未公开”等需选择）", "Indicator (needed for not disclosed, incomplete, untrue)"),
    "codes_any_indicator": ("按指标认定的问题", "Findings on any indicator"), "codes_bonus": ("加分项", "Bonus"),
    "codes_veto": ("一票否决", "Veto"),
    "count": ("数量", "Count"), "corrected_on_spot": ("当场纠正", "Corrected on the spot"),
    "note": ("说明", "Note"), "date": ("检查日期", "Date"), "evidence": ("佐证", "Evidence"),
    "evidence_file": ("照片或文件佐证", "Photo or file as evidence"), "evidence_kept": ("已有佐证", "Evidence kept"),
    "period_follows_date": ("考核周期随检查日期自动选择。", "The period follows the date."),
    "evidence_kept_hint": ("已上传的照片会随本条保存；取消勾选即移除。", "Photos already sent are kept with this finding; untick one to drop it."),
    "too_many_photos": ("每条最多 12 个佐证文件。", "At most 12 evidence files per finding."),
    "taken_at": ("拍摄于", "taken"), "taken_where": ("拍摄位置", "at"),
    "resized_from": ("原图 {size} KB，已在手机上压缩", "shrunk on the phone from {size} KB"),
    "photo_shrinking": ("正在压缩照片…", "Shrinking the photo…"),
    "outbox_title": ("待上传", "Waiting to upload"),
    "outbox_hint": ("没有网络时保存的问题存在本机，联网后自动上传，每条只保存一次。",
                    "Findings saved without a network stay on this phone and are sent once it is online again, each saved once."),
    "outbox_waiting": ("待上传", "waiting"), "outbox_refused": ("未被接受", "refused"),
    "outbox_queued": ("无网络：{id} 已存入待上传，联网后自动上传。", "No network: {id} is kept to upload when online."),
    "outbox_sent": ("已上传 {n} 条离线录入的问题。", "{n} findings saved offline were uploaded."),
    "outbox_sign_in": ("待上传的问题需要重新登录后才能上传。", "Sign in again to upload the waiting findings."),
    "outbox_drop": ("删除", "Drop"), "outbox_confirm_drop": ("确定删除这条未上传的记录？", "Drop this finding that was not uploaded?"),
    "save_finding": ("保存问题", "Save finding"), "save_correction": ("保存更正", "Save correction"),
    "finding_saved": ("已保存 {id}。可继续录入下一条。", "Saved {id}. Enter the next one."),
    "already_saved": ("{id} 已保存过（重复提交未再保存）。", "{id} was already saved (the repeat was ignored)."),
    "finding_corrected": ("已更正 {id}。", "Corrected {id}."), "finding_deleted": ("已删除 {id}。", "Deleted {id}."),
    "follow_up_items": ("本单位整改事项（跟踪督办、验收销号）→", "This unit's rectification items (follow up, sign off) →"),
    "correct_entry": ("更正", "Correct"), "entered_at": ("录入于", "entered at"),
    "entry_locked": ("本周期已公示或定稿，该记录已锁定，不能再更正；如有错误请在公示期内申诉或联系管理员。",
                     "The period is publicised for review or final: this entry is locked. Appeal during the "
                     "review, or ask an admin."),
    "delete_entry": ("删除该记录", "Delete this entry"), "confirm_delete": ("确定删除？", "Delete it?"),
    # department
    "filled": ("已填 {done} / {total} 项", "{done} of {total} filled"),
    "self_assessment_hint": ("对每个适用指标选择自评结论，可附说明和佐证。自评“达标”而检查发现问题的，按自查不实扣分。",
                             "Give a claim for every applicable indicator, with a note and evidence. Claiming compliance "
                             "where inspectors then find a defect costs points."),
    "fix_marked": ("请修改标红的项目。", "Fix the marked items."),
    "save_self_assessment": ("保存自评", "Save self-assessment"),
    "self_assessment_saved": ("已保存 {n} 项自评。", "Saved {n} claims."),
    "claim_compliant": ("达标", "compliant"), "claim_partial": ("部分达标", "partly"),
    "claim_noncompliant": ("未达标", "not compliant"), "claim_not_applicable": ("不涉及", "not applicable"),
    "not_scored_yet": ("{period} 尚未评分。", "{period} has not been scored yet."),
    "vetoed": ("一票否决", "Vetoed"), "issue": ("问题", "Issue"),
    "open_rectifications_page": ("查看并更新整改事项 →", "See and update the items →"),
    "no_items": ("没有整改事项。", "No rectification items."), "history": ("办理记录", "History"),
    "what_was_done": ("整改情况", "What was done"), "evidence_photo": ("整改照片或文件", "Photo or file"),
    "update_status": ("提交", "Submit"), "item_updated": ("{id} 已更新。", "{id} updated."),
    "open": ("查看", "open"),
    # leader
    "grades": ("等次分布", "Grades"), "dimension_shares": ("各方面平均得分率", "Average share of each dimension's points"), "change": ("名次变化", "Move"),
    "change_vs_period": ("名次变化与上一考核周期 {period} 相比（与考核报告一致）", "moves against the previous period {period}, as in the report"),
    "no_previous_period": ("没有可比的上一考核周期", "no earlier period to compare with"),
    "change_vs_run_note": ("“重评”为与本周期上一次评分相比", "\"re-run\" is against this period's previous run"),
    "change_vs_run": ("较本周期上次评分", "against this period's previous run"), "run_short": ("重评", "re-run "),
    "move_new": ("新", "new"), "moved_up": ("上升 {n} 名", "up {n}"), "moved_down": ("下降 {n} 名", "down {n}"),
    "open_items_short": ("未整改", "Open"),
    "open_items": ("未完成整改", "Open items"), "download_report": ("下载考核报告", "Download the report"),
    "as_of": ("截至", "as of"), "all_periods": ("全部", "all"), "show": ("显示", "Show"),
    "items_total": ("整改事项", "items"), "items_open": ("未完成", "open"), "by_unit": ("按单位", "By unit"),
    "items": ("事项（超期在前）", "Items (overdue first)"),
    "more_items": ("另有 {n} 项未显示。", "{n} more not shown."),
    # admin
    "count_units": ("个单位", "units"), "count_findings": ("条检查问题", "findings"), "count_runs": ("次评分", "runs"),
    "count_users": ("个用户", "users"), "current_period": ("当前周期", "Current period"),
    "recent_runs": ("最近的评分", "Recent runs"), "units": ("单位数", "Units"), "created_at": ("时间", "At"),
    "import_hint": ("与命令行 scoring import 相同的校验：文件中任何一行有误则不写入，逐行列出问题。",
                    "The same checks as `scoring import`: any invalid row and nothing is written; every problem is listed by row."),
    "input_kind": ("数据类型", "Kind"), "file": ("文件（CSV、XLSX、JSON）", "File (CSV, XLSX, JSON)"),
    "kind_units": ("被考核单位", "Units"), "kind_findings": ("检查发现", "Findings"),
    "kind_self-assessments": ("自评", "Self-assessments"), "kind_survey": ("民主评议问卷", "Survey answers"),
    "kind_survey-issued": ("问卷发放数", "Surveys issued"), "kind_metrics": ("统计数据", "Metrics"),
    "kind_records": ("带日期的记录", "Dated records"),
    "kind_judged": ("评定分值", "Judged points"),
    "kind_rectifications": ("整改情况汇总表", "Rectification updates"),
    "opt_replace": ("替换这些单位和周期已有的同类数据", "Replace the unit-periods' rows of this kind"),
    "opt_skip_invalid": ("跳过有误的行，导入其余行", "Skip invalid rows, import the rest"),
    "opt_dry_run": ("只校验，不写入", "Check only, write nothing"),
    "upload_and_check": ("上传并校验", "Upload and check"),
    "import_refused": ("未导入：{n} 个问题", "Nothing imported: {n} problems"), "import_done": ("导入完成", "Imported"),
    "rows_read": ("读取 {n} 行", "{n} rows read"), "rows_rejected": ("跳过 {n} 行", "{n} rows skipped"),
    "ignored_columns": ("未使用的列", "Columns not used"), "updates_applied": ("已应用 {n} 条状态更新", "{n} updates applied"),
    "run_now": ("开始评分", "Score now"), "as_of_hint": ("（默认为周期末）", "(default: the period's end)"),
    "run_done": ("评分完成：第 {run} 次，{period}，{units} 个单位，截至 {as_of}。",
                 "Scored: run {run}, {period}, {units} units, as of {as_of}."),
    "data_missing": ("数据不完整：{what}", "Data missing: {what}"),
    "appeals": ("申诉（复核）", "Appeals"), "appeal_target": ("申诉事项", "Appealed line"),
    "appeal_reason": ("申诉理由", "Reason"), "appeal_answer": ("答复", "Answer"),
    "appeal_finding": ("针对的检查发现", "Finding appealed"), "appeal_rule": ("或针对的评分规则", "Or the rule"),
    "appeal_submit": ("提交申诉", "File the appeal"), "appeal_filed": ("申诉 {id} 已提交。", "Appeal {id} filed."),
    "appeal_pending": ("待处理", "pending"), "appeal_accepted": ("已采纳", "accepted"),
    "appeal_rejected": ("不予采纳", "rejected"), "appeal_decided": ("申诉 {id} 已处理。", "Appeal {id} answered."),
    "appeal_accept": ("采纳（撤回该检查发现并重新评分）", "Accept (withdraw the finding, score again)"),
    "appeal_reject": ("不予采纳", "Reject"), "nav_appeals": ("申诉处理", "Appeals"),
    "no_pending_appeals": ("没有待处理的申诉。", "No appeal waits for an answer."),
    "draft_notice": ("本结果为草稿（{state}{ends}），以定稿结果为准。", "These results are a draft ({state} {ends})."),
    "state_open": ("未评分", "open"), "state_scored": ("已评分，未公示", "scored, not published"),
    "state_publicised": ("公示中，公示期至", "under review until"), "state_final": ("已定稿", "final"),
    "late_rectified": ("逾期整改（{days}天）", "rectified {days} day(s) late"),
    "run_busy": ("另一评分正在进行，请稍后。", "Another run is in progress: try again shortly."),
    "bad_date": ("日期格式应为 YYYY-MM-DD。", "Write the date as YYYY-MM-DD."),
    "role": ("角色", "Role"), "state": ("状态", "State"), "actions": ("操作", "Actions"),
    "active": ("启用", "active"), "disabled": ("已停用", "disabled"), "disable": ("停用", "Disable"),
    "enable": ("启用", "Enable"), "new_password": ("新密码", "New password"), "set_password": ("重设密码", "Set password"),
    "add_user": ("添加用户", "Add a user"), "unit_for_department": ("（仅被考核单位用户）", "(department users only)"),
    "user_added": ("已添加用户 {name}。", "Added {name}."), "password_set": ("已重设 {name} 的密码。", "Password of {name} set."),
    "user_disabled": ("已停用 {name}。", "Disabled {name}."), "user_enabled": ("已启用 {name}。", "Enabled {name}."),
    "not_yourself": ("不能停用自己的账号。", "You cannot disable yourself."),
    "start": ("开始", "Start"), "end": ("结束", "End"), "make_current": ("设为当前", "Make current"),
    "add_periods": ("添加周期", "Add periods"), "period_codes": ("周期", "Periods"),
    "period_codes_hint": ("（年、半年、季度、月，空格分隔）", "(years, halves, quarters, months; spaces between)"),
    "no_codes": ("请填写周期，例如 2026。", "Name a period, for example 2026."),
    "periods_added": ("已添加：{codes}", "Added: {codes}"), "period_current": ("当前周期：{code}", "Current period: {code}"),
    # admin: units, accounts, audit, progress
    "add_unit": ("添加单位", "Add a unit"), "edit_unit": ("修改单位", "Edit the unit"), "unit_type": ("单位类型", "Unit type"),
    "ranking_group": ("排名分组", "Ranking group"), "ranking_group_hint": ("（空则按单位类型）", "(blank: by unit type)"),
    "parent_unit": ("上级单位编码", "Parent unit code"), "aliases": ("简称、别名", "Short names, aliases"),
    "aliases_hint": ("（空格分隔，检查人员可用来查找）", "(spaces between; inspectors search by them)"),
    "save": ("保存", "Save"), "edit": ("修改", "Edit"), "retire": ("停用", "Retire"), "restore": ("恢复", "Restore"),
    "retired": ("已停用", "retired"), "confirm_retire": ("停用后不再出现在检查和填报进度中，已有数据和评分保留。确定？",
                                                 "A retired unit leaves the spot-check search and the progress page; its data and runs stay. Retire it?"),
    "unit_saved": ("已保存单位 {code}。", "Saved unit {code}."), "unit_retired": ("已停用 {code}。", "Retired {code}."),
    "unit_restored": ("已恢复 {code}。", "Restored {code}."),
    "accounts_hint": ("上传 CSV 或 XLSX，每个单位一行：单位编码，可选“账号”（默认为小写的单位编码）。任何一行有误则不开通任何账号。",
                      "Upload a CSV or XLSX with one row per unit: 单位编码 (unit code) and optionally 账号 (account; default: the code in lower case). Any invalid row and no account is made."),
    "accounts_made": ("已开通 {n} 个账号", "{n} accounts made"),
    "accounts_once": ("初始密码只显示这一次，请当面或通过安全渠道告知各单位；首次登录时须修改密码。",
                      "The initial passwords are shown this once: hand them over in person or by a safe channel. Each account must change it at first sign-in."),
    "initial_password": ("初始密码", "Initial password"), "make_accounts": ("上传并开通", "Upload and make the accounts"),
    "account_no_unit": ("缺少单位编码", "no unit code"), "account_unknown_unit": ("未知单位 {unit}", "unknown unit {unit}"),
    "account_bad_name": ("账号 {name!r} 不可用：1–64 个字母、数字或 _ . @ -", "{name!r} is not an account name: 1–64 letters, digits, _ . @ or -"),
    "account_exists": ("账号 {name} 已存在", "account {name} exists"), "account_no_rows": ("文件没有数据行", "the file has no rows"),
    "change_password": ("修改密码", "Change the password"),
    "password_forced": ("这是初始密码，请先设置自己的密码。", "This is an initial password: choose your own first."),
    "current_password": ("当前密码", "Current password"), "new_password_again": ("再次输入新密码", "New password again"),
    "password_current_wrong": ("当前密码不正确。", "The current password is wrong."),
    "password_mismatch": ("两次输入的新密码不一致。", "The two new passwords differ."),
    "password_too_weak": ("新密码至少 {n} 个字符，且不能与当前密码相同。", "The new password needs {n} characters and must differ from the current one."),
    "password_changed": ("密码已修改。", "Password changed."),
    "who": ("操作人", "Who"), "what": ("操作", "Action"), "target_contains": ("对象或内容包含", "Target or detail contains"),
    "since": ("自", "From"), "until": ("至", "To"), "no_audit": ("没有符合条件的记录。", "Nothing matches."),
    "older": ("更早的记录 →", "Older →"),
    "self_complete": ("个单位自评已填完", "self-assessments complete"), "survey_present": ("个单位有问卷", "with survey answers"),
    "answers_open": ("项整改未答复", "items not answered"), "all_units": ("全部", "All"),
    "missing_self": ("自评未完成", "Self-assessment missing"), "missing_survey": ("无问卷", "No survey"),
    "missing_answers": ("整改未答复", "Items not answered"),
    "p_findings": ("问题", "Findings"), "p_self": ("自评", "Self"), "p_survey": ("问卷", "Survey"),
    "p_metrics": ("统计", "Metrics"), "p_answers": ("整改", "Answered"),
    "progress_hint": ("自评：已填/适用指标；问卷：答卷人数/发放数；整改：已答复（整改中、已整改、已销号）/整改事项数。",
                      "Self: filled / applicable indicators; survey: respondents / issued; answered: items in progress, rectified or verified / all items."),
    # uploads
    "upload_too_large:10": ("文件超过 10 MB。", "The file is larger than 10 MB."),
    "upload_too_large:50": ("文件超过 50 MB。", "The file is larger than 50 MB."),
    "upload_empty": ("文件是空的。", "The file is empty."),
    "upload_evidence_type": ("佐证只接受照片（JPEG、PNG、GIF、WebP、HEIC）或 PDF。",
                             "Evidence must be a photo (JPEG, PNG, GIF, WebP, HEIC) or a PDF."),
    "upload_input_type": ("只接受 CSV、XLSX、JSON 或 JSON Lines 文件。", "Only CSV, XLSX, JSON or JSON Lines files."),
    "upload_no_file": ("请选择文件。", "Choose a file."),
    "yes": ("是", "yes"), "no": ("否", "no"),
}

NAV: dict[str, list[tuple[str, dict[str, Any], str]]] = {
    "inspector": [("inspector.home", {}, "nav_inspect")],
    "department": [("department.self_assessment", {}, "nav_self_assessment"),
                   ("department.scorecard", {}, "nav_scorecard"),
                   ("department.rectifications", {}, "nav_rectifications")],
    "leader": [("leader.ranking", {}, "nav_ranking"), ("leader.overview", {}, "nav_overview")],
    "admin": [("admin.home", {}, "nav_admin"), ("admin.upload", {}, "nav_import"), ("admin.run", {}, "nav_run"),
              ("admin.appeals", {}, "nav_appeals"), ("units.progress", {}, "nav_progress"), ("units.units", {}, "nav_units"),
              ("admin.users", {}, "nav_users"), ("accounts.bulk", {}, "nav_accounts"), ("admin.periods", {}, "nav_periods"),
              ("units.audit", {}, "nav_audit"),
              ("leader.ranking", {}, "nav_ranking"), ("leader.overview", {}, "nav_overview")],
}


OUTBOX_WORDS = {"waiting": "outbox_waiting", "refused": "outbox_refused", "queued": "outbox_queued",
                "sent": "outbox_sent", "sign_in": "outbox_sign_in", "drop": "outbox_drop",
                "confirm_drop": "outbox_confirm_drop", "error_403": "error_403", "error_404": "error_404",
                "error_409": "error_409"}


def outbox_words(lang: str) -> dict[str, str]:
    """What the outbox script says, in the page's language (it has no templates of its own)."""
    return {name: LABELS[key][1 if lang == "en" else 0] for name, key in OUTBOX_WORDS.items()}


def t(key: str, lang: str = "zh", **values: Any) -> str:
    zh, en = LABELS.get(key) or SHARED.get(key) or (key, key)
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def nav_for(user: dict[str, Any] | None) -> list[tuple[str, dict[str, Any], str]]:
    if user is None:
        return []
    items = NAV.get(user["role"], [])
    if user["role"] == "department":
        return [(endpoint, {"code": user["unit"]}, key) for endpoint, _, key in items]
    return items
