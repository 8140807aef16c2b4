"""Objects below the unit (websites, new-media accounts, service windows): `scoring import objects`,
findings and records that name one (对象编码), and the `object` facts rules read (tests/standards/objects;
its rule examples run on both engines in test_criteria_check)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from scoring.engine.facts import _queries
from scoring.engine.matches import fact_kinds_read, findings_aggregable
from scoring.inputs.importing import to_record
from scoring.inputs.models import FindingRow
from scoring.standard import load_default
from scoring.standard.loader import StandardError, load_standard_dir
from scoring.store.tables import SCHEMA_VERSION

OBJECTS_DIR = Path(__file__).resolve().parent / "standards" / "objects"
OBJECTS = load_standard_dir(OBJECTS_DIR)
OBJECT_HEADER = ["对象编码", "单位编码", "对象类型", "对象名称", "网址或账号", "具有对外服务职能", "在用"]
FINDING_HEADER = ["编号", "单位编码", "考核周期", "检查日期", "问题代码", "对象编码"]


def _csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def ws(new_workspace, tmp_path):
    """A workspace on the objects test standard with two units and 2025."""
    ws = new_workspace()
    ws.invoke("init")
    ws.invoke("criteria", "use", OBJECTS_DIR)
    ws.invoke("period", "add", "2025")
    ws.invoke("import", "units", _csv(tmp_path / "u.csv", [["单位编码", "单位名称", "单位类型"],
                                                          ["D1", "某区政府", "county"], ["D2", "某局", "department"]]))
    return ws


def _objects(ws) -> list[dict]:
    return ws.store().query("select * from objects order by code")


def test_objects_import_with_chinese_headers_kinds_by_name_and_defaults(ws, tmp_path):
    path = _csv(tmp_path / "o.csv", [OBJECT_HEADER,
                                     ["WEB-1", "D1", "政府网站", "某区人民政府网", "https://example.gov.cn", "", ""],
                                     ["WB-1", "D1", "weibo", "某区发布", "@某区发布", "否", "是"],
                                     ["WIN-1", "D2", "Service window", "某局窗口", "", "是", "否"]])
    result = ws.invoke("import", "objects", path)
    assert "新增 3" in result.stderr
    assert [(o["code"], o["unit"], o["kind"], o["address"], o["serves_public"], o["active"]) for o in _objects(ws)] == [
        ("WB-1", "D1", "weibo", "@某区发布", 0, 1),
        ("WEB-1", "D1", "website", "https://example.gov.cn", 1, 1),  # 具有对外服务职能 and 在用 default to 是
        ("WIN-1", "D2", "service_window", None, 1, 0)]
    again = ws.invoke("import", "objects", path)  # idempotent
    assert "未变 3" in again.stderr and "新增 0" in again.stderr


def test_objects_import_with_english_headers(ws, tmp_path):
    path = _csv(tmp_path / "o.csv", [["code", "unit", "kind", "name", "serves_public"],
                                     ["WEB-1", "D1", "website", "Site", "false"]])
    ws.invoke("import", "objects", path)
    assert [(o["code"], o["kind"], o["serves_public"], o["active"]) for o in _objects(ws)] == [("WEB-1", "website", 0, 1)]


def test_a_bad_objects_file_writes_nothing_and_names_row_column_and_fix_in_chinese(ws, tmp_path):
    bad = _csv(tmp_path / "o.csv", [OBJECT_HEADER,
                                    ["WEB-1", "D1", "website", "网站", "", "", ""],
                                    ["WB-1", "D9", "weibo", "微博", "", "", ""],
                                    ["WX-1", "D1", "政务微新", "微信", "", "", ""],
                                    ["WX-2", "D1", "wechatt", "微信", "", "也许", ""],
                                    ["WEB-1", "D1", "website", "网站", "", "", ""]])
    refused = ws.invoke("import", "objects", bad, code=2)
    assert "o.csv 第 3 行、「单位编码」列：单位「D9」不在单位名单中；是否应为「D2」？；请先在单位名单中导入该单位" in refused.stderr
    assert ("o.csv 第 4 行、「对象类型」列：无法识别的对象类型「政务微新」；是否应为「政务微博」？"
            "（可用：政府网站、政务微博、政务微信、政务服务窗口）") in refused.stderr
    assert "o.csv 第 5 行、「具有对外服务职能」列：" in refused.stderr and "也许" in refused.stderr
    assert "o.csv 第 6 行、「对象编码」列：与第 2 行重复（WEB-1）" in refused.stderr
    assert _objects(ws) == []  # nothing half-written
    english = ws.invoke("--lang", "en", "import", "objects", bad, code=2)
    assert ("o.csv:4: kind: unknown object kind '政务微新'; did you mean 政务微博? "
            "(known: 政府网站、政务微博、政务微信、政务服务窗口)") in english.stderr
    ws.invoke("import", "objects", bad, "--skip-invalid")
    assert [o["code"] for o in _objects(ws)] == ["WEB-1"]
    rejected = list(csv.reader((tmp_path / "o.csv.rejected.csv").open(encoding="utf-8-sig")))
    assert [r[0] for r in rejected[1:]] == ["3", "4", "5", "6"]
    assert rejected[2][-1] == ("「对象类型」列：无法识别的对象类型「政务微新」；是否应为「政务微博」？"
                               "（可用：政府网站、政务微博、政务微信、政务服务窗口）")


def test_a_standard_without_object_kinds_refuses_objects_and_says_who_declares_them(new_workspace, tmp_path):
    ws = new_workspace().init("2025")
    ws.invoke("import", "units", _csv(tmp_path / "u.csv", [["单位编码", "单位名称", "单位类型"], ["D1", "某局", "市直部门"]]))
    refused = ws.invoke("import", "objects", _csv(tmp_path / "o.csv", [OBJECT_HEADER, ["W", "D1", "website", "网站", "", "", ""]]),
                        code=2)
    assert "o.csv 第 2 行、「对象类型」列：评分标准未定义任何对象类型；请标准管理员在 criteria.yml 的 object_kinds 中列出" in refused.stderr


def _import_objects(ws, tmp_path):
    ws.invoke("import", "objects", _csv(tmp_path / "o.csv", [
        OBJECT_HEADER,
        ["WEB-1", "D1", "website", "某区人民政府网", "", "否", "是"],
        ["WB-1", "D1", "weibo", "某区发布", "", "", ""],
        ["WEB-OLD", "D1", "website", "旧网站", "", "", "否"],
        ["WEB-2", "D2", "website", "某局网站", "", "", ""]]))


def test_findings_may_name_only_an_active_object_of_their_unit(ws, tmp_path):
    _import_objects(ws, tmp_path)
    bad = _csv(tmp_path / "f.csv", [FINDING_HEADER,
                                    ["F-1", "D1", "2025", "2025-03-01", "ACCOUNT_STALE", "WB-1"],
                                    ["F-2", "D1", "2025", "2025-03-01", "SERVICE_BROKEN", "WEB-2"],
                                    ["F-3", "D1", "2025", "2025-03-01", "SITE_STALE", "WEB-OLD"],
                                    ["F-4", "D1", "2025", "2025-03-01", "SITE_STALE", "WB-2"],
                                    ["F-5", "D1", "2025", "2025-03-01", "SITE_STALE", ""]])
    refused = ws.invoke("import", "findings", bad, code=2)
    assert "f.csv 第 3 行、「对象编码」列：对象「WEB-2」属于单位 D2，不属于 D1；请更正单位编码或对象编码" in refused.stderr
    assert ("f.csv 第 4 行、「对象编码」列：对象「WEB-OLD」已停用；请填写在用的对象，或在对象清单中将其标为在用（在用：是）"
            in refused.stderr)
    assert "f.csv 第 5 行、「对象编码」列：对象「WB-2」不在对象清单中；是否应为「WB-1」？；请先在对象清单中导入该对象" in refused.stderr
    assert ws.store().query("select count(*) as n from findings")[0]["n"] == 0
    english = ws.invoke("--lang", "en", "import", "findings", bad, code=2)
    assert "f.csv:3: object: object 'WEB-2' belongs to unit D2, not D1; correct the unit or the object" in english.stderr
    ws.invoke("import", "findings", bad, "--skip-invalid")
    stored = ws.store().query("select id, object from findings order by id")
    assert [(f["id"], f["object"]) for f in stored] == [("F-1", "WB-1"), ("F-5", None)]


def test_records_may_name_an_object_and_rules_join_them(ws, tmp_path):
    _import_objects(ws, tmp_path)
    ws.invoke("import", "records", _csv(tmp_path / "r.csv", [
        ["单位编码", "考核周期", "记录类型", "日期", "是否正常", "对象编码"],
        ["D1", "2025", "access_check", "2025-03-01", "否", "WEB-1"],
        ["D1", "2025", "access_check", "2025-03-02", "否", "WB-1"]]))
    assert sorted(r["object"] for r in ws.store().query("select object from records")) == ["WB-1", "WEB-1"]
    ws.invoke("run", "--period", "2025")
    card = ws.json("scorecard", "D1", "--period", "2025")
    lines = [(l["rule"], l["points"]) for d in card["dimensions"] for i in d["indicators"] for l in i["lines"]]
    assert ("SITE_UNREACHABLE", "-1") in lines  # only the website's failed check


def test_rules_read_objects_and_findings_naming_them_end_to_end(ws, tmp_path):
    _import_objects(ws, tmp_path)
    ws.invoke("import", "findings", _csv(tmp_path / "f.csv", [
        FINDING_HEADER,
        ["F-1", "D1", "2025", "2025-03-01", "ACCOUNT_STALE", "WB-1"],
        ["F-2", "D1", "2025", "2025-04-01", "ACCOUNT_STALE", "WB-1"],
        ["F-3", "D2", "2025", "2025-03-01", "SERVICE_BROKEN", "WEB-2"]]))
    ws.invoke("run", "--period", "2025")
    d1 = ws.json("scorecard", "D1", "--period", "2025")
    indicators = {i["code"]: i for d in d1["dimensions"] for i in d["indicators"]}
    # D1's only website in use offers no public services (the retired one does not count): W12 is out.
    assert indicators["W12"]["applicable"] is False
    assert [(l["rule"], l["points"], l["facts"]) for l in indicators["W21"]["lines"]] == [
        ("ACCOUNT_STALE", "-10", ["F-1", "F-2", "WB-1"])]  # once per account, citing the findings and the account
    d2 = ws.json("scorecard", "D2", "--period", "2025")
    w12 = next(i for d in d2["dimensions"] for i in d["indicators"] if i["code"] == "W12")
    assert (w12["applicable"], w12["score"]) == (True, "25.00")


def test_object_facts_are_built_only_for_standards_whose_rules_read_them():
    default = load_default()
    assert "object" not in fact_kinds_read(default)
    assert not any("from temp.chunk_units cu\n      cross join objects" in sql for sql in _queries(default, True))
    assert "object" in fact_kinds_read(OBJECTS)
    assert any("cross join objects o" in sql for sql in _queries(OBJECTS, True))
    # A rule comparing finding.object sees findings one by one (the groups do not carry the object).
    assert findings_aggregable(default) and not findings_aggregable(OBJECTS)


def test_a_finding_without_object_keeps_the_id_it_was_given_before_findings_could_name_one():
    row = FindingRow.model_validate({"unit": "D001", "period": "2025", "date": "2025-03-05", "code": "CONTENT_STALE",
                                     "indicator": "C3"})
    stored = to_record("findings", row, load_default())
    before = {k: v for k, v in stored.items() if k not in ("id", "object")}  # the row as stored by schema 8
    content = json.dumps(before, sort_keys=True, ensure_ascii=False)
    assert stored["id"] == "H-" + hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
    named = to_record("findings", row.model_copy(update={"object": "WEB-1"}), load_default())
    assert named["id"] != stored["id"]


def test_a_workspace_made_before_objects_gains_the_table_and_columns_when_opened(tmp_path):
    from scoring.store import Store

    store = Store(tmp_path / "old.db", create=True)
    store.create_schema()
    store.execute("drop table objects")
    store.execute("alter table findings drop column object")
    store.set_setting("schema_version", "8")
    store.close()
    reopened = Store(tmp_path / "old.db")
    try:
        assert reopened.db["objects"].exists()
        assert "object" in reopened.db["findings"].columns_dict
        assert reopened.get_setting("schema_version") == str(SCHEMA_VERSION)
    finally:
        reopened.close()


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "std"
    shutil.copytree(OBJECTS_DIR, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_refuses_a_condition_on_an_undeclared_object_kind(tmp_path, english):
    folder = _copy(tmp_path)
    _edit(folder / "rules" / "objects.yml", "o: {fact: object, kind: website, serves_public: false}",
          "o: {fact: object, kind: webiste, serves_public: false}")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert "rule NO_PUBLIC_SERVICE: when.o.kind: unknown kind 'webiste'" in str(err.value)


def test_an_object_code_in_a_condition_is_the_workspaces_not_a_finding_code(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "rules" / "objects.yml", "o: {fact: object, kind: website, serves_public: false}",
          "o: {fact: object, kind: website, code: WEB-1, serves_public: false}")
    load_standard_dir(folder)  # no "unknown code"


def test_check_refuses_an_object_kind_that_is_not_a_lower_case_name(tmp_path, english):
    folder = _copy(tmp_path)
    _edit(folder / "criteria.yml", "  weibo: {name: 政务微博", "  Weibo-Account: {name: 政务微博")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert "criteria.yml: object_kinds.Weibo-Account: a kind's code is lower-case words" in str(err.value)


# ---------------------------------------------------------------- shipped standards: criteria list, init --standard

@pytest.fixture
def two_shipped(tmp_path, monkeypatch, english):
    """The package's shipped folder as if it held a second standard (the objects test standard)."""
    from scoring.standard import loader

    shipped = tmp_path / "shipped"
    shutil.copytree(loader.SHIPPED / "gongkai-default", shipped / "gongkai-default")
    shutil.copytree(OBJECTS_DIR, shipped / "test-objects")
    monkeypatch.setattr(loader, "SHIPPED", shipped)
    return shipped


def test_criteria_list_shows_the_shipped_standards_as_a_table_by_default(new_workspace):
    ws = new_workspace()
    table = ws.invoke("criteria", "list").stdout.splitlines()
    assert table[0].split() == ["标准编号", "版本", "名称", "本工作区使用"]
    assert table[2].split() == ["gongkai-default", "2025.1", "政务公开、办事公开考核评分标准（默认）"]  # no workspace yet
    ws.init()
    assert ws.invoke("criteria", "list").stdout.splitlines()[2].split()[-1] == "✓"
    assert ws.json("criteria", "list") == [{"id": "gongkai-default", "version": "2025.1",
                                            "title": "政务公开、办事公开考核评分标准（默认）",
                                            "title_en": "Government and service openness scoring standard (default)",
                                            "in_use": True},
                                           {"id": "gov-website-2019", "version": "2019.1",
                                            "title": "政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）",
                                            "title_en": "Government website and new-media check "
                                                        "(State Council General Office, 2019 No. 19)",
                                            "in_use": False}]


def test_init_standard_starts_a_workspace_on_a_shipped_standard(new_workspace, two_shipped, tmp_path):
    ws = new_workspace()
    ws.invoke("init", "--standard", "test-objects")
    listed = ws.json("criteria", "list")
    assert [(s["id"], s["version"], s["title"], s["in_use"]) for s in listed] == [
        ("gongkai-default", "2025.1", "政务公开、办事公开考核评分标准（默认）", False),
        ("test-objects", "2026-1", "网站与政务新媒体对象（测试标准）", True)]
    assert ws.store().get_setting("criteria_dir") == "shipped:test-objects"  # by id: the package may move
    ws.invoke("init", "--standard", "test-objects")  # again: changes nothing
    ws.invoke("period", "add", "2025")
    ws.invoke("import", "units", _csv(tmp_path / "u.csv", [["单位编码", "单位名称", "单位类型"], ["D1", "某区政府", "县区政府"]]))
    ws.invoke("import", "objects", _csv(tmp_path / "o.csv", [OBJECT_HEADER, ["W", "D1", "政府网站", "网站", "", "否", ""]]))
    ws.invoke("run", "--period", "2025")
    w12 = next(i for d in ws.json("scorecard", "D1", "--period", "2025")["dimensions"] for i in d["indicators"]
               if i["code"] == "W12")
    assert w12["applicable"] is False  # scored with the shipped objects standard


def test_init_refuses_an_unknown_standard_listing_the_ids(new_workspace, two_shipped):
    ws = new_workspace()
    refused = ws.invoke("init", "--standard", "test-object", code=2)
    assert refused.stderr == ("错误：没有名为「test-object」的内置评分标准；是否应为「test-objects」？；"
                              "内置的标准有：gongkai-default, test-objects（scoring criteria list 可列出）\n")
    assert not ws.db.exists()
    english = ws.invoke("--lang", "en", "init", "--standard", "../gongkai-default", code=2)
    assert "no shipped standard is called '../gongkai-default'" in english.stderr


def test_init_standard_does_not_switch_an_existing_workspace(new_workspace, two_shipped):
    ws = new_workspace().init()
    refused = ws.invoke("init", "--standard", "test-objects", code=2)
    assert f"工作区 {ws.db} 已存在，且使用另一评分标准；请为 test-objects 新建一个工作区" in refused.stderr
    assert ws.store().get_setting("criteria_dir") in (None, "")


def test_importing_objects_reissues_the_orders_of_the_units_findings(ws, tmp_path):
    serving = _csv(tmp_path / "o.csv", [OBJECT_HEADER, ["WEB-2", "D2", "website", "某局网站", "", "是", ""]])
    ws.invoke("import", "objects", serving)
    ws.invoke("import", "findings", _csv(tmp_path / "f.csv", [
        FINDING_HEADER, ["F-1", "D2", "2025", "2025-03-03", "SERVICE_BROKEN", "WEB-2"]]))
    items = lambda: [(r["id"], r["status"]) for r in ws.store().query("select id, status from rectifications")]
    assert items() == [("R-F-1", "open")]
    # The website turns out to offer no public services: the rule no longer holds, the item is withdrawn.
    closed = _csv(tmp_path / "o2.csv", [OBJECT_HEADER, ["WEB-2", "D2", "website", "某局网站", "", "否", ""]])
    result = ws.invoke("import", "objects", closed)
    assert "撤销 1 项" in result.stderr
    assert items() == [("R-F-1", "withdrawn")]


def test_check_names_units_without_objects_when_the_rules_read_objects(ws, tmp_path):
    _import_objects(ws, tmp_path)  # D1 and D2 both have objects in use
    assert "没有在用的对象" not in ws.invoke("check", "--period", "2025", code=1).stdout
    ws.invoke("import", "units", _csv(tmp_path / "u3.csv", [["单位编码", "单位名称", "单位类型"], ["D3", "新局", "department"]]))
    lines = ws.invoke("check", "--period", "2025", code=1).stdout.splitlines()
    assert "没有在用的对象（网站、账号等，scoring import objects）：1 个单位（D3）" in lines


def test_codes_lists_the_object_kinds_a_file_may_use(ws):
    rows = ws.json("codes", "--kind", "object-kinds")
    assert [(r["code"], r["name"]) for r in rows] == [("website", "政府网站"), ("weibo", "政务微博"), ("wechat", "政务微信"),
                                                      ("service_window", "政务服务窗口")]
    assert "对象类型" in ws.invoke("codes", "--kind", "object-kinds").stdout


def test_an_example_finding_naming_an_object_the_example_lacks_is_refused(tmp_path, english):
    from scoring.engine.examples import run_examples

    folder = _copy(tmp_path)
    _edit(folder / "rules" / "objects.yml", "findings: [{code: SERVICE_BROKEN, object: WEB-1}, {code: SERVICE_BROKEN, object: WEB-1}]",
          "findings: [{code: SERVICE_BROKEN, object: WEB-9}]")
    failed = [o for o in run_examples(load_standard_dir(folder), "clips") if o.problems]
    assert [(o.rule, o.problems) for o in failed] == [
        ("SERVICE_BROKEN_ON_SERVING_SITE",
         ("given: cannot be scored: findings[0].object: 'WEB-9' is none of the example's objects (WEB-1)",))]


def test_check_refuses_rules_on_objects_in_a_standard_that_declares_no_object_kinds(tmp_path, english):
    folder = _copy(tmp_path)
    text = (folder / "criteria.yml").read_text(encoding="utf-8")
    start, end = text.index("object_kinds:"), text.index("record_kinds:")
    (folder / "criteria.yml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(StandardError) as err:
        load_standard_dir(folder)
    assert ("rule NO_PUBLIC_SERVICE: when.o: object facts come from scoring import objects, which needs the object "
            "kinds declared under object_kinds in criteria.yml (none are)") in str(err.value)
