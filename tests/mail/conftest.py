"""Real mail servers for the email tests: aiosmtpd for SMTP and a throwaway Dovecot for IMAP."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from tests.conftest import missing_service


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SmtpSink:
    """Receives what we send. `refuse` makes it answer 451 (try later) to every message."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)
    refuse: bool = False
    host: str = "127.0.0.1"
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.original_content or b"", policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpSink]:
    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str
    root: Path


_CONF = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{root}/mail/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Processed {{
    auto = create
  }}
}}
"""


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(binary):
        missing_service("Dovecot is not installed (apt-get install dovecot-imapd)")
    if os.geteuid() != 0:
        missing_service("Dovecot's master must start as root")
    # Not under pytest's tmp folder: that is 0700, and Dovecot's auth process (user dovecot) must read in here.
    root = Path(tempfile.mkdtemp(prefix="anchordesk-dovecot-"))
    os.chmod(root, 0o755)
    port = free_port()
    user, password = "support@example.test", "imap-secret"
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n")
    (root / "mail").mkdir()
    shutil.chown(root / "mail", "mail", "mail")
    conf = root / "dovecot.conf"
    conf.write_text(_CONF.format(root=root, port=port))
    # The master daemonizes and keeps its inherited stdout open: give it a file, not a pipe.
    with open(root / "start.log", "wb") as start_log:
        started = subprocess.run([binary, "-c", str(conf)], stdout=start_log, stderr=subprocess.STDOUT)
    if started.returncode != 0:
        pytest.fail(f"dovecot did not start: {(root / 'start.log').read_text()}")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    else:
        log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
        pytest.fail(f"dovecot is not listening: {log}")
    try:
        yield Dovecot(host="127.0.0.1", port=port, user=user, password=password, root=root)
    finally:
        subprocess.run(
            [binary, "-c", str(conf), "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        shutil.rmtree(root, ignore_errors=True)
