"""Settings for the test suite: the real settings with fast hashing, an immediate queue
and a throwaway data folder. DATABASE_URL and REDIS_URL still come from the environment,
so the same suite runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("ANCHORDESK_DATA_DIR", tempfile.mkdtemp(prefix="anchordesk-test-"))
# pytest-xdist: each worker process gets a data folder of its own (files, queue, test database),
# below the one the controller made; a subprocess started by a test inherits it as it is.
if os.environ.get("PYTEST_XDIST_WORKER") and not os.environ["ANCHORDESK_DATA_DIR"].endswith(
    os.environ["PYTEST_XDIST_WORKER"]
):
    os.environ["ANCHORDESK_DATA_DIR"] = os.path.join(
        os.environ["ANCHORDESK_DATA_DIR"], os.environ["PYTEST_XDIST_WORKER"]
    )
os.environ.setdefault("ANCHORDESK_MANIFEST_STATIC", "0")
# A fixed Fernet key, so commands run by the tests do not warn about the key derived from SECRET_KEY
# (tests/core/test_secrets.py checks that warning and rotation with keys of its own).
os.environ.setdefault("ANCHORDESK_ENCRYPTION_KEY", "YW5jaG9yZGVzay10ZXN0cy1vbmx5LWZpeGVkLWtleSE=")

from anchordesk.settings import *  # noqa: F403 - the real settings, then the overrides below
from anchordesk.settings import HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns about a missing folder

# A file, not :memory:, so the live server's threads (browser tests) each get their own
# SQLite connection instead of sharing one across threads mid-transaction.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
