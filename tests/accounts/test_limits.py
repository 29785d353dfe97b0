"""Limits an attacker meets: failed logins counted per number and per address in a cache
every worker shares, daily caps on texted codes and a budget for all messages, and the
admin's sign-in sent through the same limits."""

import logging
import multiprocessing

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.sms import SmsRefused, send_sms
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1"


def log_in(client: Client, login: str, password: str, address: str = "10.0.0.1"):
    return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=address)


def logged_in(response) -> bool:
    return response.status_code == 302


def test_five_wrong_passwords_for_one_number_do_not_lock_out_anyone_else(client):
    UserFactory(phone="+8613800000001")
    UserFactory(phone="+8613800000002")
    for _ in range(5):
        assert not logged_in(log_in(Client(), "13800000001", WRONG))

    assert logged_in(log_in(Client(), "13800000002", PASSWORD))
    # The number tried is locked, whichever way it is written, even with its password.
    assert not logged_in(log_in(Client(), "138 0000 0001", PASSWORD))
    assert not logged_in(log_in(Client(), "+8613800000001", PASSWORD, address="10.0.0.2"))


def test_one_address_trying_many_numbers_is_stopped(settings):
    for number in range(62):
        log_in(Client(), f"1390000{number:04d}", WRONG, address="10.9.9.9")
    UserFactory(phone="+8613800000009")

    assert not logged_in(log_in(Client(), "13800000009", PASSWORD, address="10.9.9.9"))
    assert logged_in(log_in(Client(), "13800000009", PASSWORD, address="10.9.9.10"))


def _three_wrong_tries() -> None:
    connection.close()  # the child's own connection, not the parent's
    for _ in range(3):
        log_in(Client(), "13800000001", WRONG)
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_share_one_count(settings):
    """Five tries spread over two processes lock the number as five in one would: the
    counts live in the database cache, not in each process's memory."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache"}}
    UserFactory(phone="+8613800000001")
    connection.close()
    child = multiprocessing.get_context("fork").Process(target=_three_wrong_tries)
    child.start()
    child.join(60)
    assert child.exitcode == 0

    for _ in range(2):
        log_in(Client(), "13800000001", WRONG)

    assert not logged_in(log_in(Client(), "13800000001", PASSWORD))


def test_codes_to_one_number_are_capped_a_day(settings, sms_outbox):
    settings.SMS_DAILY_CODES_PER_NUMBER = 3
    for _ in range(3):
        send_sms("+8613800000001", "code", code=True, ip="10.0.0.1")

    with pytest.raises(SmsRefused):
        send_sms("+8613800000001", "code", code=True, ip="10.0.0.2")
    send_sms("+8613800000002", "code", code=True, ip="10.0.0.1")
    assert len(sms_outbox) == 4


def test_codes_from_one_address_are_capped_a_day(settings, sms_outbox):
    settings.SMS_DAILY_CODES_PER_ADDRESS = 3
    for number in range(3):
        send_sms(f"+861380000000{number}", "code", code=True, ip="10.0.0.1")

    with pytest.raises(SmsRefused):
        send_sms("+8613800000009", "code", code=True, ip="10.0.0.1")
    assert len(sms_outbox) == 3


def test_the_deployments_budget_warns_then_stops(settings, sms_outbox, caplog):
    settings.SMS_DAILY_BUDGET = 5
    with caplog.at_level(logging.WARNING, logger="accounts.sms"):
        for number in range(5):
            send_sms(f"+861380000000{number}", "reminder")
        with pytest.raises(SmsRefused):
            send_sms("+8613800000009", "reminder")

    assert len(sms_outbox) == 5
    assert [record.levelname for record in caplog.records] == ["WARNING", "ERROR"]


def test_asking_for_login_codes_beyond_the_cap_is_refused_on_the_page(client, settings, sms_outbox):
    settings.SMS_DAILY_CODES_PER_NUMBER = 2
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "request_login_code": "60/m/ip,60/m/key"}
    UserFactory(phone="+8613800000001")
    for _ in range(3):
        response = Client().post(
            reverse("account_request_login_code"), {"phone": "13800000001"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
        )

    assert len(sms_outbox) == 2
    assert "Too many codes were sent today" in response.content.decode()


def test_the_admin_signs_in_through_the_sites_login_and_its_limits(client):
    UserFactory(phone="+8613800000001", is_staff=True, is_superuser=True)

    response = client.get(reverse("admin:index"), follow=True)

    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    for _ in range(5):
        log_in(client, "13800000001", WRONG)
    assert not logged_in(log_in(client, "13800000001", PASSWORD))
