"""A token's use is recorded at most once a minute, so the API's reads seldom write."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.api.models import ApiToken
from shop.api.services import authenticate, create_token, revoke_token
from shop.core.database import utcnow
from shop.extensions import db

pytestmark = pytest.mark.usefixtures("app_ctx")


def last_used(token_id: int):
    db.session.remove()  # read what is stored, not what this session remembers
    return db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == token_id))


def test_use_is_recorded_at_most_once_a_minute():
    row, token = create_token("合作平台", actor_id=None)
    header = f"Bearer {token}"
    start = utcnow().replace(microsecond=0)
    assert last_used(row.id) is None
    assert authenticate(header, now=start).id == row.id
    assert last_used(row.id) == start
    for seconds in (1, 30, 60):  # not older than a minute: left as it is
        assert authenticate(header, now=start + timedelta(seconds=seconds)).id == row.id
        assert last_used(row.id) == start
    later = start + timedelta(seconds=61)
    assert authenticate(header, now=later).id == row.id
    assert last_used(row.id) == later


def test_refused_tokens_are_not_marked_used():
    row, token = create_token("合作平台", actor_id=None)
    assert authenticate(f"Bearer {token}x") is None
    revoke_token(row.name, actor_id=None)
    assert authenticate(f"Bearer {token}") is None
    assert last_used(row.id) is None
