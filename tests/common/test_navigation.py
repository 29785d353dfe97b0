"""The bottom tab bar: which tab each page is under, the back arrow, the unread badge, and the manifest."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.notifications import notify
from common.templatetags.icons import icon
from config.navigation import tab_of
from tests.factories import TeamFactory, volunteer_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("view_name", "tab"),
    [
        ("volunteers:home", "home"),
        ("hours:dashboard", "home"),
        ("shifts:list", "shifts"),
        ("shifts:detail", "shifts"),
        ("shifts:scanner", "scan"),
        ("shifts:attendance", "scan"),
        ("shifts:mine", "me"),
        ("hours:my_hours", "me"),
        ("volunteers:card", "me"),
        ("notifications", "me"),
        ("teams:detail", "me"),
    ],
)
def test_each_page_is_under_the_tab_people_expect(view_name, tab):
    assert tab_of(view_name) == tab


def test_a_tab_page_has_no_back_arrow_and_a_page_under_it_goes_back_to_it(client_for):
    volunteer = volunteer_in(TeamFactory())
    client = client_for(volunteer.user)
    home = client.get(reverse("volunteers:home")).content.decode()
    assert "topbar-back" not in home
    assert 'aria-current="page" href="/me/" data-testid="tab-home"' in home
    card = client.get(reverse("volunteers:card")).content.decode()
    assert f'class="topbar-back" href="{reverse("volunteers:me")}"' in card
    assert f'aria-current="page" href="{reverse("volunteers:me")}" data-testid="tab-me"' in card


def test_unread_notifications_show_as_a_badge_on_the_me_tab(client_for):
    volunteer = volunteer_in(TeamFactory())
    client = client_for(volunteer.user)
    assert "weui-badge" not in client.get(reverse("volunteers:home")).content.decode()
    notify([volunteer.user], lambda: "班次有变动")
    notify([volunteer.user], lambda: "您已报名成功")
    home = client.get(reverse("volunteers:home")).content.decode()
    tab = home[home.index('data-testid="tab-me"') :]
    assert '<span class="weui-badge tabbar-badge" data-testid="notifications">2' in tab


def test_signing_out_is_a_page_that_asks_first_not_a_button_beside_the_tabs(client_for):
    volunteer = volunteer_in(TeamFactory())
    client = client_for(volunteer.user)
    home = client.get(reverse("volunteers:home")).content.decode()
    assert reverse("account_logout") not in home
    me = client.get(reverse("volunteers:me")).content.decode()
    assert f'href="{reverse("account_logout")}" data-testid="logout-link"' in me
    confirm = client.get(reverse("account_logout"))
    assert confirm.status_code == 200
    assert client.session.get("_auth_user_id")  # still signed in until the button on that page is pressed


def test_the_manifest_names_the_app_and_its_icons_exist(client):
    response = client.get(reverse("manifest"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "志愿服务"
    assert manifest["start_url"] == reverse("volunteers:home")
    for entry in manifest["icons"]:
        path = entry["src"].removeprefix(settings.STATIC_URL)
        assert (settings.BASE_DIR / "static" / path).is_file(), entry["src"]


def test_an_icon_is_inlined_hidden_from_screen_readers_and_a_bad_name_is_refused():
    svg = icon("home")
    assert svg.startswith('<svg class="icon"') and 'aria-hidden="true"' in svg and "<path" in svg
    with pytest.raises(Exception, match="Bad icon name"):
        icon("../secret")


def test_a_page_under_a_tab_has_its_title_in_the_top_bar_escaped_once(client_for):
    team = TeamFactory(name="老<少>同乐 & 服务队")
    volunteer = volunteer_in(team)
    page = client_for(volunteer.user).get(team.get_absolute_url()).content.decode()
    assert "<title>老&lt;少&gt;同乐 &amp; 服务队 · 志愿服务</title>" in page
    assert '<span class="brand">老&lt;少&gt;同乐 &amp; 服务队</span>' in page
