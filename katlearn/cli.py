"""Command line: ``python -m katlearn serve|check|export|progress-export|fit-constants``.

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
from pathlib import Path


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


def _check(args: argparse.Namespace) -> int:
    """Print every content problem as ``path:line: field: message``; 1 if there is any."""
    from katlearn import content

    problems = content.check(args.root)
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.field)):
        print(problem)
    if problems:
        print(f"{content.plural(len(problems), 'problem')} found", file=sys.stderr)
        return 1
    print(f"OK: {content.summary(args.root)}")
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
    """The class's progress as CSV (events), a gradebook, item analysis, or xAPI statements."""
    from katlearn import classroom, content

    command = "progress-export"
    records = classroom.load_class(os.pathsep.join(args.store) if args.store else None)
    for problem in records.problems:
        _err(command, problem)
    if args.learner is not None:
        records = classroom.only_learner(records, args.learner)
    modules, banks, texts, problems = classroom.course_quizzes()
    for problem in problems:
        _err(command, problem)
    of = content.plural(len(records.learners), "learner")
    events = len(records.attempts) + len(records.completions)
    if args.format == "xapi":
        try:
            base = classroom.resolve_iri_base(args.iri_base)
            page = classroom.resolve_home_page(args.home_page)
        except ValueError as exc:
            _err(command, exc)
            return 1
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
    try:
        _write(data, args.output)
    except OSError as exc:
        _err(command, f"cannot write {args.output}: {exc}")
        return 1
    if args.output != "-":
        print(f"wrote {what} from {content.plural(len(records.stores), 'store')} to {args.output} ({args.format})")
    return 0


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

    p = sub.add_parser("export", help="export quiz banks for an LMS")
    p.add_argument("--format", required=True, choices=["gift", "qti", "csv"])
    p.add_argument("--module", default=None, help="one module id, e.g. 02_nmda_glutamate (default: all)")
    p.add_argument("-o", "--output", required=True, help="file to write")
    p.add_argument("--root", default=None, help="course root (default: this checkout)")
    p.set_defaults(func=_export)

    p = sub.add_parser("progress-export", help="export learners' progress: CSV, gradebook, item analysis or xAPI")
    p.add_argument("--format", required=True, choices=["csv", "gradebook", "items", "xapi"])
    p.add_argument("-o", "--output", required=True, help="file to write ('-': standard output)")
    p.add_argument("--store", action="append", default=[],
                   help="a store file or class folder, repeatable "
                        "(default: $KATLEARN_CLASS_STORES, else this computer's store)")
    p.add_argument("--learner", default=None, help="only this learner's progress")
    p.add_argument("--iri-base", default=None,
                   help="xapi: URL you control under which activities are named ($KATLEARN_XAPI_IRI_BASE)")
    p.add_argument("--home-page", default=None,
                   help="xapi: URL where learners sign in, e.g. the hub ($KATLEARN_XAPI_HOME_PAGE)")
    p.set_defaults(func=_progress_export)

    p = sub.add_parser("fit-constants", help="maintainers: refit the absorption rates to published Tmax and "
                                             "integrate the circuit explorer's transients; stored with their inputs "
                                             "in katlearn/science/*.json")
    p.add_argument("-o", "--output", default=None,
                   help="write only the fitted absorption rates, to this file (default: both, into the package)")
    p.set_defaults(func=_fit_constants)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
