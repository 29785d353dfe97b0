import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import resident_id
from volunteers.identity import (
    birth_date_from_id,
    check_char,
    gender_from_id,
    mask_id_number,
    normalise_resident_id,
)


def test_the_gb11643_check_character_of_a_published_example():
    # The example number of GB 11643-1999, Annex A.
    assert check_char("11010519491231002") == "X"
    assert normalise_resident_id("11010519491231002x") == "11010519491231002X"


def test_birth_date_and_gender_come_from_the_number():
    number = resident_id(7, birth=datetime.date(1958, 3, 9), male=False)
    assert birth_date_from_id(number) == datetime.date(1958, 3, 9)
    assert gender_from_id(number) == "female"
    assert gender_from_id(resident_id(8, male=True)) == "male"


@pytest.mark.parametrize(
    "bad",
    [
        "11010519491231002",  # 17 characters
        "110105194912310021",  # wrong check digit
        "110105194902300026",  # 30 February
        "11010519491231002Y",
        "",
    ],
)
def test_bad_numbers_are_refused(bad):
    with pytest.raises(ValidationError):
        normalise_resident_id(bad)


def test_spaces_and_lower_case_x_are_accepted():
    assert normalise_resident_id(" 110105 19491231 002x ") == "11010519491231002X"


def test_masking_keeps_the_first_six_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("") == ""
    assert mask_id_number("E12345678") == "E******78"
    assert mask_id_number("AB1") == "***"
