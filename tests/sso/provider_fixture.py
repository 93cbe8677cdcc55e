"""A real OpenID provider for the SSO tests: tests/sso/provider run as its own Django site.

Each session gets one provider process on a free port with its own SQLite database, an RSA signing
key and a confidential client whose redirect URI is the live test server's callback. Readiness is
its discovery document answering; teardown stops the process.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "anchordesk-tests"
PASSWORD = "provider-password-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Provider:
    url: str
    client_secret: str
    env: dict[str, str]

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def manage(self, *args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "django", *args], env=self.env, cwd=ROOT, capture_output=True, timeout=120
        )
        if done.returncode:
            raise RuntimeError(f"test provider: {' '.join(args)} failed:\n{done.stderr.decode()[-3000:]}")

    def add_user(self, username: str, email: str, name: str, groups: list[str]) -> None:
        self.manage("provider_setup", "user", username, PASSWORD, email, name, *groups)

    def set_groups(self, username: str, groups: list[str]) -> None:
        self.manage("provider_setup", "groups", username, *groups)


def _wait_until_ready(process: subprocess.Popen[bytes], discovery: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the test OpenID provider exited: {process.stderr and process.stderr.read()!r}"
            )
        try:
            if requests.get(discovery, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)  # polling interval while the provider starts, not a wait for an outcome
    raise RuntimeError("the test OpenID provider did not answer its discovery document within 60 s")


@pytest.fixture(scope="session")
def oidc_provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.sso.provider.settings",
        PROVIDER_DB=str(folder / "provider.sqlite3"),
        PROVIDER_SITE_URL=url,
        PYTHONPATH=str(ROOT),
    )
    # Hex, not url-safe base64: a secret starting with "-" was read as an option by the setup command.
    provider = Provider(url=url, client_secret=secrets.token_hex(24), env=env)
    provider.manage("migrate", "--noinput")
    provider.manage("creatersakey")
    provider.manage(
        "provider_setup", "client", CLIENT_ID, provider.client_secret, f"{live_server.url}/sso/callback/"
    )
    log = open(folder / "provider.log", "wb")  # noqa: SIM115 - open for the process's lifetime
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_ready(process, f"{provider.issuer}/.well-known/openid-configuration")
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def sso_settings(settings: Any, oidc_provider: Provider) -> Provider:
    """Anchordesk configured against the test provider: groups give roles, others give teams."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = oidc_provider.client_secret
    settings.OIDC_SCOPES = "openid email profile groups"
    settings.OIDC_CREATE_USERS = True
    settings.OIDC_AGENT_GROUPS = ["support-agents"]
    settings.OIDC_LEAD_GROUPS = ["support-leads"]
    settings.OIDC_ADMIN_GROUPS = ["helpdesk-admins"]
    settings.OIDC_TEAM_GROUPS = "team-billing=Billing, team-network=Network"
    settings.SCIM_TOKEN = "scim-test-token-" + "k" * 20
    return oidc_provider
