"""Rules about a learner: grading answers (pure), a module's mastery, playing a case, who is
learning, when each question comes back for spaced review (FSRS), and the progress store that keeps
every answer (one SQLite file; :class:`ProgressError` when it cannot be used).

Views (:mod:`katlearn.widgets`) ask this package and show the answer; it never imports them.
"""

from katlearn.learning._exam_rules import (
    FINAL_KEY,
    HOST_SLUG,
    MET,
    NOT_ASSESSED,
    PER_MODULE,
    REVIEW,
    ObjectiveStatus,
    assessed_banks,
    assessed_modules,
    final_bank,
    headline,
    learner_standing,
    objective_statuses,
    score_percent,
    select_questions,
    summary_csv,
)
from katlearn.learning._case_play import (
    Debrief,
    FindingResult,
    Run,
    Step,
    choose,
    debrief,
    grade_profile,
    start,
)
from katlearn.learning._grading import (
    AnswerError,
    Feedback,
    Result,
    grade,
    option_order,
    parse_numeric,
)
from katlearn.learning._who import (
    NAME_MAX_CHARS,
    current_learner,
    forget_local_name,
    hub_user,
    local_name,
    normalise_name,
    set_local_name,
)
from katlearn.learning._store import (
    BUSY_TIMEOUT_MS,
    GUEST,
    IN_PROGRESS,
    MASTERED,
    MIGRATIONS,
    MODES,
    NOT_STARTED,
    Attempt,
    Choice,
    Completion,
    ProgressError,
    attempts,
    choices,
    close,
    completions,
    connection,
    db_path,
    get_setting,
    latest_answers,
    latest_choices,
    module_status,
    record_attempt,
    record_choice,
    record_completion,
    set_setting,
)
from katlearn.learning._issued import issued_record, record_issued
from katlearn.learning._review_log import CONFIDENCES, ReviewAnswer, record_review, review_answers
from katlearn.learning._spacing import (
    DESIRED_RETENTION,
    Event,
    Located,
    ReviewItem,
    answer_review,
    due_today,
    end_of_day,
    items_from,
    next_due,
    question_index,
    rating,
    replay,
    review_items,
)
from katlearn.learning._summary import (
    MASTERY_THRESHOLD,
    ObjectiveLike,
    Review,
    Summary,
    summarize,
)

__all__ = [
    "FINAL_KEY", "HOST_SLUG", "MET", "NOT_ASSESSED", "PER_MODULE", "REVIEW", "ObjectiveStatus", "assessed_modules",
    "assessed_banks", "final_bank", "headline", "learner_standing", "objective_statuses", "score_percent", "select_questions",
    "summary_csv",
    "AnswerError", "Attempt", "BUSY_TIMEOUT_MS", "Choice", "Completion", "Debrief", "Feedback", "FindingResult",
    "GUEST", "IN_PROGRESS", "MASTERED", "MASTERY_THRESHOLD", "MIGRATIONS", "MODES", "NAME_MAX_CHARS",
    "NOT_STARTED", "ObjectiveLike", "ProgressError", "Result", "Review", "Run", "Step", "Summary", "attempts",
    "choices", "choose", "close", "completions", "connection", "current_learner", "db_path",
    "debrief", "forget_local_name", "get_setting", "grade", "grade_profile", "hub_user", "latest_answers",
    "latest_choices", "local_name", "module_status", "normalise_name", "option_order", "parse_numeric",
    "record_attempt", "record_choice", "record_completion", "set_local_name", "set_setting", "start",
    "summarize",
    "CONFIDENCES", "DESIRED_RETENTION", "Event", "Located", "ReviewAnswer", "ReviewItem", "answer_review",
    "due_today", "end_of_day", "items_from", "next_due", "question_index", "rating", "record_review", "replay",
    "review_answers", "review_items", "issued_record", "record_issued",
]
