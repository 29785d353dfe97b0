import re

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from tests.factories import VolunteerFactory
from volunteers import services
from volunteers.cards import CardProblem, card_token, qr_svg, verify_card_token

pytestmark = pytest.mark.django_db


def test_a_token_names_the_volunteer_and_carries_no_personal_data():
    volunteer = VolunteerFactory()
    token = card_token(volunteer)
    assert re.fullmatch(rf"V{volunteer.pk}-1-[A-Z2-7]{{8}}", token)
    assert volunteer.user.phone[3:] not in token and volunteer.id_number not in token
    check = verify_card_token(token)
    assert check.ok and check.volunteer == volunteer


def test_a_typed_token_may_be_lower_case_or_spaced():
    volunteer = VolunteerFactory()
    typed = " ".join(card_token(volunteer).lower())
    assert verify_card_token(typed).volunteer == volunteer


def test_reissuing_revokes_the_old_card():
    volunteer = VolunteerFactory()
    old = card_token(volunteer)
    services.reissue_card(volunteer=volunteer)
    assert verify_card_token(old).problem is CardProblem.REVOKED
    assert verify_card_token(card_token(volunteer)).ok


@pytest.mark.parametrize("text", ["", "hello", "V1-1", "https://example.com/V1-1-AAAAAAAA"])
def test_anything_else_is_malformed(text):
    assert verify_card_token(text).problem is CardProblem.MALFORMED


def test_a_forged_signature_is_refused():
    volunteer = VolunteerFactory()
    token = card_token(volunteer)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert verify_card_token(forged).problem is CardProblem.BAD_SIGNATURE
    # The signature covers the id: another id with the same signature fails too.
    assert verify_card_token(f"V{volunteer.pk + 1}{token[len(str(volunteer.pk)) + 1 :]}").problem in {
        CardProblem.BAD_SIGNATURE,
        CardProblem.UNKNOWN_VOLUNTEER,
    }


def test_a_card_of_a_deactivated_account_is_refused():
    volunteer = VolunteerFactory(user__is_active=False)
    assert verify_card_token(card_token(volunteer)).problem is CardProblem.UNKNOWN_VOLUNTEER


def test_checking_a_card_is_one_query_and_gives_what_a_scan_needs(django_assert_num_queries):
    volunteer = VolunteerFactory(real_name="王秀英")
    with django_assert_num_queries(1):
        check = verify_card_token(card_token(volunteer))
        assert (check.volunteer.pk, check.volunteer.user_id, check.volunteer.real_name) == (
            volunteer.pk,
            volunteer.user_id,
            "王秀英",
        )
    # The rest of the profile is still there for a caller that wants it.
    with django_assert_num_queries(1):
        assert check.volunteer.id_number == volunteer.id_number


def _render_svg_modules(svg: str, scale: int = 8) -> Image.Image:
    """Draw the SVG path's unit squares: enough to decode without an SVG renderer."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)[1])
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y in re.findall(r"M(\d+),(\d+)H\d+V\d+H\d+z", re.search(r' d="([^"]+)"', svg)[1]):
        draw.rectangle([int(x) * scale, int(y) * scale, (int(x) + 1) * scale - 1, (int(y) + 1) * scale - 1], fill=0)
    return image


def test_the_printed_code_decodes_back_to_the_token_and_fits_a_version_1_symbol():
    volunteer = VolunteerFactory()
    token = card_token(volunteer)
    svg = str(qr_svg(token))
    image = _render_svg_modules(svg)
    results = zxingcpp.read_barcodes(image)
    assert [result.text for result in results] == [token]
    # 21 modules plus a 2-module quiet zone on each side: readable at 2 cm.
    assert image.width // 8 <= 25
