"""Work derived from a standard is cached per standard object: a web app that loads a new version of the
standard (or a test that builds many) must never score with the previous one's plan."""

from __future__ import annotations

import gc

from scoring.standard.memo import per_standard


class _Standard:
    def __init__(self, name: str) -> None:
        self.name = name


def test_work_is_done_once_per_standard_and_never_handed_to_another():
    done = []

    @per_standard
    def plan(standard):
        done.append(standard.name)
        return f"plan of {standard.name}"

    first = _Standard("2025 版")
    assert plan(first) == plan(first) == "plan of 2025 版"
    assert done == ["2025 版"]
    del first
    gc.collect()
    for version in range(50):  # identities are reused once a standard is gone: the weak reference tells them apart
        assert plan(_Standard(f"v{version}")) == f"plan of v{version}"
    assert len(done) == 51
