"""Sign-in limits that hold when a guesser is fast: parallel attempts and many user names."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from django.test import Client

from anchordesk.accounts.models import LoginAttempt
from tests.conftest import Personas
from tests.factories import PASSWORD

PARALLEL = 40


def _wrong_password_from_a_fresh_browser(base: str) -> int:
    session = requests.Session()
    page = session.get(f"{base}/signin/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    response = session.post(
        f"{base}/signin/",
        data={"email": "alice@example.test", "password": "guess", "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/signin/"},
        timeout=60,
        allow_redirects=False,
    )
    return response.status_code


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_are_checked_no_more_times_than_the_limit(
    live_server: Any, people: Personas, settings: Any
) -> None:
    settings.LOGIN_RATE_LIMIT = 10
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        statuses = list(pool.map(_wrong_password_from_a_fresh_browser, [live_server.url] * PARALLEL))
    checked = statuses.count(400)
    assert checked <= 10
    assert statuses.count(429) == PARALLEL - checked
    # Each password that was checked left its failure behind; refused attempts left nothing.
    assert LoginAttempt.objects.filter(username="alice@example.test").count() == checked


@pytest.mark.django_db
def test_one_address_trying_many_user_names_is_stopped(
    client: Client, people: Personas, settings: Any
) -> None:
    settings.LOGIN_RATE_LIMIT = 5
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 20
    statuses = [
        client.post("/signin/", {"email": f"guess{n}@example.test", "password": "guess"}).status_code
        for n in range(30)
        for _ in range(3)
    ]
    assert statuses[:20] == [400] * 20
    assert set(statuses[20:]) == {429}
    # The address is held back, whichever account it tries, until the window has passed.
    assert client.post("/signin/", {"email": "alice@example.test", "password": PASSWORD}).status_code == 429
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post("/signin/", {"email": "alice@example.test", "password": PASSWORD}).status_code == 302
