"""The words rules compare and people type: self-assessment claims, survey answers, rectification statuses.

Rules name the codes (`claim: noncompliant`); people write the Chinese words, which the row
models translate. Kept with the standard because lint checks rules against the codes.
"""

from scoring.i18n import NP_, STATUS_NAMES, label, label_table
from scoring.standard.words import Words

CLAIMS = {"达标": "compliant", "部分达标": "partial", "未达标": "noncompliant", "不涉及": "not_applicable"}
ANSWERS = {"满意": "satisfied", "基本满意": "basically_satisfied", "不满意": "unsatisfied", "不了解": "dont_know"}
CLAIM_CODES = tuple(CLAIMS.values())
ANSWER_CODES = tuple(ANSWERS.values())
STATUS_WORDS = {"待整改": "open", "整改中": "in_progress", "已整改": "rectified", "已销号": "verified",
                "销号": "verified", "重新整改": "reopened"}
STATUS_CODES = ("open", "in_progress", "rectified", "verified", "reopened")

# What else people write for the same codes (常见说法); the first Chinese word above stays the one shown.
CLAIM_SYNONYMS = {"compliant": ("已达标", "合格", "符合"), "partial": ("基本达标", "部分符合"),
                  "noncompliant": ("不达标", "未达到", "不合格", "不符合"),
                  "not_applicable": ("不适用", "无此项", "无此项工作")}
STATUS_SYNONYMS = {"open": ("未整改", "待办"), "in_progress": ("正在整改", "整改进行中"),
                   "rectified": ("已整改完毕", "整改完毕", "整改完成", "已完成整改", "已完成"),
                   "verified": ("已核销", "核销", "已验收"), "reopened": ("退回整改", "退回", "再次整改")}
# The names shown for the codes, in the catalogs (zh_CN, en); every word of the tables above is accepted
# too, and the Chinese name is the first of them (tests/test_vocabulary.py holds them together).
CLAIM_NAMES = label_table(
    NP_("claim.compliant", "compliant"), NP_("claim.partial", "partially compliant"),
    NP_("claim.noncompliant", "noncompliant"), NP_("claim.not_applicable", "not applicable"),
)
ANSWER_NAMES = label_table(
    NP_("answer.satisfied", "satisfied"), NP_("answer.basically_satisfied", "basically satisfied"),
    NP_("answer.unsatisfied", "unsatisfied"), NP_("answer.dont_know", "don't know"),
)


def names_in(table: dict[str, tuple[str, str]], lang: str, codes: tuple[str, ...] | None = None) -> dict[str, str]:
    """code → its name in `lang`, for the codes of a label table (or the `codes` given)."""
    return {code: label(table, code, lang) for code in (codes or tuple(table))}


def _with_table(table: dict[str, str], synonyms: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    merged = {code: list(words) for code, words in synonyms.items()}
    for word, code in table.items():
        merged.setdefault(code, []).append(word)
    return {code: tuple(words) for code, words in merged.items()}


CLAIM_WORDS = Words.build(names_in(CLAIM_NAMES, "zh"), names_in(CLAIM_NAMES, "en"), _with_table(CLAIMS, CLAIM_SYNONYMS))
ANSWER_WORDS = Words.build(names_in(ANSWER_NAMES, "zh"), names_in(ANSWER_NAMES, "en"), _with_table(ANSWERS, {}))
STATUS_WORDS_INDEX = Words.build(names_in(STATUS_NAMES, "zh", STATUS_CODES), names_in(STATUS_NAMES, "en", STATUS_CODES),
                                 _with_table(STATUS_WORDS, STATUS_SYNONYMS))
# The statuses a person may name on the command line: those above, and 已撤销 (withdrawn items, listed only).
STATUS_CHOICES = Words.build(names_in(STATUS_NAMES, "zh"), names_in(STATUS_NAMES, "en"),
                             _with_table(STATUS_WORDS, STATUS_SYNONYMS))
