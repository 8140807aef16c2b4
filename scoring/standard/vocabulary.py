"""The words rules compare and people type: self-assessment claims, survey answers, rectification statuses.

Rules name the codes (`claim: noncompliant`); people write the Chinese words, which the row
models translate. Kept with the standard because lint checks rules against the codes.
"""

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
CLAIM_NAMES_EN = {"compliant": "compliant", "partial": "partially compliant", "noncompliant": "noncompliant",
                  "not_applicable": "not applicable"}
ANSWER_NAMES_EN = {"satisfied": "satisfied", "basically_satisfied": "basically satisfied",
                   "unsatisfied": "unsatisfied", "dont_know": "don't know"}
STATUS_NAMES_EN = {"open": "open", "in_progress": "in progress", "rectified": "rectified", "verified": "verified",
                   "reopened": "reopened"}


def _first_words(table: dict[str, str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for word, code in table.items():
        names.setdefault(code, word)
    return names


def _with_table(table: dict[str, str], synonyms: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    merged = {code: list(words) for code, words in synonyms.items()}
    for word, code in table.items():
        merged.setdefault(code, []).append(word)
    return {code: tuple(words) for code, words in merged.items()}


CLAIM_WORDS = Words.build(_first_words(CLAIMS), CLAIM_NAMES_EN, _with_table(CLAIMS, CLAIM_SYNONYMS))
ANSWER_WORDS = Words.build(_first_words(ANSWERS), ANSWER_NAMES_EN, _with_table(ANSWERS, {}))
STATUS_WORDS_INDEX = Words.build(_first_words(STATUS_WORDS), STATUS_NAMES_EN, _with_table(STATUS_WORDS, STATUS_SYNONYMS))
# The statuses a person may name on the command line: those above, and 已撤销 (withdrawn items, listed only).
STATUS_CHOICES = Words.build({**_first_words(STATUS_WORDS), "withdrawn": "已撤销"}, {**STATUS_NAMES_EN, "withdrawn": "withdrawn"},
                             _with_table(STATUS_WORDS, STATUS_SYNONYMS))
