import pytest

from common.spreadsheets import inert


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://x")', "\t=1"])
def test_text_that_would_start_a_formula_is_made_inert(text):
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", ["张三", "13800000000", "", 42, None, "a=b"])
def test_other_values_are_left_alone(value):
    assert inert(value) == value
