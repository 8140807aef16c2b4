"""The words rules compare and people type: self-assessment claims, survey answers, rectification statuses.

Rules name the codes (`claim: noncompliant`); people write the Chinese words, which the row
models translate. Kept with the standard because lint checks rules against the codes.
"""

CLAIMS = {"达标": "compliant", "部分达标": "partial", "未达标": "noncompliant", "不涉及": "not_applicable"}
ANSWERS = {"满意": "satisfied", "基本满意": "basically_satisfied", "不满意": "unsatisfied", "不了解": "dont_know"}
CLAIM_CODES = tuple(CLAIMS.values())
ANSWER_CODES = tuple(ANSWERS.values())
STATUS_WORDS = {"待整改": "open", "整改中": "in_progress", "已整改": "rectified", "已销号": "verified",
                "销号": "verified", "重新整改": "reopened"}
STATUS_CODES = ("open", "in_progress", "rectified", "verified", "reopened")
