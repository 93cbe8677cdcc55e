"""An API client per persona: each agent gets a real token made the way the UI makes one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from anchordesk.accounts.actions import do_create_api_token
from anchordesk.accounts.models import User

API = "/api/v1"


@dataclass
class ApiClient:
    client: Client
    token: str | None

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token is not None else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(API + path, params or {}, headers=self._headers())

    def _send(self, method: str, path: str, body: Any) -> Any:
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return getattr(self.client, method)(
            API + path, data=data, content_type="application/json", headers=self._headers()
        )

    def post(self, path: str, body: Any = None) -> Any:
        return self._send("post", path, {} if body is None else body)

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._send("put", path, body)

    def delete(self, path: str) -> Any:
        return self.client.delete(API + path, headers=self._headers())

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(API + path, data=data, headers=self._headers())


def token_for(user: User) -> str:
    _, raw = do_create_api_token(user, "tests", actor=user)
    return raw


@pytest.fixture
def as_user(people):
    """as_user(people.agent) → an ApiClient with a fresh token for that user."""

    def make(user: User | None, token: str | None = None) -> ApiClient:
        if user is not None and token is None:
            token = token_for(user)
        return ApiClient(Client(), token)

    return make


def field_errors(response: Any) -> dict[str, str]:
    body = response.json()
    return {e["field"]: e["reason"] for e in body.get("errors", [])}
