"""Command line: ``python -m katlearn serve|check|export|progress-export|lti-grades|verify|store-grids|fit-constants``.

Every command's arguments and printing live here; the work is done by the package that owns it
(``server``, ``content``, ``classroom``), imported lazily so ``check`` does not pay for Voila and
``serve`` does not pay for pydantic. Each command returns its exit status: 0 done, 1 not done
(with one line per reason on standard error).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from katlearn.classroom import ClassSend, Lrs


def _err(command: str, message: object) -> None:
    print(f"{command}: {message}", file=sys.stderr)


def _write(data: str | bytes, output: str) -> None:
    """``data`` to the file ``output`` or, for ``-``, to standard output (raises OSError)."""
    if output == "-":
        sys.stdout.write(data if isinstance(data, str) else data.decode())
    elif isinstance(data, bytes):
        Path(output).write_bytes(data)
    else:
        Path(output).write_text(data, encoding="utf-8", newline="")


def _serve(args: argparse.Namespace) -> int:
    from katlearn import server

    return server.run(port=args.port, open_browser=args.open, present=args.present)


def _lti_grades(args: argparse.Namespace) -> int:
    """The hub service that sends module scores to the LMS gradebook (runs until stopped)."""
    import logging

    from katlearn.server import _lti_service

    logging.basicConfig(level=logging.INFO, format="[%(levelname).1s %(asctime)s %(name)s] %(message)s")
    _lti_service.serve(_lti_service.GradesSettings(
        key_file=Path(args.key_file), token_url=args.token_url, class_stores=args.class_dir,
        state_dir=Path(args.state_dir), interval_s=args.interval_s, first_retry_s=args.first_retry_s,
        auth_audience=args.auth_audience))
    return 0


def _check(args: argparse.Namespace) -> int:
    """Print every content problem as ``path:line: field: message``; 1 if there is any."""
    from katlearn import content

    problems = content.check(args.root)
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.field)):
        print(problem)
    stale = content.warnings(args.root)
    for warning in stale:
        print(f"warning: {warning}")
    if problems:
        print(f"{content.plural(len(problems), 'problem')} found", file=sys.stderr)
        return 1
    print(f"OK: {content.summary(args.root)}" + (f" ({content.plural(len(stale), 'warning')})" if stale else ""))
    return 0


def _export(args: argparse.Namespace) -> int:
    """Quiz banks as GIFT, QTI 2.1 (a zip package) or CSV."""
    from katlearn import classroom, content, paths

    if args.module is not None:
        bank_path = (Path(args.root) if args.root else paths.root()) / "assets" / "quizzes" / f"{args.module}.yaml"
        if not bank_path.exists():
            known = ", ".join(sorted(p.stem for p in bank_path.parent.glob("*.yaml"))) or "none"
            _err("export", f"no quiz bank for module {args.module!r} (known: {known})")
            return 1
    if args.format == "qti" and args.output == "-":
        _err("export", "a QTI package is a zip file; give a file name with -o")
        return 1
    try:
        banks = classroom.select_banks(args.module, args.root)
    except content.ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        _err("export", "fix the content first (python -m katlearn check)")
        return 1
    try:
        references = content.load_references(args.root)
    except content.ContentError as exc:
        _err("export", "references could not be loaded; citations will show keys only")
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        references = {}
    write = {"qti": classroom.to_qti, "gift": classroom.to_gift, "csv": lambda b, _r: classroom.to_csv(b)}
    data = write[args.format](banks, references)
    try:
        _write(data, args.output)
    except OSError as exc:
        _err("export", f"cannot write {args.output}: {exc}")
        return 1
    if args.output != "-":
        count = sum(len(b.questions) for b in banks)
        print(f"wrote {count} questions from {content.plural(len(banks), 'module')} to {args.output} ({args.format})")
    return 0


def _progress_export(args: argparse.Namespace) -> int:
    """The class's progress as CSV (events), a gradebook, item analysis, or xAPI statements (to a
    file and/or a Learning Record Store)."""
    from katlearn import classroom, content

    command = "progress-export"
    lrs_only = ("--lrs-auth-file", "--from-file", "--since", "--batch-size", "--unsent-dir")
    given = [o for o, v in zip(lrs_only, (args.lrs_auth_file, args.from_file, args.since, args.batch_size,
                                         args.unsent_dir)) if v is not None]
    if args.lrs is None and given:
        _err(command, f"{', '.join(given)}: only with --lrs URL")
        return 1
    if args.lrs is not None and args.format != "xapi":
        _err(command, "--lrs sends xAPI statements: use --format xapi")
        return 1
    if args.lrs is None and args.output is None:
        _err(command, "give -o FILE (or, with --format xapi, --lrs URL)")
        return 1
    if args.from_file is not None and (args.since is not None or args.store or args.learner):
        _err(command, "--from-file sends exactly the statements in the file: no --since, --store or --learner")
        return 1
    lrs = None
    if args.lrs is not None:
        try:
            lrs = classroom.Lrs(classroom.statements_url(args.lrs), classroom.lrs_authorization(args.lrs_auth_file),
                                batch_size=args.batch_size or classroom.BATCH_SIZE)
            since = classroom.parse_since(args.since) if args.since is not None else None
            if args.from_file is not None:
                return _report_send(command, classroom.send_statements(
                    classroom.read_statements(args.from_file), lrs, args.unsent_dir or "."), lrs)
        except classroom.LrsError as exc:
            _err(command, exc)
            return 1
    if args.format == "xapi":
        try:
            base = classroom.resolve_iri_base(args.iri_base)
            page = classroom.resolve_home_page(args.home_page)
        except ValueError as exc:
            _err(command, exc)
            return 1
    read_ts = time.time()
    records = classroom.load_class(os.pathsep.join(args.store) if args.store else None)
    for problem in records.problems:
        _err(command, problem)
    if records.unreadable and not args.skip_unreadable:
        _err(command, f"nothing exported: {content.plural(len(records.unreadable), 'store')} could not be read "
                      f"({', '.join(records.unreadable)}); --skip-unreadable exports the stores that could")
        return 1
    if args.learner is not None:
        records = classroom.only_learner(records, args.learner)
    modules, banks, texts, problems = classroom.course_quizzes()
    for problem in problems:
        _err(command, problem)
    of = content.plural(len(records.learners), "learner")
    events = len(records.attempts) + len(records.completions)
    if lrs is not None:
        try:
            done = classroom.send_class(records, lrs, read_ts, since, base, page, args.unsent_dir or ".")
        except classroom.LrsError as exc:
            _err(command, exc)
            return 1
        if args.output is not None and not _wrote(command, json.dumps(list(done.statements), ensure_ascii=False,
                                                                      indent=2) + "\n", args.output):
            return 1
        return _report_send(command, done, lrs, of)
    if args.format == "xapi":
        data = json.dumps(classroom.xapi_statements(records, banks, base, page, titles=dict(modules)),
                          ensure_ascii=False, indent=2) + "\n"
        what = f"{events} statements of {of}"
    elif args.format == "csv":
        data = classroom.events_csv(records, banks)
        what = f"{events} events of {of}"
    else:
        report = classroom.class_report(records, modules, banks, texts)
        if args.format == "gradebook":
            data, what = classroom.gradebook_csv(report), f"a gradebook of {of}"
        else:
            data, what = classroom.items_csv(report), f"{len(report.items)} questions' results over {of}"
    if not _wrote(command, data, args.output):
        return 1
    if args.output != "-":
        print(f"wrote {what} from {content.plural(len(records.stores), 'store')} to {args.output} ({args.format})")
    return 0


def _wrote(command: str, data: str, output: str) -> bool:
    try:
        _write(data, output)
    except OSError as exc:
        _err(command, f"cannot write {output}: {exc}")
        return False
    return True


def _report_send(command: str, done: ClassSend, lrs: Lrs, of: str = "") -> int:
    """Print what a send to an LRS did: a line per failed batch, where the unsent rest went."""
    for line in done.lines():
        _err(command, line)
    since = f" recorded since {_utc(done.since)}" if done.since is not None else ""
    print(f"sent {done.result.sent} of {len(done.statements)} statements{' of ' + of if of else ''}{since} "
          f"to {lrs.statements_url}")
    return 0 if done.result.ok else 1


def _utc(ts: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _verify(args: argparse.Namespace) -> int:
    """Say whether a record of completion (a downloaded file, or its code) is genuine; 0 if it is."""
    from katlearn import classroom

    try:
        key = classroom.secret()
    except classroom.RecordError as exc:
        _err("verify", exc)
        return 1
    target = Path(args.record)
    if target.is_file():
        try:
            blob = target.read_bytes()
        except OSError as exc:
            _err("verify", f"cannot read {target}: {exc}")
            return 1
        verdict = classroom.verify_file(blob, key)
    elif classroom.normalise_code(args.record) is not None:
        verdict = classroom.verify_code(args.record, key)
    else:
        _err("verify", f"{args.record!r} is neither a file nor a verification code (KL-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX)")
        return 1
    print(verdict.message, file=sys.stdout if verdict.genuine else sys.stderr)
    return 0 if verdict.genuine else 1
def _fit_constants(args: argparse.Namespace) -> int:
    """Maintainers: fit the absorption rates to published Tmax and integrate the circuit explorer's
    transients; store both with their inputs."""
    from katlearn.science import _precompute

    if not args.output:
        from katlearn.widgets.circuit import LEVELS_UM

        print(f"wrote {_precompute.write_transients(LEVELS_UM)} ({len(LEVELS_UM)} circuit transients)")
    path = _precompute.write_fitted(Path(args.output) if args.output else None)
    for entry in json.loads(path.read_text(encoding="utf-8"))["entries"]:
        print(f"{entry['model']:>13} {entry['route']:<11} Tmax {entry['tmax_target_min']:g} min "
              f"({entry['tmax_ref']}) -> ka {entry['ka_per_min']:.6g} 1/min")
    print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="katlearn", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve the course with Voila on 127.0.0.1")
    p.add_argument("--port", type=int, default=8866, help="port to listen on (default 8866)")
    p.add_argument("--open", action="store_true", help="open the home page in a browser")
    p.add_argument("--present", action="store_true", help="serve modules as slide decks (presenter mode)")
    p.set_defaults(func=_serve)

    p = sub.add_parser("check", help="validate all course content; prints path:line: field: message")
    p.add_argument("--root", default=None, help="course root (default: this checkout)")
    p.set_defaults(func=_check)

    p = sub.add_parser("lti-grades", help="hub service: module scores to the LMS gradebook (LTI AGS)")
    p.add_argument("--key-file", required=True, help="the tool's private key (PEM)")
    p.add_argument("--token-url", required=True, help="the platform's OAuth 2 access-token URL")
    p.add_argument("--class-dir", required=True, help="the class folder of progress stores")
    p.add_argument("--state-dir", required=True, help="folder for the service's outbox")
    p.add_argument("--interval-s", type=float, default=60.0, help="seconds between syncs (default 60)")
    p.add_argument("--first-retry-s", type=float, default=60.0,
                   help="seconds before retrying a failed send, doubling up to an hour (default 60)")
    p.add_argument("--auth-audience", default="", help="audience of the token request, if not the token URL")
    p.set_defaults(func=_lti_grades)

    p = sub.add_parser("export", help="export quiz banks for an LMS")
    p.add_argument("--format", required=True, choices=["gift", "qti", "csv"])
    p.add_argument("--module", default=None, help="one module id, e.g. 02_nmda_glutamate (default: all)")
    p.add_argument("-o", "--output", required=True, help="file to write")
    p.add_argument("--root", default=None, help="course root (default: this checkout)")
    p.set_defaults(func=_export)

    p = sub.add_parser("progress-export", help="export learners' progress: CSV, gradebook, item analysis or xAPI "
                                               "(to a file or a Learning Record Store)")
    p.add_argument("--format", required=True, choices=["csv", "gradebook", "items", "xapi"])
    p.add_argument("-o", "--output", default=None, help="file to write ('-': standard output); optional with --lrs")
    p.add_argument("--store", action="append", default=[],
                   help="a store file or class folder, repeatable "
                        "(default: $KATLEARN_CLASS_STORES, else this computer's store)")
    p.add_argument("--skip-unreadable", action="store_true",
                   help="export the stores that can be read even if some cannot (default: export nothing)")
    p.add_argument("--learner", default=None, help="only this learner's progress")
    p.add_argument("--iri-base", default=None,
                   help="xapi: URL you control under which activities are named ($KATLEARN_XAPI_IRI_BASE)")
    p.add_argument("--home-page", default=None,
                   help="xapi: URL where learners sign in, e.g. the hub ($KATLEARN_XAPI_HOME_PAGE)")
    lrs = p.add_argument_group("sending to a Learning Record Store (--format xapi)")
    lrs.add_argument("--lrs", default=None, metavar="URL",
                     help="the LRS's xAPI endpoint, e.g. https://lrs.example.org/xAPI/; credentials come from "
                          "$KATLEARN_LRS_USER and $KATLEARN_LRS_PASSWORD or --lrs-auth-file")
    lrs.add_argument("--lrs-auth-file", default=None, metavar="FILE",
                     help="file whose first line is 'key:secret' or 'Authorization: <value>' ($KATLEARN_LRS_AUTH_FILE)")
    lrs.add_argument("--since", default=None, metavar="TIME",
                     help="only statements recorded at or after TIME (ISO 8601, UTC unless given), or 'last': "
                          "since the last send to this LRS that fully succeeded")
    lrs.add_argument("--from-file", default=None, metavar="FILE",
                     help="send the statements in FILE (e.g. the unsent ones a failed send wrote) instead of the stores")
    lrs.add_argument("--unsent-dir", default=None, metavar="DIR",
                     help="where a failed send writes the statements it could not send (default: here)")
    lrs.add_argument("--batch-size", type=_positive, default=None, metavar="N",
                     help="statements per request (default 50)")
    p.set_defaults(func=_progress_export)

    p = sub.add_parser("store-grids", help="maintainers: store plotly's layout of every figure's subplot grid "
                                           "(after a plotly upgrade, or for a grid a test names)")
    p.add_argument("specs", nargs="*", metavar="SPEC", help="a grid key as the failing test prints it")
    p.set_defaults(func=_store_grids)

    p = sub.add_parser("verify", help="check a record of completion (HTML or PDF file, or its code)")
    p.add_argument("record", metavar="CODE-OR-FILE", help="a downloaded record, or its verification code")
    p.set_defaults(func=_verify)
    p = sub.add_parser("fit-constants", help="maintainers: refit the absorption rates to published Tmax and "
                                             "integrate the circuit explorer's transients; stored with their inputs "
                                             "in katlearn/science/*.json")
    p.add_argument("-o", "--output", default=None,
                   help="write only the fitted absorption rates, to this file (default: both, into the package)")
    p.set_defaults(func=_fit_constants)
    return parser


def _store_grids(args: argparse.Namespace) -> int:
    from katlearn.figures import store_subplot_grids

    try:
        path, count = store_subplot_grids(args.specs)
    except ValueError as e:
        print(f"katlearn store-grids: {e}", file=sys.stderr)
        return 2
    print(f"{path}: {count} subplot grids")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
