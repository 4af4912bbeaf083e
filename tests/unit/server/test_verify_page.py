"""The verify page (/katlearn/verify) on an in-process course server: a code, a file upload (with
the XSRF token its form carries, which a jupyter-server on a hub requires), a tampered file, no
secret configured."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest

from katlearn import classroom, content, learning
from tests.unit.server.inprocess import course_app

SECRET = "verify-page-test-secret-42"


def multipart(field: str, filename: str, blob: bytes, xsrf: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_xsrf\"\r\n\r\n{xsrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + blob + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def issued(tmp_path, monkeypatch):
    monkeypatch.setenv("KATLEARN_DB", str(tmp_path / "progress.sqlite"))
    monkeypatch.setenv(classroom.SECRET_ENV, SECRET)
    learning.close()
    learning.record_completion("Ada Ωmega", content.learner_modules()[0].slug, 1.0, True, ts=1_780_000_000.0)
    record, code, html, pdf = classroom.learner_record("Ada Ωmega", classroom.secret(), 1_780_000_100.0)
    yield code, html, pdf
    learning.close()


def test_codes_and_files_are_checked(issued):
    code, html, _pdf = issued

    async def scenario():
        async with course_app() as app:
            page = await app.fetch("katlearn/verify")
            assert page.code == 200 and b'<html lang="en">' in page.body and b'id="verdict"' not in page.body
            r = await app.fetch(f"katlearn/verify?code={code}")
            assert b"Genuine" in r.body and "Ada Ωmega".encode() in r.body
            r = await app.fetch("katlearn/verify?code=KL-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
            assert b"UNKNOWN CODE" in r.body
            r = await app.fetch("katlearn/verify?code=%3Cscript%3E")
            assert b"NOT A CODE" in r.body and b"<script>" not in r.body

            token = re.search(rb'name="_xsrf" value="([^"]+)"', page.body).group(1).decode()
            cookie = page.headers.get_list("Set-Cookie")[0].split(";")[0]
            for blob, verdict in ((html.encode(), b"Genuine"), (html.replace("100%", "10%").encode(), b"ALTERED")):
                body, ctype = multipart("record", "record.html", blob, token)
                r = await app.fetch("katlearn/verify", method="POST", body=body,
                                    headers={"Content-Type": ctype, "Cookie": cookie})
                assert r.code == 200 and verdict in r.body
            r = await app.fetch("katlearn/verify", method="POST", body=b"",
                                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            assert b"Choose a record file" in r.body

    asyncio.run(scenario())


def test_without_a_secret_the_page_says_it_cannot_check(issued, monkeypatch):
    code, _html, _pdf = issued
    monkeypatch.delenv(classroom.SECRET_ENV)

    async def scenario():
        async with course_app() as app:
            r = await app.fetch(f"katlearn/verify?code={code}")
            assert b"cannot check records" in r.body and b"KATLEARN_RECORD_SECRET" in r.body

    asyncio.run(scenario())
