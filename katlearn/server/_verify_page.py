"""The public page that checks a record of completion: ``<base>/katlearn/verify``.

Anyone (a programme, an employer) may check a record: type its code (``?code=KL-…``) or upload the
downloaded PDF or HTML file. The verdict comes from :mod:`katlearn.classroom` with the server's
secret (``KATLEARN_RECORD_SECRET`` in the server's environment); codes are looked up among the
records issued with this server's progress store. Nothing is stored.
"""

from __future__ import annotations

from html import escape

from jupyter_server.utils import url_path_join
from tornado import web

MAX_UPLOAD_BYTES = 5_000_000


class VerifyRecordHandler(web.RequestHandler):
    """GET: the form, or the verdict for ``?code=``; POST: the verdict for an uploaded file."""

    def get(self) -> None:
        code = self.get_query_argument("code", "").strip()
        self._page(self._check(code=code) if code else None, code)

    def post(self) -> None:
        files = self.request.files.get("record") or []
        if not files:
            self._page((False, "Choose a record file (PDF or HTML) to check."), "")
            return
        blob = files[0]["body"]
        if len(blob) > MAX_UPLOAD_BYTES:
            self._page((False, "NOT A RECORD: the file is larger than any record of completion."), "")
            return
        self._page(self._check(blob=blob), "")

    def _check(self, code: str = "", blob: bytes | None = None) -> tuple[bool, str]:
        from katlearn import classroom, learning

        try:
            key = classroom.secret()
        except classroom.RecordError as exc:
            return False, f"This server cannot check records: {exc}."
        try:
            verdict = classroom.verify_file(blob, key) if blob is not None else classroom.verify_code(code, key)
        except learning.ProgressError as exc:
            return False, f"The issued records could not be read: {exc}"
        return verdict.genuine, verdict.message

    def _page(self, verdict: tuple[bool, str] | None, code: str) -> None:
        result = ""
        if verdict is not None:
            genuine, message = verdict
            css = "kl-verify-genuine" if genuine else "kl-verify-not"
            result = (f'<div id="verdict" class="kl-verify-verdict {css}" role="status">'
                      f"<p><strong>{'Genuine' if genuine else 'Not confirmed'}</strong></p>"
                      f"<p>{escape(message)}</p></div>")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Check a record of completion</title><style>"
            "body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
            "label{display:block;font-weight:600;margin:.8rem 0 .3rem}input[type=text]{width:100%;max-width:30rem;"
            "font:inherit;padding:.3rem}button{font:inherit;margin-top:.6rem;padding:.3rem 1rem}"
            "form{margin-bottom:1.5rem}.kl-verify-verdict{border:2px solid;padding:.2rem 1rem;margin:1rem 0}"
            ".kl-verify-genuine{border-color:#00734d}.kl-verify-not{border-color:#b00020}</style></head><body><main>"
            "<h1>Check a record of completion</h1>"
            "<p>Records from this course carry a verification code. Type the code, or upload the record "
            "file (PDF or HTML) to check that nothing in it was changed.</p>"
            f"{result}"
            '<form method="get"><label for="code">Verification code</label>'
            f'<input type="text" id="code" name="code" value="{escape(code)}" autocomplete="off" '
            'placeholder="KL-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"><br><button type="submit">Check the code</button></form>'
            f'<form method="post" enctype="multipart/form-data">{self.xsrf_form_html()}'
            '<label for="record">Record file</label><input type="file" id="record" name="record" '
            'accept=".pdf,.html,application/pdf,text/html"><br><button type="submit">Check the file</button></form>'
            "</main></body></html>")


def verify_routes(base_url: str) -> list[tuple]:
    return [(url_path_join(base_url, "/katlearn/verify"), VerifyRecordHandler)]
