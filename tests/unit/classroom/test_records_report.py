"""katlearn.classroom: reading class stores, the aggregations, the CSV tables, who may see them."""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from katlearn import classroom, cli, content, learning
from katlearn.classroom import _access
from katlearn.content import Bank

BANK = Bank.model_validate({
    "module": "m1",
    "title": "Module one",
    "questions": [
        {"id": "q.single", "type": "single", "objective": "o1", "difficulty": "easy", "prompt": "Pick *one*.",
         "explanation": "x", "references": ["r"],
         "options": [{"text": "Right", "correct": True, "feedback": "y"}, {"text": "Wrong", "feedback": "n"}]},
        {"id": "q.multi", "type": "multiple", "objective": "o1", "difficulty": "medium", "prompt": "Pick all.",
         "explanation": "x", "references": ["r"],
         "options": [{"text": "A", "correct": True, "feedback": "y"}, {"text": "B", "correct": True, "feedback": "y"},
                     {"text": "C", "feedback": "n"}]},
        {"id": "q.tf", "type": "true_false", "objective": "o2", "difficulty": "easy", "prompt": "True?",
         "explanation": "x", "references": ["r"], "answer": True},
        {"id": "q.num", "type": "numeric", "objective": "o2", "difficulty": "hard", "prompt": "How many mg?",
         "explanation": "x", "references": ["r"], "answer": 0.5, "tolerance": 0.05, "unit": "mg"},
        {"id": "q.order", "type": "ordering", "objective": "o2", "difficulty": "medium", "prompt": "Order them.",
         "explanation": "x", "references": ["r"], "items": ["first", "second", "third"]},
        {"id": "q.match", "type": "matching", "objective": "o2", "difficulty": "medium", "prompt": "Match them.",
         "explanation": "x", "references": ["r"],
         "pairs": [{"term": "a", "definition": "1"}, {"term": "b", "definition": "2"}, {"term": "c", "definition": "3"}]},
    ],
})
ANSWERS = {  # (answer, correct?) per question
    "q.single": (1, False), "q.multi": ([0, 2], False), "q.tf": (True, True), "q.num": ("0,52 mg", True),
    "q.order": ([1, 0, 2], False), "q.match": ([0, 2, 1], False),
}

MODULES = [("m1", "Module one"), ("m2", "Module two")]
BANKS = {"m1": BANK}


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A fresh progress store at KATLEARN_DB; yields its path."""
    path = tmp_path / "progress.sqlite"
    monkeypatch.setenv("KATLEARN_DB", str(path))
    monkeypatch.delenv(classroom.CLASS_STORES_ENV, raising=False)
    learning.close()
    yield path
    learning.close()


def _answer(learner: str, qid: str, answer, module: str = "m1", ts: float = 1_740_000_000.0) -> None:
    q = BANK.question(qid)
    r = learning.grade(q, answer)
    learning.record_attempt(learner, module, qid, answer, r.correct, r.score, ts=ts)


def _write_store(path: Path, rows: list[tuple[str, str, object]]) -> None:
    """(learner, question id, answer) rows into the store at ``path``."""
    os.environ["KATLEARN_DB"] = str(path)
    learning.close()
    for n, (learner, qid, answer) in enumerate(rows):
        _answer(learner, qid, answer, ts=1_740_000_000.0 + n)
    learning.close()


# ---------------------------------------------------------------------------------------------
# Reading stores


def test_without_class_stores_the_dashboard_reads_this_computers_store(store):
    _answer("sam", "q.tf", True)
    sources = classroom.store_paths()
    assert [s.path for s in sources] == [store] and sources[0].owner is None
    records = classroom.load_class()
    assert records.learners == ("sam",)
    assert [a.question_id for a in records.attempts] == ["q.tf"]


def test_a_class_folder_holds_shared_stores_and_one_folder_per_learner(tmp_path, store):
    class_dir = tmp_path / "class"
    (class_dir / "alex").mkdir(parents=True)
    (class_dir / "jo%20ann").mkdir()
    (class_dir / "empty").mkdir()
    _write_store(class_dir / "shared.sqlite", [("kim", "q.tf", True), ("lee", "q.tf", False)])
    _write_store(class_dir / "alex" / "progress.sqlite", [("alex", "q.tf", True)])
    _write_store(class_dir / "jo%20ann" / "progress.sqlite", [("jo ann", "q.single", 0)])
    sources = classroom.store_paths(str(class_dir))
    assert [(s.path.relative_to(class_dir).as_posix(), s.owner) for s in sources] == [
        ("shared.sqlite", None), ("alex/progress.sqlite", "alex"), ("jo%20ann/progress.sqlite", "jo ann")]
    records = classroom.load_class(str(class_dir))
    assert records.learners == ("alex", "jo ann", "kim", "lee")
    assert records.problems == ()


def test_rows_in_someone_elses_store_do_not_count(tmp_path, store):
    """A learner who writes rows in another name into their own store changes nobody's results."""
    class_dir = tmp_path / "class"
    (class_dir / "alex").mkdir(parents=True)
    _write_store(class_dir / "alex" / "progress.sqlite", [("alex", "q.tf", False), ("bo", "q.tf", True)])
    records = classroom.load_class(str(class_dir))
    assert records.learners == ("alex",)
    assert len(records.problems) == 1 and "'bo'" in records.problems[0] and "belongs to 'alex'" in records.problems[0]


def test_stores_are_read_from_a_copy_without_touching_the_learners_folder(tmp_path, store):
    """Reading in place would leave -wal/-shm files owned by the reader in the learner's folder,
    which could lock the learner out of their own store; a copy needs only read access."""
    _answer("sam", "q.tf", True)
    learning.close()
    _answer("sam", "q.single", 0)  # the writer stays open: this answer is only in the WAL file
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert store.name + "-wal" in before
    records = classroom.load_class(str(store))
    assert [a.question_id for a in records.attempts] == ["q.tf", "q.single"]
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before


def test_a_store_that_keeps_changing_while_copied_is_reported(tmp_path, store, monkeypatch):
    _answer("sam", "q.tf", True)
    ticks = iter(range(1000))
    monkeypatch.setattr("katlearn.classroom._records._fingerprint", lambda path: next(ticks))
    records = classroom.load_class(str(store))
    assert records.attempts == () and "kept changing" in records.problems[0]


def test_unreadable_newer_or_missing_stores_become_problems_not_errors(tmp_path, store):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {len(learning.MIGRATIONS) + 1}")
    conn.close()
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    records = classroom.load_class(os.pathsep.join(str(p) for p in (bad, newer, empty, tmp_path / "gone.sqlite")))
    text = "\n".join(records.problems)
    assert "bad.sqlite: cannot be" in text
    assert "newer katlearn" in text
    assert "gone.sqlite: no such file" in text
    assert "empty.sqlite" not in text  # created but never written: simply empty
    assert bad.read_bytes().startswith(b"this is not")  # never moved aside or repaired by a reader


# ---------------------------------------------------------------------------------------------
# Aggregation


def _records() -> classroom.ClassRecords:
    A = learning.Attempt
    C = learning.Completion
    t = 1_740_000_000.0
    attempts = (
        # sam: single wrong then right; tf right
        A(1, "sam", "m1", "q.single", 1, False, 0.0, "practice", t + 1),
        A(2, "sam", "m1", "q.single", 0, True, 1.0, "practice", t + 2),
        A(3, "sam", "m1", "q.tf", True, True, 1.0, "practice", t + 3),
        # alex: single wrong (the same wrong option), tf wrong
        A(4, "alex", "m1", "q.single", 1, False, 0.0, "practice", t + 4),
        A(5, "alex", "m1", "q.tf", False, False, 0.0, "practice", t + 5),
        # kim: single right first time
        A(6, "kim", "m1", "q.single", 0, True, 1.0, "practice", t + 6),
        # an attempt at a question that left the bank
        A(7, "kim", "m1", "q.gone", 3, False, 0.0, "practice", t + 7),
    )
    completions = (C(1, "sam", "m1", 0.9, True, "practice", t + 10), C(2, "alex", "m1", 0.3, False, "practice", t + 11),
                   C(3, "alex", "m1", 0.5, False, "practice", t + 12))
    touched = frozenset({("lee", "m2")})  # lee only made a scenario choice in module two
    return classroom.ClassRecords(attempts, completions, touched)


def test_module_progress_counts_each_learner_once_by_status():
    rows = classroom.module_progress(_records(), MODULES)
    m1, m2 = rows
    assert (m1.mastered, m1.in_progress, m1.not_started) == (1, 2, 1)  # sam / alex, kim / lee
    assert (m2.mastered, m2.in_progress, m2.not_started) == (0, 1, 3)
    assert m1.mean_best_score == pytest.approx((0.9 + 0.5) / 2)  # best of each learner who completed
    assert m2.mean_best_score is None
    assert m1.learners == m2.learners == 4


def test_modules_only_the_records_know_are_listed_after_the_course_ones():
    rows = classroom.module_progress(_records(), [("m2", "Module two")])
    assert [r.module for r in rows] == ["m2", "m1"]
    assert rows[1].title == "m1"


def test_objective_mastery_uses_latest_scores_of_learners_who_answered():
    rows = {r.objective: r for r in classroom.objective_mastery(_records(), BANKS, {"o1": "Choose well"})}
    o1 = rows["o1"]  # q.single + q.multi; nobody answered q.multi, so at best 50 %
    assert o1.text == "Choose well"
    assert (o1.learners, o1.mastered) == (3, 0)
    assert o1.mean_score == pytest.approx((0.5 + 0.0 + 0.5) / 3)
    o2 = rows["o2"]  # q.tf, q.num, q.order, q.match: sam 1/4, alex 0/4
    assert (o2.learners, o2.mastered) == (2, 0)
    assert o2.percent_mastered == 0.0
    full = classroom.objective_mastery(_records(), BANKS, threshold=0.5)
    assert {r.objective: r.mastered for r in full}["o1"] == 2  # sam and kim reach 50 %


def test_item_analysis_judges_first_attempts_and_finds_the_commonest_wrong_answer():
    items = {i.question_id: i for i in classroom.item_analysis(_records(), BANKS)}
    single = items["q.single"]
    assert (single.learners, single.first_correct, single.attempts) == (3, 1, 4)
    assert single.percent_correct == pytest.approx(100 / 3)
    assert (single.common_wrong, single.common_wrong_learners) == ("Wrong", 2)
    tf = items["q.tf"]
    assert (tf.common_wrong, tf.common_wrong_learners) == ("False", 1)
    untouched = items["q.num"]
    assert untouched.learners == 0 and untouched.percent_correct is None and untouched.common_wrong == ""
    assert "q.gone" not in items


@pytest.mark.parametrize("qid, answer, parts", [
    ("q.single", 1, ["Wrong"]),
    ("q.single", 0, []),
    ("q.multi", [0, 1, 2], ["C"]),
    ("q.multi", [0], ["left out: B"]),
    ("q.tf", False, ["False"]),
    ("q.num", "0.8 mg", ["0.8 mg"]),
    ("q.num", "0,52", []),
    ("q.order", [1, 0, 2], ["second (out of place)", "first (out of place)"]),
    ("q.match", [0, 2, 1], ["b → 3", "c → 2"]),
    ("q.match", "not a list", []),
    ("q.single", 99, []),
])
def test_wrong_parts_name_what_was_wrong(qid, answer, parts):
    assert classroom.wrong_parts(BANK.question(qid), answer) == parts


def test_learner_results_list_status_best_score_and_first_try_record():
    rows = {r.learner: r for r in classroom.learner_results(_records(), MODULES)}
    assert set(rows) == {"alex", "kim", "lee", "sam"}
    sam = rows["sam"]
    assert sam.status == {"m1": learning.MASTERED, "m2": learning.NOT_STARTED}
    assert sam.best_score == {"m1": 0.9}
    assert (sam.answered, sam.first_correct, sam.mastered) == (2, 1, 1)
    assert sam.last_active == 1_740_000_010.0
    assert rows["lee"].status["m2"] == learning.IN_PROGRESS and rows["lee"].last_active is None


def test_class_report_uses_the_courses_own_quizzes_by_default():
    report = classroom.class_report(classroom.ClassRecords())
    slugs = [m.module for m in report.modules]
    assert slugs[0] == "00_start_here"
    assert len(report.items) == sum(len(b.questions) for b in content.load_banks().values())
    assert report.learners == () and report.problems == ()


# ---------------------------------------------------------------------------------------------
# Tables


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_gradebook_has_one_row_per_learner_with_status_and_best_score():
    report = classroom.class_report(_records(), MODULES, BANKS, {})
    rows = _rows(classroom.gradebook_csv(report))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["learner", "modules_mastered", "modules_in_progress", "questions_answered",
                          "first_try_correct", "last_active_utc"]
    assert header[6:] == ["m1 status", "m1 best_score_percent", "m2 status", "m2 best_score_percent"]
    sam = next(r for r in body if r[0] == "sam")
    assert sam[1:5] == ["1", "0", "2", "1"]
    assert sam[5] == "2025-02-19T21:20:10.000Z"
    assert sam[6:] == ["mastered", "90", "not started", ""]


def test_items_table_and_event_log():
    report = classroom.class_report(_records(), MODULES, BANKS, {})
    items = _rows(classroom.items_csv(report))
    single = next(r for r in items if r[1] == "q.single")
    assert single[4:10] == ["3", "33.3", "33.3", "4", "Wrong", "2"]
    events = _rows(classroom.events_csv(_records(), BANKS))
    assert events[0] == ["timestamp_utc", "learner", "event", "module", "question_id", "objective", "mode",
                         "correct", "score", "answer"]
    assert [e[2] for e in events[1:]].count("completed") == 3
    assert events[1][1:6] == ["sam", "answered", "m1", "q.single", "o1"]
    assert events[1][9] == "1"
    assert [e[0] for e in events[1:]] == sorted(e[0] for e in events[1:])


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_cells_a_spreadsheet_would_run_are_defused(value):
    assert classroom.csv_cell(value) == "'" + value
    assert classroom.csv_cell("plain") == "plain" and classroom.csv_cell(-1.5) == "-1.5"


def test_learner_names_cannot_inject_formulas_into_the_gradebook():
    A = learning.Attempt
    records = classroom.ClassRecords((A(1, "=cmd|' /C calc'!A0", "m1", "q.tf", True, True, 1.0, "practice", 1.0),))
    rows = _rows(classroom.gradebook_csv(classroom.class_report(records, MODULES, BANKS, {})))
    assert rows[1][0] == "'=cmd|' /C calc'!A0"


# ---------------------------------------------------------------------------------------------
# Access


@pytest.fixture
def no_hub(monkeypatch):
    for var in ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL", classroom.EDUCATOR_KEY_ENV):
        monkeypatch.delenv(var, raising=False)


def test_off_a_hub_without_a_key_the_page_stays_locked(no_hub):
    access = classroom.educator_access()
    assert not access.granted and not access.needs_key
    assert classroom.EDUCATOR_KEY_ENV in access.message


def test_an_educator_key_is_asked_for_and_compared_exactly(no_hub, monkeypatch):
    monkeypatch.setenv(classroom.EDUCATOR_KEY_ENV, "correct-horse-battery")
    access = classroom.educator_access()
    assert access.needs_key and not access.granted
    assert classroom.key_matches("correct-horse-battery")
    for wrong in ("", "correct-horse-batter", "correct-horse-battery ", "CORRECT-HORSE-BATTERY", None):
        assert not classroom.key_matches(wrong)


def test_a_short_key_keeps_the_page_locked(no_hub, monkeypatch):
    monkeypatch.setenv(classroom.EDUCATOR_KEY_ENV, "1234")
    access = classroom.educator_access()
    assert not access.granted and not access.needs_key and "too short" in access.message
    assert not classroom.key_matches("1234")


def test_the_key_comparison_is_constant_time(monkeypatch):
    calls = []
    real = _access.hmac.compare_digest
    monkeypatch.setattr(_access.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert classroom.key_matches("correct-horse-battery", key="correct-horse-battery")
    assert calls == [(b"correct-horse-battery", b"correct-horse-battery")]


@pytest.mark.parametrize("model, granted", [
    ({"name": "edna", "admin": True, "scopes": []}, True),
    ({"name": "edna", "admin": False, "scopes": ["access:servers!server=edna/", classroom.EDUCATOR_SCOPE]}, True),
    ({"name": "sam", "admin": False, "scopes": ["access:servers!server=sam/"]}, False),
    ({"name": "sam", "scopes": ["custom:katlearn:class-results-not"]}, False),
    ({"name": "sam", "admin": "true"}, False),
])
def test_on_a_hub_the_hub_decides(no_hub, monkeypatch, model, granted):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "secret")
    monkeypatch.setenv(classroom.EDUCATOR_KEY_ENV, "correct-horse-battery")  # not offered on a hub
    access = classroom.educator_access(model)
    assert access.granted is granted and access.how == ("hub" if granted else "")
    assert not access.needs_key


class _FakeHub(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []
    model: dict = {}

    def do_GET(self):  # noqa: N802
        _FakeHub.seen.append((self.path, self.headers.get("Authorization", "")))
        body = json.dumps(_FakeHub.model).encode()
        self.send_response(200 if self.headers.get("Authorization") == "token secret" else 403)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def fake_hub():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeHub.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}/hub/api"
    server.shutdown()
    server.server_close()


def test_the_hub_is_asked_with_the_servers_own_token(no_hub, monkeypatch, fake_hub):
    _FakeHub.model = {"name": "edna", "admin": False, "scopes": [classroom.EDUCATOR_SCOPE]}
    monkeypatch.setenv("JUPYTERHUB_API_URL", fake_hub)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "secret")
    access = classroom.educator_access()
    assert access.granted and access.who == "edna"
    assert _FakeHub.seen == [("/hub/api/user", "token secret")]


def test_when_the_hub_refuses_or_is_down_the_page_stays_locked(no_hub, monkeypatch, fake_hub):
    _FakeHub.model = {"name": "edna", "admin": True}
    monkeypatch.setenv("JUPYTERHUB_API_URL", fake_hub)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "wrong")
    assert not classroom.educator_access().granted  # 403 from the hub
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:9/hub/api")  # nothing listens there
    access = classroom.educator_access()
    assert not access.granted and "could not be asked" in access.message


# ---------------------------------------------------------------------------------------------
# Command line


@pytest.mark.parametrize("fmt, first_cell", [("csv", "timestamp_utc"), ("gradebook", "learner"), ("items", "module")])
def test_progress_export_writes_each_table(store, tmp_path, fmt, first_cell):
    bank = content.load_bank("00_start_here")
    for learner in ("sam", "alex"):
        for q in bank.questions:
            answer = q.correct_answer()
            learning.record_attempt(learner, "00_start_here", q.id, answer, True, 1.0)
        learning.record_completion(learner, "00_start_here", 1.0, True)
    learning.close()
    out = tmp_path / f"{fmt}.csv"
    assert cli.main(["progress-export", "--format", fmt, "-o", str(out)]) == 0
    rows = _rows(out.read_text(encoding="utf-8"))
    assert rows[0][0] == first_cell
    if fmt == "gradebook":
        assert sorted(r[0] for r in rows[1:]) == ["alex", "sam"]
        assert rows[1][rows[0].index("00_start_here status")] == "mastered"
    if fmt == "csv":
        assert len(rows) == 1 + 2 * (len(bank.questions) + 1)


def test_progress_export_for_one_learner_only(store, tmp_path):
    _answer("sam", "q.tf", True)
    _answer("alex", "q.tf", False)
    learning.close()
    out = tmp_path / "sam.csv"
    assert cli.main(["progress-export", "--format", "csv", "-o", str(out), "--learner", "sam"]) == 0
    assert {r[1] for r in _rows(out.read_text(encoding="utf-8"))[1:]} == {"sam"}


def test_progress_export_reports_problems_and_bad_formats(store, tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        cli.main(["progress-export", "--format", "pdf", "-o", str(tmp_path / "x")])
    assert refused.value.code == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err
    code = cli.main(["progress-export", "--format", "csv", "-o", str(tmp_path / "x.csv"),
                     "--store", str(tmp_path / "gone.sqlite")])
    assert code == 1
    assert "gone.sqlite: no such file" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("fmt", ["csv", "gradebook", "items", "xapi"])
def test_an_unreadable_store_fails_the_export_and_is_named(store, tmp_path, capsys, fmt):
    """Issue 16: 'file is not a database' used to give an empty CSV and exit 0."""
    _answer("sam", "q.tf", True)
    learning.close()
    bad = tmp_path / "BAD.sqlite"
    bad.write_bytes(b"this is not a database, it only has the name of one" * 100)
    out = tmp_path / f"out.{fmt}"
    xapi = ["--iri-base", "https://learn.example.org/k", "--home-page", "https://hub.example.org/"]
    args = ["progress-export", "--format", fmt, "-o", str(out), "--store", str(bad), "--store", str(store)] + xapi
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert f"{bad}: cannot be read" in err and "file is not a database" in err
    assert "nothing exported: 1 store could not be read" in err and str(bad) in err.splitlines()[-1]
    assert not out.exists()
    assert cli.main(args + ["--skip-unreadable"]) == 0
    assert f"{bad}: cannot be read" in capsys.readouterr().err
    assert out.stat().st_size > 0
