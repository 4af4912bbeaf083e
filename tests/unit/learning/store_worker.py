"""Writer processes for the concurrency tests of test_progress.py (no tests in here).

Kept apart so spawned children import only this file and katlearn.learning, not pytest.
"""

from __future__ import annotations

from katlearn import learning

ATTEMPTS_PER_WRITER = 200


def write_attempts(index: int, start, count: int = ATTEMPTS_PER_WRITER) -> None:
    """Wait for the start signal, then save ``count`` attempts, one commit each."""
    start.wait(30)
    for i in range(count):
        learning.record_attempt(f"learner{index}", "m1", f"q{i}", i, i % 2 == 0, float(i % 2 == 0))


def write_reviews(index: int, start, count: int = ATTEMPTS_PER_WRITER) -> None:
    """Wait for the start signal, then save ``count`` review answers, one commit each."""
    start.wait(30)
    for i in range(count):
        learning.record_review(f"reviewer{index}", "m1", f"q{i}", i, i % 3 == 0, float(i % 3 == 0),
                               learning.CONFIDENCES[i % 3])
