"""Account services: registration, authentication, password rules, changes, resets, staff, sessions."""
from unittest import mock

import pytest
from sqlalchemy import select

from shop.accounts import services
from shop.accounts.exceptions import (
    AccountDisabled,
    AuthenticationFailed,
    DuplicateEmail,
    DuplicateMobile,
    InvalidEmail,
    InvalidMobile,
    InvalidResetToken,
    MissingLoginName,
    PasswordRuleError,
    WrongPassword,
)
from shop.accounts.identifiers import normalize_email, normalize_mobile
from shop.accounts.models import LoginSession, User
from shop.accounts.sessions import end_all_sessions, hash_token, load_user
from shop.core.database import utcnow
from shop.extensions import db
from tests.factories import PASSWORD, make_user


def live_session(user: User, token: str) -> None:
    db.session.add(LoginSession(token_hash=hash_token(token), user_id=user.id))
    db.session.commit()


def test_register_by_email_normalises_and_hashes(app_ctx):
    user = services.register_user("  Li.Ming@Example.CN ", "", " 李明 ", "pass word 8")
    assert (user.email, user.mobile, user.name) == ("li.ming@example.cn", None, "李明")
    assert user.password_hash.startswith("scrypt:") and "pass word 8" not in user.password_hash
    assert not user.is_staff and user.is_active


def test_register_by_mobile_accepts_full_width_digits_and_prefix(app_ctx):
    assert services.register_user(None, "+86 138-0013-8000", "", "12345678").mobile == "13800138000"
    assert normalize_mobile("１３９００１３９０００") == "13900139000"


@pytest.mark.parametrize("email, mobile, error", [
    ("", "", MissingLoginName),
    ("not-an-email", "", InvalidEmail),
    ("a@b", "", InvalidEmail),
    ("", "12800138000", InvalidMobile),
    ("", "1380013800", InvalidMobile),
])
def test_register_refuses_bad_login_names(app_ctx, email, mobile, error):
    with pytest.raises(error):
        services.register_user(email, mobile, "x", "12345678")
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_register_refuses_duplicates_case_insensitively(app_ctx):
    services.register_user("wang@example.cn", "13800138000", "王", "12345678")
    with pytest.raises(DuplicateEmail) as caught:
        services.register_user("WANG@example.CN", "", "王二", "12345678")
    assert caught.value.field == "email"
    with pytest.raises(DuplicateMobile):
        services.register_user("other@example.cn", "138 0013 8000", "王三", "12345678")
    assert db.session.scalar(select(db.func.count(User.id))) == 1


@pytest.mark.parametrize("password, ok", [
    ("", False), ("1234567", False), ("12345678", True), ("密" * 8, True),
    ("x" * 128, True), ("x" * 129, False),
])
def test_password_rules(app_ctx, password, ok):
    if ok:
        services.register_user(None, "13800138000", "", password)
    else:
        with pytest.raises(PasswordRuleError):
            services.register_user(None, "13800138000", "", password)


def test_authenticate_by_email_any_case_and_by_mobile(app_ctx):
    user = make_user(email="zhao@example.cn", mobile="13900139000")
    assert services.authenticate("ZHAO@Example.cn ", PASSWORD).id == user.id
    assert services.authenticate("139 0013 9000", PASSWORD).id == user.id


@pytest.mark.parametrize("identifier, password", [
    ("zhao@example.cn", "wrong password"),
    ("nobody@example.cn", PASSWORD),
    ("13700137000", PASSWORD),
    ("neither", PASSWORD),
    ("", ""),
])
def test_authenticate_fails_the_same_way(app_ctx, identifier, password):
    make_user(email="zhao@example.cn")
    with pytest.raises(AuthenticationFailed) as caught:
        services.authenticate(identifier, password)
    assert type(caught.value) is AuthenticationFailed


def test_unknown_accounts_still_check_a_password_hash(app_ctx):
    with mock.patch("shop.accounts.services.check_password_hash", return_value=False) as check:
        with pytest.raises(AuthenticationFailed):
            services.authenticate("nobody@example.cn", PASSWORD)
    check.assert_called_once()


def test_inactive_users_cannot_log_in(app_ctx):
    make_user(email="off@example.cn", is_active=False)
    with pytest.raises(AccountDisabled):
        services.authenticate("off@example.cn", PASSWORD)
    # A wrong password says nothing about the account being disabled.
    with pytest.raises(AuthenticationFailed) as caught:
        services.authenticate("off@example.cn", "wrong password")
    assert type(caught.value) is AuthenticationFailed


def test_change_password_ends_other_sessions_only(app_ctx):
    user = make_user()
    live_session(user, "this-device")
    live_session(user, "other-device")
    user = load_user("this-device")
    services.change_password(user, PASSWORD, "new password!")
    assert load_user("this-device") is not None
    assert load_user("other-device") is None
    assert services.authenticate(user.email, "new password!").id == user.id


def test_change_password_needs_the_current_one_and_the_rules(app_ctx):
    user = make_user()
    with pytest.raises(WrongPassword):
        services.change_password(user, "not it", "new password!")
    with pytest.raises(PasswordRuleError):
        services.change_password(user, PASSWORD, "short")
    assert user.check_password(PASSWORD)


def test_reset_token_works_once(app_ctx):
    user = make_user()
    live_session(user, "somewhere")
    token = services.make_reset_token(user)
    assert services.check_reset_token(token).id == user.id
    services.reset_password(token, "brand new password")
    assert services.authenticate(user.email, "brand new password").id == user.id
    assert load_user("somewhere") is None
    with pytest.raises(InvalidResetToken):
        services.reset_password(token, "another password")


def test_reset_token_stops_working_after_any_password_change(app_ctx):
    user = make_user()
    token = services.make_reset_token(user)
    services.change_password(user, PASSWORD, "changed meanwhile")
    with pytest.raises(InvalidResetToken):
        services.check_reset_token(token)


def test_reset_token_expires(app, app_ctx):
    user = make_user()
    with mock.patch("itsdangerous.timed.time.time", return_value=1_000_000):
        token = services.make_reset_token(user)
    max_age = app.config["PASSWORD_RESET_MAX_AGE"]
    with mock.patch("itsdangerous.timed.time.time", return_value=1_000_000 + max_age - 1):
        assert services.check_reset_token(token).id == user.id
    with mock.patch("itsdangerous.timed.time.time", return_value=1_000_000 + max_age + 1):
        with pytest.raises(InvalidResetToken):
            services.reset_password(token, "brand new password")
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("token", ["", "garbage", "eyJ1c2VyIjoxfQ.forged.sig"])
def test_forged_reset_tokens_are_refused(app_ctx, token):
    make_user()
    with pytest.raises(InvalidResetToken):
        services.check_reset_token(token)


def test_reset_token_is_tied_to_the_secret_key(app, app_ctx):
    user = make_user()
    token = services.make_reset_token(user)
    with mock.patch.dict(app.config, {"SECRET_KEY": "another-secret"}):
        with pytest.raises(InvalidResetToken):
            services.check_reset_token(token)


def test_a_short_reset_password_keeps_the_token_usable(app_ctx):
    user = make_user()
    token = services.make_reset_token(user)
    with pytest.raises(PasswordRuleError):
        services.reset_password(token, "short")
    services.reset_password(token, "long enough now")


def test_no_reset_token_for_unknown_or_inactive_accounts(app_ctx):
    make_user(email="off@example.cn", is_active=False)
    user = make_user(email="on@example.cn")
    assert services.reset_token_for("nobody@example.cn") is None
    assert services.reset_token_for("off@example.cn") is None
    found_user, token = services.reset_token_for("ON@example.cn")
    assert found_user.id == user.id and services.check_reset_token(token).id == user.id


def test_create_staff_creates_then_promotes(app_ctx):
    staff, created = services.create_staff("Ops@Bangfu.cn", "staff password")
    assert created and staff.is_staff and staff.email == "ops@bangfu.cn"
    buyer = make_user(email="buyer@example.cn")
    promoted, created = services.create_staff("buyer@example.cn")
    assert not created and promoted.id == buyer.id and promoted.is_staff
    assert promoted.check_password(PASSWORD)  # promotion without a password keeps the old one


def test_create_staff_needs_a_password_for_a_new_account(app_ctx):
    with pytest.raises(PasswordRuleError):
        services.create_staff("new@bangfu.cn")
    with pytest.raises(InvalidEmail):
        services.create_staff("not an email", "staff password")


def test_sessions_load_by_token_and_end(app_ctx):
    user = make_user()
    other = make_user()
    live_session(user, "a")
    live_session(user, "b")
    live_session(other, "c")
    assert load_user("a").login_token == "a"
    assert load_user("nope") is None and load_user("") is None and load_user("x" * 500) is None
    assert end_all_sessions(user, except_token="b") == 1
    assert load_user("a") is None and load_user("b") is not None and load_user("c") is not None
    stored = db.session.scalars(select(LoginSession.token_hash)).all()
    assert "a" not in stored and hash_token("a") in stored


def test_sessions_of_deactivated_users_stop_working(app_ctx):
    user = make_user()
    live_session(user, "t")
    user.is_active = False
    db.session.commit()
    assert load_user("t") is None


def test_ended_sessions_keep_their_end_time(app_ctx):
    user = make_user()
    live_session(user, "t")
    before = utcnow()
    end_all_sessions(user)
    ended = db.session.scalar(select(LoginSession.ended_at))
    assert ended >= before


def test_normalize_email_folds_full_width():
    assert normalize_email(" Ａ＠Example.CN ") == "a@example.cn"


def test_acting_for_follows_memberships(app, app_ctx):
    from shop.accounts.acting import (
        acting_cooperative_id,
        acting_for,
        acting_organization_id,
        set_acting_for,
    )
    from shop.accounts.exceptions import ActingForRefused
    from shop.accounts.sessions import start_session
    from tests.factories import add_to_organization, make_organization

    user = make_user(name="王会员")
    org = make_organization(name="湖州市总工会")
    closed = make_organization(name="已注销单位", is_active=False)
    add_to_organization(user, org)
    add_to_organization(user, closed)
    with app.test_request_context():
        assert acting_for().kind == "self" and acting_for().name == ""
        start_session(db.session.get(User, user.id))
        assert acting_for() == acting_for().__class__("self", None, "王会员")
        assert acting_organization_id() is None and acting_cooperative_id() is None
        set_acting_for("organization", org.id)
        assert acting_organization_id() == org.id and acting_for().name == "湖州市总工会"
        for kind, party in [("organization", closed.id), ("cooperative", 1), ("everyone", 1)]:
            with pytest.raises(ActingForRefused):
                set_acting_for(kind, party)
        assert acting_organization_id() == org.id
        set_acting_for("self")
        assert acting_organization_id() is None


def test_a_login_lasts_login_session_days_at_most(app, app_ctx):
    from datetime import timedelta

    user = make_user()
    live_session(user, "old")
    live_session(user, "new")
    days = app.config["LOGIN_SESSION_DAYS"]
    old = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == hash_token("old")))
    old.created_at = utcnow() - timedelta(days=days, minutes=1)
    db.session.commit()
    assert load_user("old") is None
    assert load_user("new") is not None


def test_old_ended_and_run_out_sessions_are_purged_and_live_ones_kept(app, app_ctx):
    from datetime import timedelta

    from shop.accounts.sessions import ENDED_SESSIONS_KEPT, purge_sessions
    from shop.jobs import run_once

    user = make_user()
    lifetime = timedelta(days=app.config["LOGIN_SESSION_DAYS"])
    now = utcnow()
    rows = {
        "live": dict(created_at=now - timedelta(days=1)),
        "ended lately": dict(created_at=now - timedelta(days=5), ended_at=now - timedelta(days=2)),
        "ended long ago": dict(created_at=now - timedelta(days=50), ended_at=now - ENDED_SESSIONS_KEPT
                               - timedelta(hours=1)),
        "ran out lately": dict(created_at=now - lifetime - timedelta(days=1)),
        "ran out long ago": dict(created_at=now - lifetime - ENDED_SESSIONS_KEPT - timedelta(hours=1)),
    }
    for token, values in rows.items():
        db.session.add(LoginSession(token_hash=hash_token(token), user_id=user.id, **values))
    db.session.commit()
    assert purge_sessions(now) == 2
    left = set(db.session.scalars(select(LoginSession.token_hash)))
    assert left == {hash_token(token) for token in ("live", "ended lately", "ran out lately")}
    assert load_user("live") is not None
    assert purge_sessions(now) == 0
    assert run_once()["sessions_purged"] == 0


def test_attempts_are_stored_hashed_and_purged_when_too_old(app, app_ctx):
    from datetime import timedelta

    from shop.accounts import throttling
    from shop.accounts.models import ThrottledAttempt
    from shop.jobs import run_once

    now = utcnow()
    login_window = timedelta(minutes=app.config["LOGIN_LOCK_MINUTES"])
    reset_window = timedelta(minutes=app.config["PASSWORD_RESET_MAIL_MINUTES"])
    assert reset_window > login_window
    throttling.record(throttling.LOGIN_FAILURES, "a@example.cn", now - login_window - timedelta(seconds=1))
    throttling.record(throttling.LOGIN_FAILURES, "a@example.cn", now - timedelta(minutes=1))
    throttling.record(throttling.RESET_MAILS, "a@example.cn", now - login_window - timedelta(seconds=1))
    assert "a@example.cn" not in db.session.scalars(select(ThrottledAttempt.name_hash)).all()
    assert throttling.check(throttling.LOGIN_FAILURES, "a@example.cn", now) == 1  # only the recent one counts
    assert throttling.check(throttling.RESET_MAILS, "a@example.cn", now) == 1  # a longer window
    assert throttling.purge(now) == 1  # each kind by its own window
    assert throttling.check(throttling.LOGIN_FAILURES, "a@example.cn", now) == 1
    assert throttling.check(throttling.RESET_MAILS, "a@example.cn", now) == 1
    assert run_once()["attempts_purged"] == 0


def test_reset_mails_are_limited_per_address(app, app_ctx):
    user = make_user(email="reset@example.cn")
    for _ in range(app.config["PASSWORD_RESET_MAX_MAILS"]):
        assert services.reset_token_for(" RESET@example.cn ")[0].id == user.id
    assert services.reset_token_for("reset@example.cn") is None
    assert services.reset_token_for("other@example.cn") is None  # no account: nothing either way
