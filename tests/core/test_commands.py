from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from anchordesk.accounts.models import User


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_createagent_makes_a_lead_who_can_sign_in(db, client):
    call_command(
        "createagent",
        "ann@example.test",
        name="Ann Lee",
        role="lead",
        team=["Support"],
        password="a-long-password-1",
    )
    user = User.objects.get(email="ann@example.test")
    assert user.role == "lead" and user.first_name == "Ann" and user.teams.get().name == "Support"
    assert client.login(username="ann@example.test", password="a-long-password-1")


def test_createagent_refuses_a_weak_password_with_the_reason(db):
    with pytest.raises(CommandError, match="password"):
        call_command("createagent", "weak@example.test", password="short")
    assert not User.objects.filter(email="weak@example.test").exists()


def test_run_starts_web_and_worker_and_ctrl_c_stops_both(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="anchordesk.settings",
        ANCHORDESK_DATA_DIR=str(tmp_path),
        ANCHORDESK_MANIFEST_STATIC="0",
    )
    subprocess.run(
        [sys.executable, "-m", "anchordesk", "migrate", "--noinput"], env=env, check=True, capture_output=True
    )
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "anchordesk", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = json.loads(response.read())
            except OSError:
                time.sleep(0.3)
        assert body == {"ok": True}
        children = subprocess.run(
            ["pgrep", "-f", "-s", str(proc.pid), "run_huey|anchordesk worker"], capture_output=True, text=True
        )
        assert children.stdout.strip(), "the worker process is not running"
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=30)[0].decode(errors="replace")
    assert proc.returncode is not None
    assert f"http://127.0.0.1:{port}/" in output
    leftover = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True)
    assert leftover.stdout.strip() == "", "web or worker still running after Ctrl-C"
