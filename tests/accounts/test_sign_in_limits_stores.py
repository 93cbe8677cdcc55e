"""The sign-in limits behave the same on both stores: rows in the database, counters on Redis.

The database store is the one the rest of tests/accounts exercises (the test cache is not
Redis); here every behaviour runs on both, the Redis one against the real server.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyotp
import pytest
from django.test import Client

from anchordesk.accounts import ratelimit
from anchordesk.accounts.two_factor import do_enable_totp, new_secret
from tests.accounts.test_sign_in_limits import PARALLEL, _wrong_password_from_a_fresh_browser
from tests.conftest import Personas, missing_service
from tests.factories import PASSWORD
from tests.services import redis_available

REDIS_CACHE_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture(params=["database", "redis"])
def signin_store(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    if request.param == "redis":
        if not redis_available():
            missing_service("Redis is not reachable on 127.0.0.1:6379")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_CACHE_URL,
                "KEY_PREFIX": f"signin-test-{uuid.uuid4().hex[:8]}",  # nothing shared with other runs
            }
        }
        assert ratelimit.store() == "cache"  # "auto" picks the counters when the cache is Redis
    else:
        assert ratelimit.store() == "database"
    yield request.param


def _sign_in(client: Client, email: str, password: str) -> int:
    return client.post("/signin/", {"email": email, "password": password}).status_code


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_never_reach_the_check_more_often_than_the_limit(
    live_server: Any, people: Personas, settings: Any, signin_store: str
) -> None:
    settings.LOGIN_RATE_LIMIT = 10
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        statuses = list(pool.map(_wrong_password_from_a_fresh_browser, [live_server.url] * PARALLEL))
    checked = statuses.count(400)
    assert 1 <= checked <= 10
    assert statuses.count(429) == PARALLEL - checked
    # The failures that were checked are kept: the address may fail 10 - checked more times.
    client = Client()
    more = [_sign_in(client, "alice@example.test", "guess") for _ in range(11 - checked)]
    assert more == [400] * (10 - checked) + [429]
    assert _sign_in(client, "alice@example.test", PASSWORD) == 429


@pytest.mark.django_db
def test_one_address_trying_many_user_names_is_stopped_on_either_store(
    people: Personas, settings: Any, signin_store: str
) -> None:
    settings.LOGIN_RATE_LIMIT = 5
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 20
    client = Client()
    statuses = [_sign_in(client, f"guess{n}@example.test", "guess") for n in range(30) for _ in range(3)]
    assert statuses[:20] == [400] * 20
    assert set(statuses[20:]) == {429}
    assert _sign_in(client, "alice@example.test", PASSWORD) == 429
    assert _sign_in(Client(REMOTE_ADDR="10.1.2.3"), "alice@example.test", PASSWORD) == 302


@pytest.mark.django_db
def test_the_right_password_clears_the_names_failures(
    people: Personas, settings: Any, signin_store: str
) -> None:
    settings.LOGIN_RATE_LIMIT = 3
    settings.LOGIN_RATE_LIMIT_PER_ADDRESS = 5
    client = Client()
    assert [_sign_in(client, "alice@example.test", "guess") for _ in range(2)] == [400, 400]
    assert _sign_in(client, "alice@example.test", PASSWORD) == 302
    # Alice's failures no longer count, for her name nor for the address.
    other = Client()
    assert [_sign_in(other, "alice@example.test", "guess") for _ in range(4)] == [400, 400, 400, 429]
    assert [_sign_in(other, "bob@example.test", "guess") for _ in range(3)] == [400, 400, 429]


@pytest.mark.django_db
def test_a_locked_address_is_let_in_again_once_the_window_has_passed(
    people: Personas, settings: Any, signin_store: str
) -> None:
    settings.LOGIN_RATE_LIMIT = 2
    settings.LOGIN_RATE_WINDOW = 1
    client = Client()
    assert [_sign_in(client, "alice@example.test", "guess") for _ in range(3)] == [400, 400, 429]
    deadline = time.monotonic() + 15
    while (status := _sign_in(client, "alice@example.test", PASSWORD)) == 429:
        assert time.monotonic() < deadline, "still refused long after the one-second window"
        time.sleep(0.1)
    assert status == 302


@pytest.mark.django_db
def test_the_two_factor_code_step_is_limited_on_either_store(
    people: Personas, settings: Any, signin_store: str
) -> None:
    settings.LOGIN_RATE_LIMIT = 3
    secret = new_secret()
    do_enable_totp(people.agent, secret=secret, code=pyotp.TOTP(secret).now())
    client = Client()
    assert _sign_in(client, people.agent.email, PASSWORD) == 302
    assert [client.post("/signin/code/", {"code": "000000"}).status_code for _ in range(3)] == [400] * 3
    assert client.post("/signin/code/", {"code": pyotp.TOTP(secret).now()}).status_code == 429
