import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tenants import credit_code
from tenants.models import validate_credit_code

# Real codes published on national enterprise credit records.
VALID = ["91110000802100433B", "91330100716105852F", "91350100M000100Y43"]


@pytest.mark.parametrize("code", VALID)
def test_it_accepts_real_codes(code):
    assert credit_code.is_valid(code)
    validate_credit_code(code)


@pytest.mark.parametrize(
    "code, why",
    [
        ("91110000802100433C", "wrong check character"),
        ("9111000080210043", "too short"),
        ("91110000802100433BB", "too long"),
        ("91110000802I00433B", "I is not in the alphabet"),
        ("91110000802O00433B", "O is not in the alphabet"),
        ("9111000080210043SB", "S is not in the alphabet"),
        ("91110000802100433b", "lower case is not normalised by the validator"),
        ("", "empty"),
    ],
)
def test_it_rejects(code, why):
    assert not credit_code.is_valid(code), why
    with pytest.raises(ValidationError):
        validate_credit_code(code)


@given(st.text(alphabet=credit_code.ALPHABET, min_size=17, max_size=17))
def test_every_body_has_exactly_one_check_character(body):
    valid = [ch for ch in credit_code.ALPHABET if credit_code.is_valid(body + ch)]
    assert valid == [credit_code.check_character(body)]


def test_weights_are_powers_of_three_mod_31():
    assert credit_code.WEIGHTS[:5] == [1, 3, 9, 27, 19]
