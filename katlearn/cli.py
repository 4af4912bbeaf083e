"""Command line: ``python -m katlearn serve|check|export|progress-export``.

Each subcommand hands its parsed arguments to one function in the module that owns the job,
imported lazily so ``check`` does not pay for Voila and ``serve`` does not pay for pydantic.
"""

from __future__ import annotations

import argparse
import sys


def _serve(args: argparse.Namespace) -> int:
    from katlearn import server

    return server.run(port=args.port, open_browser=args.open, present=args.present)


def _check(args: argparse.Namespace) -> int:
    from katlearn import content

    return content.cli_check(root=args.root)


def _export(args: argparse.Namespace) -> int:
    from katlearn import export

    return export.cli_export(fmt=args.format, module=args.module, output=args.output)


def _progress_export(args: argparse.Namespace) -> int:
    from katlearn import dashboard

    return dashboard.cli_progress_export(fmt=args.format, output=args.output, stores=args.store,
                                         learner=args.learner, iri_base=args.iri_base, home_page=args.home_page)


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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
