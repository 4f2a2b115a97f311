"""Account pages through the test client: register, log in and out, passwords, resets, acting for, staff."""
import re

import pytest
from flask import Blueprint

from shop import create_app
from shop.accounts.decorators import staff_required
from shop.accounts.models import LoginSession
from shop.extensions import db
from tests.factories import (
    PASSWORD,
    add_to_cooperative,
    add_to_organization,
    make_cooperative,
    make_organization,
    make_user,
)


def csrf_token(client, url="/account/login") -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)


def login(client, identifier, password=PASSWORD, next_url=""):
    return client.post("/account/login", data={"identifier": identifier, "password": password,
                                               "next": next_url, "csrf_token": csrf_token(client)})


def logout(client):
    return client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})


def english(client):
    """Messages are checked by their English text, which does not depend on the catalogue."""
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.fixture
def buyer(app):
    with app.app_context():
        user = make_user(email="buyer@example.cn", mobile="13800138000", name="李买家")
        return user.id


@pytest.mark.parametrize("url", ["/account/login", "/account/register", "/account/reset"])
def test_public_pages_render_in_chinese(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/account", "/account/password"])
def test_private_pages_send_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")


def test_register_logs_the_new_user_in(client):
    response = client.post("/account/register", data={
        "email": "New@Example.cn", "mobile": "", "name": "新用户", "password": "12345678", "confirm": "12345678",
        "agree": "y", "csrf_token": csrf_token(client, "/account/register")})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = client.get("/account").get_data(as_text=True)
    assert "新用户" in page and "new@example.cn" in page


def test_register_errors_show_next_to_the_fields(client, buyer):
    english(client)
    token = csrf_token(client, "/account/register")
    page = client.post("/account/register", data={
        "email": "buyer@example.cn", "name": "重复", "password": "12345678", "confirm": "12345678", "agree": "y",
        "csrf_token": token}).get_data(as_text=True)
    assert re.search(r'id="email-errors">\s*<span class="field-error">[^<]*already exists', page)
    page = client.post("/account/register", data={
        "name": "无名", "password": "123", "confirm": "456", "csrf_token": token}).get_data(as_text=True)
    assert "Enter an email address or a mobile number." in page
    assert 'id="password-errors"' in page and 'id="confirm-errors"' in page
    assert not is_logged_in(client)


@pytest.mark.parametrize("identifier", ["buyer@example.cn", "BUYER@example.cn", "13800138000"])
def test_login_by_email_or_mobile(client, buyer, identifier):
    response = login(client, identifier)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "李买家" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("identifier, password", [("buyer@example.cn", "wrong password"),
                                                  ("nobody@example.cn", PASSWORD)])
def test_bad_login_says_so_without_naming_the_cause(client, buyer, identifier, password):
    english(client)
    response = login(client, identifier, password)
    assert response.status_code == 200
    assert "The email, mobile number or password is not right." in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_disabled_accounts_cannot_log_in(app, client):
    with app.app_context():
        make_user(email="off@example.cn", is_active=False)
    english(client)
    assert "has been disabled" in login(client, "off@example.cn").get_data(as_text=True)
    assert not is_logged_in(client)


@pytest.mark.parametrize("target, expected", [
    ("/products?q=枣", "/products?q=%E6%9E%A3"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("javascript:alert(1)", "/"),
])
def test_login_returns_only_to_same_site_paths(client, buyer, target, expected):
    assert login(client, "buyer@example.cn", next_url=target).headers["Location"] == expected


def test_backslash_next_cannot_leave_the_site(client, buyer):
    location = login(client, "buyer@example.cn", next_url="/\\evil.example").headers["Location"]
    assert not location.startswith("//") and "\\" not in location


def test_login_page_carries_next_from_the_query(client, buyer):
    page = client.get("/account/login?next=/account/password").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account/password"' in page


def test_logout_needs_post_and_a_csrf_token(client, buyer):
    login(client, "buyer@example.cn")
    assert client.get("/account/logout").status_code == 405
    assert client.post("/account/logout").status_code == 400
    assert is_logged_in(client)
    response = logout(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not is_logged_in(client)


def test_a_copied_session_cookie_dies_at_logout(app, client, buyer):
    login(client, "buyer@example.cn")
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert is_logged_in(thief)
    logout(client)
    assert not is_logged_in(thief)
    with app.app_context():
        assert db.session.scalar(db.select(LoginSession.ended_at)) is not None


def test_login_issues_a_new_session(client, buyer):
    with client.session_transaction() as session:
        session["lang"] = "en"
        session["planted"] = "by someone else"
    before = client.get_cookie("session").value
    login(client, "buyer@example.cn")
    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert session["lang"] == "en" and "planted" not in session
        assert session["_user_id"] not in (str(buyer), buyer)  # a login token, not the user id


def test_logout_keeps_only_the_language(client, buyer):
    login(client, "buyer@example.cn")
    with client.session_transaction() as session:
        session["lang"] = "en"
        session["acting_for"] = {"kind": "organization", "id": 1}
    logout(client)
    with client.session_transaction() as session:
        assert dict(session) == {"lang": "en"}


def test_change_password_logs_out_other_devices(app, client, buyer):
    english(client)
    login(client, "buyer@example.cn")
    other = app.test_client()
    login(other, "13800138000")
    token = csrf_token(client, "/account/password")
    form = {"current_password": "nope", "password": "new password", "confirm": "new password",
            "csrf_token": token}
    page = client.post("/account/password", data=form)
    assert 'id="current_password-errors"' in page.get_data(as_text=True)
    response = client.post("/account/password", data={**form, "current_password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "Your password has been changed." in client.get("/account").get_data(as_text=True)
    assert not is_logged_in(other)
    logout(client)
    assert login(client, "buyer@example.cn", "new password").status_code == 302


def main_part(response) -> str:
    return re.search(r"<main.*</main>", response.get_data(as_text=True), re.S).group(0)


def request_reset(client, email):
    token = csrf_token(client, "/account/reset")
    return client.post("/account/reset", data={"email": email, "csrf_token": token})


def test_password_reset_by_email_works_once(client, buyer, mail_to_smtp):
    english(client)
    response = request_reset(client, "Buyer@Example.cn")
    assert response.status_code == 200
    [message] = mail_to_smtp.wait_for(1)
    assert message["To"] == "buyer@example.cn" and "Reset" in message["Subject"]
    assert mail_to_smtp.envelopes[0].rcpt_tos == ["buyer@example.cn"]
    body = message.get_content()
    assert "李买家" in body and "60 minutes" in body
    link = re.search(r"http://127\.0\.0\.1:8000(/account/reset/\S+)", body).group(1)  # SITE_URL, never the Host

    assert client.get(link).status_code == 200
    token = csrf_token(client, link)
    response = client.post(link, data={"password": "a new password", "confirm": "a new password",
                                       "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/account/login"
    assert "Your password has been reset." in client.get("/account/login").get_data(as_text=True)
    assert login(client, "buyer@example.cn", "a new password").headers["Location"] == "/"

    again = client.get(link)
    assert again.status_code == 400 and "has already been used" in again.get_data(as_text=True)
    assert client.post(link, data={"password": "third password", "confirm": "third password",
                                   "csrf_token": token}).status_code == 400


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, buyer, mail_to_smtp):
    known = request_reset(client, "buyer@example.cn")
    mail_to_smtp.wait_for(1)
    unknown = request_reset(client, "nobody@example.cn")
    assert known.status_code == unknown.status_code == 200
    assert main_part(unknown).replace("nobody", "X") == main_part(known).replace("buyer", "X")
    assert len(mail_to_smtp.messages) == 1


def test_reset_mails_to_one_address_are_limited_and_the_page_looks_the_same(app, client, buyer, mail_to_smtp):
    allowed = app.config["PASSWORD_RESET_MAX_MAILS"]
    pages = [main_part(request_reset(client, "buyer@example.cn")) for _ in range(allowed + 2)]
    mail_to_smtp.wait_for(allowed)
    assert len(set(pages)) == 1  # the page never tells
    assert len(mail_to_smtp.messages) == allowed
    age_attempts(app, app.config["PASSWORD_RESET_MAIL_MINUTES"])
    request_reset(client, "buyer@example.cn")
    mail_to_smtp.wait_for(allowed + 1)


def test_reset_page_still_answers_when_mail_fails(app, client, buyer, mail_to_smtp, caplog):
    app.config["MAIL_PORT"] = 1  # nothing listens there; mail_to_smtp restores the port afterwards
    response = request_reset(client, "buyer@example.cn")
    assert response.status_code == 200 and "buyer@example.cn" in response.get_data(as_text=True)
    assert "password_reset" in caplog.text


def test_reset_link_with_a_bad_token_is_refused(client):
    assert client.get("/account/reset/not-a-token").status_code == 400


def test_reset_form_keeps_the_link_usable_after_a_bad_password(app, client, buyer):
    from shop.accounts.models import User
    from shop.accounts.services import make_reset_token

    with app.app_context():
        link = f"/account/reset/{make_reset_token(db.session.get(User, buyer))}"
    token = csrf_token(client, link)
    page = client.post(link, data={"password": "short", "confirm": "short", "csrf_token": token})
    assert page.status_code == 200 and 'id="password-errors"' in page.get_data(as_text=True)
    assert client.get(link).status_code == 200


@pytest.fixture
def member(app):
    """A user in one organization and one cooperative, plus an organization they are not in."""
    with app.app_context():
        user = make_user(email="member@example.cn", name="王会员")
        org = make_organization(name="湖州市总工会")
        other_org = make_organization(name="别人的单位")
        coop = make_cooperative(name="柯坪县红枣合作社")
        add_to_organization(user, org)
        add_to_cooperative(user, coop)
        return {"org": org.id, "other_org": other_org.id, "coop": coop.id}


def choose(client, choice, next_url=""):
    return client.post("/account/acting-for", data={"choice": choice, "next": next_url,
                                                    "csrf_token": csrf_token(client, "/account")})


def test_acting_for_switches_between_memberships(client, member):
    login(client, "member@example.cn")
    page = client.get("/account").get_data(as_text=True)
    assert "湖州市总工会" in page and "柯坪县红枣合作社" in page and "别人的单位" not in page

    response = choose(client, f"organization:{member['org']}", next_url="/products")
    assert response.status_code == 302 and response.headers["Location"] == "/products"
    assert re.search(r'class="acting-current">湖州市总工会<', client.get("/account").get_data(as_text=True))

    choose(client, f"cooperative:{member['coop']}")
    assert re.search(r'class="acting-current">柯坪县红枣合作社<', client.get("/account").get_data(as_text=True))

    choose(client, "self")
    assert re.search(r'class="acting-current">王会员<', client.get("/account").get_data(as_text=True))


@pytest.mark.parametrize("choice, status", [
    ("organization:{other_org}", 403),
    ("cooperative:999999", 403),
    ("organization:abc", 400),
    ("everyone", 400),
])
def test_acting_for_refuses_parties_you_are_not_in(client, member, choice, status):
    login(client, "member@example.cn")
    choose(client, f"organization:{member['org']}")
    assert choose(client, choice.format(**member)).status_code == status
    assert re.search(r'class="acting-current">湖州市总工会<', client.get("/account").get_data(as_text=True))


def test_acting_for_falls_back_to_self_when_the_membership_goes(app, client, member):
    from shop.accounts.models import OrganizationMembership

    login(client, "member@example.cn")
    choose(client, f"organization:{member['org']}")
    with app.app_context():
        db.session.execute(db.delete(OrganizationMembership))
        db.session.commit()
    assert re.search(r'class="acting-current">王会员<', client.get("/account").get_data(as_text=True))


def test_acting_for_needs_login(client):
    response = client.post("/account/acting-for", data={"choice": "self", "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/login")


@pytest.fixture
def staff_app(app, database_url):
    """A second app on the same database with a throwaway staff-only page."""
    other = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                        "SQLALCHEMY_DATABASE_URI": database_url})
    probe = Blueprint("probe", __name__)

    @probe.get("/probe")
    @staff_required
    def page():
        return "staff only"

    other.register_blueprint(probe)
    yield other
    with other.app_context():
        db.session.remove()
        for engine in db.engines.values():  # the page cache's version reads have their own
            engine.dispose()


@pytest.mark.parametrize("role, status", [("visitor", 302), ("buyer", 403), ("staff", 200)])
def test_staff_required(app, staff_app, role, status):
    with app.app_context():
        make_user(email="buyer@example.cn")
        make_user(email="staff@example.cn", is_staff=True)
    client = staff_app.test_client()
    if role != "visitor":
        login(client, f"{role}@example.cn")
    response = client.get("/probe")
    assert response.status_code == status
    if role == "visitor":
        assert response.headers["Location"].startswith("/account/login?next=")


def test_create_staff_command(app, runner):
    from shop.accounts.cli import create_staff_command
    from shop.accounts.models import User

    result = runner.invoke(create_staff_command, ["Ops@Bangfu.cn"], input="staff password\nstaff password\n")
    assert result.exit_code == 0, result.output
    assert "created staff account ops@bangfu.cn" in result.output
    result = runner.invoke(create_staff_command, ["ops@bangfu.cn"])
    assert result.exit_code == 0 and "promoted" in result.output
    result = runner.invoke(create_staff_command, ["x@bangfu.cn", "--password", "short"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(db.select(User.is_staff).where(User.email == "ops@bangfu.cn"))


def age_attempts(app, minutes: int) -> None:
    """Pretend the recorded failed logins and reset requests happened `minutes` earlier."""
    from datetime import timedelta

    from shop.accounts.models import ThrottledAttempt

    with app.app_context():
        for attempt in db.session.scalars(db.select(ThrottledAttempt)):
            attempt.at -= timedelta(minutes=minutes)
        db.session.commit()


def test_repeated_failed_logins_lock_the_name_for_a_while(app, client, buyer):
    english(client)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login(client, "buyer@example.cn", "wrong password").status_code == 200
    # Now even the right password is refused, and the page says for how long.
    response = login(client, "BUYER@example.cn")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(15 * 60)
    assert "Too many failed attempts. Please try again in 15 minutes." in response.get_data(as_text=True)
    assert not is_logged_in(client)
    # The same person by mobile number is another login name; other accounts are not affected either.
    assert login(client, "13800138000").status_code == 302
    logout(client)
    age_attempts(app, 10)
    response = login(client, "buyer@example.cn")
    assert "try again in 5 minutes" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == str(5 * 60)
    age_attempts(app, 5)
    assert login(client, "buyer@example.cn").status_code == 302


def test_the_lock_message_is_in_chinese_by_default(app, client, buyer):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, "13800138000", "wrong password")
    assert "登录失败次数过多" in login(client, "13800138000").get_data(as_text=True)


def test_unknown_names_are_locked_alike_so_the_answer_reveals_nothing(app, client):
    english(client)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(client, "nobody@example.cn", "guess")
    assert login(client, "nobody@example.cn", "guess").status_code == 429


def test_a_successful_login_forgets_earlier_failures(app, client, buyer):
    from shop.accounts.models import ThrottledAttempt

    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        login(client, "buyer@example.cn", "wrong password")
    with app.app_context():
        stored = db.session.scalars(db.select(ThrottledAttempt.name_hash)).all()
    assert len(stored) == app.config["LOGIN_MAX_FAILURES"] - 1 and "buyer@example.cn" not in stored
    assert login(client, "buyer@example.cn").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ThrottledAttempt.id))) == 0
