"""Fixtures shared by the API tests."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def api(client, api_token):
    """The Django test client speaking JSON with the token."""

    class Api:
        def get(self, path: str, **extra):
            return client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {api_token}", **extra)

        def post(self, path: str, data, **extra):
            body = data if isinstance(data, bytes | str) else json.dumps(data)
            return client.post(
                f"/api/v1{path}",
                body,
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {api_token}",
                **extra,
            )

    return Api()
