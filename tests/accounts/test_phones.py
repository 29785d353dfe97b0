import pytest
from django.core.exceptions import ValidationError

from accounts.phones import mask_phone, national_phone, normalise_phone, spaced_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800001234", "+8613800001234"),
        ("138 0000 1234", "+8613800001234"),
        ("138-0000-1234", "+8613800001234"),
        ("+86 138 0000 1234", "+8613800001234"),
        ("008613800001234", "+8613800001234"),
        ("8613800001234", "+8613800001234"),
        ("１３８００００１２３４", "+8613800001234"),
    ],
)
def test_mainland_numbers_are_normalised_to_plus_86(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "1380000123", "23800001234", "+1 415 555 0100", "1380000123a"])
def test_other_input_is_refused(raw):
    with pytest.raises(ValidationError):
        normalise_phone(raw)


def test_masking_keeps_the_first_three_and_last_four_digits():
    assert mask_phone("+8613800001234") == "138****1234"
    assert national_phone("+8613800001234") == "13800001234"


def test_a_mainland_number_is_written_in_groups_of_three_four_four():
    assert spaced_phone("+8613800138000") == "138 0013 8000"
    assert spaced_phone("13800138000") == "138 0013 8000"
    assert spaced_phone("+86123") == "123"  # not a mobile number: left as it is
