"""Rules about a class: the records of every learner (read from their progress stores), class
results, who may see them, records of completion (HTML and PDF, with a verification code), and what
leaves the course for other platforms: CSV tables, a gradebook, xAPI statements (written to a file or
sent to a Learning Record Store), and quiz banks as GIFT, QTI 2.1 or CSV.

Data flows one way::

    store files ──read-only──► ClassRecords ──pure functions──► ClassReport ──► figures / widgets / CSV

Everything here is plain data; learner names are shown by the caller and must be escaped there.
"""

from katlearn.classroom._access import (
    EDUCATOR_KEY_ENV,
    EDUCATOR_SCOPE,
    MIN_KEY_CHARS,
    Access,
    educator_access,
    educator_key,
    hub_grants,
    hub_user_model,
    key_matches,
)
from katlearn.classroom._certificate import (
    ACTIVE_GAP_MAX_S,
    ACTIVE_RULE,
    SECRET_ENV,
    ModuleLine,
    ObjectiveLine,
    Record,
    RecordError,
    active_seconds,
    build_record,
    code_of,
    from_data,
    normalise_code,
    secret,
    to_html,
)
from katlearn.classroom._certificate_pdf import to_pdf
from katlearn.classroom._export import FORMATS as QUIZ_FORMATS
from katlearn.classroom._export import select_banks, to_csv, to_gift, to_qti, write_qti
from katlearn.classroom._lrs import (
    BATCH_SIZE,
    LRS_AUTH_FILE_ENV,
    LRS_PASSWORD_ENV,
    LRS_URL_ENV,
    LRS_USER_ENV,
    XAPI_VERSION,
    BatchFailure,
    ClassSend,
    Lrs,
    LrsError,
    SendResult,
    last_send,
    parse_since,
    read_statements,
    send_class,
    send_statements,
    statements_url,
    write_statements,
)
from katlearn.classroom._lrs import authorization as lrs_authorization
from katlearn.classroom._lrs import configured as configured_lrs
from katlearn.classroom._lti_outbox import (
    AGS_SCORE_MAXIMUM,
    ModuleGrade,
    Outbox,
    OutboxRow,
    LTI_GRADES_URL_ENV,
    ags_timestamp,
    lms_grades_report,
    module_grades,
    outbox_report,
    score_body,
)
from katlearn.classroom._records import (
    CLASS_STORES_ENV,
    ClassRecords,
    StoreSource,
    load_class,
    merge,
    only_learner,
    owner_of_folder,
    read_store,
    snapshot,
    store_paths,
)
from katlearn.classroom._report import (
    ClassReport,
    ItemResult,
    LearnerResult,
    ModuleProgress,
    ObjectiveResult,
    class_report,
    course_quizzes,
    item_analysis,
    learner_results,
    module_progress,
    objective_mastery,
    statuses,
    wrong_parts,
)
from katlearn.classroom._tables import (
    csv_cell,
    events_csv,
    gradebook_csv,
    iso_time,
    items_csv,
)
from katlearn.classroom._xapi import (
    HOME_PAGE_ENV,
    IRI_BASE_ENV,
    resolve_home_page,
    resolve_iri_base,
)
from katlearn.classroom._verification import Verdict, class_records, issue, learner_record, summary, verify_code, verify_file
from katlearn.classroom._xapi import statements as xapi_statements

PROGRESS_FORMATS = ("csv", "gradebook", "items", "xapi")

__all__ = [
    "BATCH_SIZE", "BatchFailure", "ClassSend", "LRS_AUTH_FILE_ENV", "LRS_PASSWORD_ENV", "LRS_URL_ENV", "LRS_USER_ENV", "Lrs",
    "LrsError", "SendResult", "XAPI_VERSION", "configured_lrs", "last_send", "lrs_authorization", "parse_since",
    "read_statements", "send_class", "send_statements", "statements_url", "write_statements",
    "Access", "CLASS_STORES_ENV", "ClassRecords", "ClassReport", "EDUCATOR_KEY_ENV", "EDUCATOR_SCOPE",
    "HOME_PAGE_ENV", "IRI_BASE_ENV", "ItemResult", "LearnerResult", "MIN_KEY_CHARS", "ModuleProgress",
    "ObjectiveResult", "PROGRESS_FORMATS", "QUIZ_FORMATS", "StoreSource", "class_report", "course_quizzes",
    "csv_cell", "educator_access", "educator_key", "events_csv", "gradebook_csv", "hub_grants", "hub_user_model",
    "item_analysis", "items_csv", "iso_time", "key_matches", "learner_results", "load_class", "merge",
    "module_progress", "objective_mastery", "only_learner", "owner_of_folder", "read_store",
    "resolve_home_page", "resolve_iri_base", "select_banks", "snapshot", "statuses", "store_paths", "to_csv",
    "to_gift", "to_qti", "write_qti", "wrong_parts", "xapi_statements",
    "AGS_SCORE_MAXIMUM", "ModuleGrade", "Outbox", "OutboxRow", "ags_timestamp", "module_grades", "outbox_report",
    "LTI_GRADES_URL_ENV", "lms_grades_report",
    "score_body",
    "ACTIVE_GAP_MAX_S", "ACTIVE_RULE", "ModuleLine", "ObjectiveLine", "Record", "RecordError", "SECRET_ENV",
    "Verdict", "active_seconds", "build_record", "class_records", "code_of", "from_data", "issue", "learner_record", "normalise_code", "secret",
    "summary", "to_html", "to_pdf", "verify_code", "verify_file",
]
