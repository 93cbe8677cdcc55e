"""The background worker as a real process: what the web side commits, the worker does."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import missing_service
from tests.services import REDIS_URL, redis_available, scratch_database_url

SCRIPT = """
from anchordesk.accounts.actions import do_create_agent, do_get_or_create_customer
from anchordesk.tickets.actions import NewTicket, do_create_ticket, do_reply
agent = do_create_agent(email="worker-test@example.test", password="a-long-password-1", actor=None)
customer, _ = do_get_or_create_customer("dana@example.test", name="Dana")
ticket = do_create_ticket(NewTicket(customer=customer, subject="Lost parcel", body="Where is it?"))
do_reply(ticket, "I have asked the carrier and will write back by Friday.", actor=agent)
print("committed", ticket.pk)
"""


def _env(tmp_path: Path, database_url: str, redis: bool) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="anchordesk.settings",
        ANCHORDESK_DATA_DIR=str(tmp_path / "data"),
        DATABASE_URL=database_url,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "outbox"),
        HUEY_NAME=f"test-{uuid.uuid4().hex[:8]}",
        ANCHORDESK_MANIFEST_STATIC="0",
    )
    if redis:
        env["REDIS_URL"] = REDIS_URL
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "anchordesk", *args], env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.parametrize("queue", ["sqlite", "redis"])
def test_reply_committed_by_the_web_is_emailed_by_a_separate_worker_process(tmp_path, queue):
    if queue == "redis" and not redis_available():
        missing_service("Redis is not reachable on 127.0.0.1:6379")
    with scratch_database_url(str(tmp_path)) as database_url:
        env = _env(tmp_path, database_url, redis=queue == "redis")
        env["EMAIL_FILE_PATH"] = str(tmp_path / "outbox")
        migrated = _manage(env, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr

        # The reply is committed while no worker runs: the queue must keep it until one starts.
        made = _manage(env, "shell", "-c", SCRIPT)
        assert made.returncode == 0, made.stderr
        outbox = tmp_path / "outbox"
        assert not outbox.exists() or not any(outbox.iterdir())

        worker = subprocess.Popen(
            [sys.executable, "-m", "anchordesk", "worker"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            sent: list[Path] = []
            while time.monotonic() < deadline and not sent:
                sent = list(outbox.glob("*.log")) if outbox.exists() else []
                time.sleep(0.3)
        finally:
            worker.terminate()
            output = worker.communicate(timeout=30)[0].decode(errors="replace")
        assert sent, f"the worker sent nothing within 60 s; its log:\n{output[-3000:]}"
        mail = sent[0].read_text()
        assert "To: dana@example.test" in mail
        assert "Subject: Re: Lost parcel" in mail
        assert "will write back by Friday" in mail
