import pytest

from tenants.models import Enterprise


def test_a_credit_code_with_a_wrong_check_character_cannot_be_saved(db):
    enterprise = Enterprise(credit_code="91110000802100433C", legal_name="错误", region_code="110000")
    with pytest.raises(Exception):
        enterprise.full_clean()
