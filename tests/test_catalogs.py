"""The message catalogs (issue 18): every message the code marks for translation has a Chinese and an
English text, the compiled catalogs match their sources, and the language follows --lang."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from scoring.cli import cli
from scoring.i18n import LOCALE_DIR, _, use_lang

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "NP_": ((1, "c"), 2)}


def marked_messages() -> set[tuple[str | None, str]]:
    """Every message id in the code, found the way `pybabel extract` finds them (see scoring/locale/README.md)."""
    with (ROOT / "scoring" / "locale" / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = extract_from_dir(str(ROOT), method_map=method_map, options_map=options_map, keywords=KEYWORDS)
    return {(context, message) for _file, _line, message, _comments, context in found
            if isinstance(message, str) and message}


def catalog(lang: str, kind: str = "po"):
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"scoring.{kind}"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang) if kind == "po" else read_mo(fh)


def test_every_marked_message_has_a_chinese_and_an_english_text():
    messages = marked_messages()
    assert len(messages) > 20
    for lang in ("zh_CN", "en"):
        translated = {(m.context, m.id): m.string for m in catalog(lang) if m.id}
        missing = sorted(m for m in messages if not translated.get(m))
        assert not missing, (f"{lang}: no translation for {missing}; run the commands in scoring/locale/README.md "
                             f"and fill in scoring/locale/{lang}/LC_MESSAGES/scoring.po")


def test_the_committed_mo_files_are_compiled_from_the_po_files():
    for lang in ("zh_CN", "en"):
        source = {(m.context, m.id): m.string for m in catalog(lang) if m.id and m.string}
        compiled = {(m.context, m.id): m.string for m in catalog(lang, "mo") if m.id}
        assert compiled == source, f"{lang}: scoring.mo is stale; run pybabel compile (scoring/locale/README.md)"


def test_chinese_translations_keep_every_placeholder():
    import re

    for message in catalog("zh_CN"):
        if message.id:
            wanted = set(re.findall(r"{(\w+)", message.id))
            assert set(re.findall(r"{(\w+)", message.string)) == wanted, message.id


def test_messages_follow_the_chosen_language():
    try:
        use_lang("zh")
        assert _("unknown unit {value!r}{hint}; import it in the unit list first", value="D9", hint="") == \
            "单位「D9」不在单位名单中；请先在单位名单中导入该单位"
        use_lang("en")
        assert _("unknown unit {value!r}{hint}; import it in the unit list first", value="D9", hint="") == \
            "unknown unit 'D9'; import it in the unit list first"
    finally:
        use_lang(None)


def test_top_level_lang_and_scoring_lang_choose_the_language_of_errors(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "w.db")
    assert runner.invoke(cli, ["init", "--db", db], env={"SCORING_LANG": None}).exit_code == 0
    chinese = runner.invoke(cli, ["period", "add", "2025Q5", "--db", db], env={"SCORING_LANG": None})
    assert chinese.exit_code == 2 and "不是考核周期" in chinese.output
    english = runner.invoke(cli, ["--lang", "en", "period", "add", "2025Q5", "--db", db], env={"SCORING_LANG": None})
    assert english.exit_code == 2 and "is not a period" in english.output
    by_env = runner.invoke(cli, ["period", "add", "2025Q5", "--db", db], env={"SCORING_LANG": "en"})
    assert "is not a period" in by_env.output
    again = runner.invoke(cli, ["period", "add", "2025Q5", "--db", db], env={"SCORING_LANG": None})
    assert "不是考核周期" in again.output  # the previous command's language does not linger


def test_scoring_lang_zh_help_is_accepted():
    done = subprocess.run([sys.executable, "-m", "scoring", "--lang", "zh", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--lang" in done.stdout
