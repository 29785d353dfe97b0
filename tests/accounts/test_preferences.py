import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_elder_mode_is_remembered_in_a_cookie_and_enlarges_the_page(client):
    response = client.post(reverse("set_elder_mode"), {"on": "1", "next": reverse("account_login")})
    assert response.status_code == 302
    assert response.url == reverse("account_login")
    page = client.get(reverse("account_login"))
    assert b'class="elder"' in page.content

    client.post(reverse("set_elder_mode"), {"on": "0"})
    assert b'class="elder"' not in client.get(reverse("account_login")).content


def test_elder_mode_ignores_a_next_address_on_another_site(client):
    response = client.post(reverse("set_elder_mode"), {"on": "1", "next": "https://evil.example/"})
    assert response.url == reverse("volunteers:home")


def test_elder_mode_only_accepts_post(client):
    assert client.get(reverse("set_elder_mode")).status_code == 405


def test_the_footer_switches_language(client):
    assert "登录".encode() in client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content
    client.post(reverse("set_language"), {"language": "en", "next": reverse("account_login")})
    assert b"Log in" in client.get(reverse("account_login")).content
