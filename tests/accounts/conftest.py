"""The two-factor policy is cached (anchordesk.accounts.two_factor); a test's policy must not
outlive the test's database rollback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from anchordesk.accounts.two_factor import POLICY_CACHE_KEY


@pytest.fixture(autouse=True)
def _forget_cached_policy() -> Iterator[None]:
    cache.delete(POLICY_CACHE_KEY)
    yield
    cache.delete(POLICY_CACHE_KEY)
