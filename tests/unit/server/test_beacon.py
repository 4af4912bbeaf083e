"""The close beacon: a page's own "closed" beacon shuts its kernel down; other sites cannot."""

from __future__ import annotations

import asyncio

import pytest

from katlearn.server._beacon import same_origin
from tests.unit.server.inprocess import course_app


@pytest.mark.parametrize(("origin", "host", "same"), [
    ("http://127.0.0.1:8866", "127.0.0.1:8866", True),
    ("https://Learn.Example.org", "learn.example.org", True),
    ("http://127.0.0.1:8866", "127.0.0.1:8867", False),
    ("http://elsewhere.example", "127.0.0.1:8866", False),
    ("null", "127.0.0.1:8866", False),
    (None, "127.0.0.1:8866", False),
    ("http://127.0.0.1:8866", None, False),
])
def test_same_origin(origin, host, same):
    assert same_origin(origin, host) is same


def test_a_same_origin_beacon_shuts_the_kernel_down_and_a_cross_origin_one_is_refused():
    async def scenario():
        async with course_app() as app:
            km = app.voila.kernel_manager
            kernel_id = await km.start_kernel(kernel_name="python3")
            url = f"voila/api/shutdown/{kernel_id}"
            origin = app.base.rstrip("/")
            for headers in ({"Origin": "http://elsewhere.example"}, {}):  # no XSRF token either
                refused = await app.fetch(url, method="POST", headers=headers)
                assert refused.code in (403, 404), (headers, refused.code)
                assert kernel_id in km
            # a browser holding an XSRF cookie for this server must send its token (as on a hub)
            with_cookie = await app.fetch(url, method="POST", headers={"Origin": origin, "Cookie": "_xsrf=abc"})
            assert with_cookie.code in (403, 404) and kernel_id in km
            # what navigator.sendBeacon sends on close: same-origin, no cookie, so no token
            accepted = await app.fetch(url, method="POST", headers={"Origin": origin})
            assert accepted.code == 204
            assert kernel_id not in km
            # ... and with a cookie, its token (Voila's beacon script sends it as a form field)
            other = await km.start_kernel(kernel_name="python3")
            tokened = await app.fetch(f"voila/api/shutdown/{other}", method="POST", body=b"_xsrf=abc",
                                      headers={"Origin": origin, "Cookie": "_xsrf=abc",
                                               "Content-Type": "application/x-www-form-urlencoded"})
            assert tokened.code == 204 and other not in km

    asyncio.run(scenario())
