"""`scoring settings` (issue 18): the workspace settings an office sets once, checked, with Chinese help;
the 通报 takes its issuing body and 文号 prefix from them."""

from __future__ import annotations

import shutil

from scoring.store import Store
from tests.test_report import example, scoring  # noqa: F401 (session fixtures, shared)
from tests.test_tongbao import paragraphs


def test_settings_list_get_and_set_in_chinese(example, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(example / "scoring.db", db)
    listed = scoring("settings", "list", "--db", db).stdout
    assert listed.splitlines()[0].split() == ["设置项", "值", "默认值", "含义"]
    assert "timezone" in listed and "Asia/Shanghai" in listed and "本单位所在时区" in listed
    assert scoring("settings", "get", "timezone", "--db", db).stdout == "Asia/Shanghai\n"
    assert scoring("settings", "set", "timezone", "Asia/Urumqi", "--db", db).stderr == "timezone = Asia/Urumqi\n"
    assert scoring("settings", "get", "timezone", "--db", db).stdout == "Asia/Urumqi\n"
    store = Store(db)
    assert store.query("select target from audit where action = 'settings set'")[-1]["target"] == "timezone"
    store.close()
    as_csv = scoring("settings", "list", "--format", "csv", "--db", db).stdout
    assert as_csv.splitlines()[0] == "key,value,default,meaning"


def test_an_unknown_key_or_a_bad_time_zone_is_refused_plainly(example, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(example / "scoring.db", db)
    unknown = scoring("settings", "set", "timzone", "UTC", "--db", db, code=2)
    assert unknown.stderr == ("错误：没有「timzone」这项设置；是否应为「timezone」？；"
                              "可设置的有：report.issuer, report.number_prefix, timezone\n")
    zone = scoring("settings", "set", "timezone", "Mars/Olympus", "--db", db, code=2)
    assert zone.stderr == "错误：「Mars/Olympus」不是有效的时区；请写成 Asia/Shanghai 这样的时区名称\n"
    english = scoring("--lang", "en", "settings", "set", "timezone", "Mars/Olympus", "--db", db, code=2)
    assert english.stderr == "Error: 'Mars/Olympus' is not a time zone; write one like Asia/Shanghai\n"
    assert scoring("settings", "get", "timezone", "--db", db).stdout == "Asia/Shanghai\n"  # nothing written


def test_settings_help_is_chinese():
    shown = scoring("settings", "--help").stdout
    assert "工作区设置：通报的发文机关和文号前缀、时区。" in shown
    assert "  get   输出一项设置的值（未设置时为默认值）\n" in shown


def test_the_tongbao_takes_issuer_and_number_prefix_from_the_settings(example, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(example / "scoring.db", db)
    scoring("settings", "set", "report.issuer", "白云区政务公开办公室", "--db", db)
    scoring("settings", "set", "report.number_prefix", "白政公开", "--db", db)
    scoring("report", "--period", "2025", "--out", tmp_path / "out", "--db", db, "--issued", "2026-01-15")
    assert paragraphs(tmp_path / "out" / "通报-2025.docx")[:2] == ["白云区政务公开办公室", "白政公开〔2026〕\u3000号"]
