"""The password policy: 12+ characters, not a common password, not the user's name dressed up."""

from __future__ import annotations

import pytest

from payplan.access.passwords import MIN_LENGTH, check_policy, common_passwords, hash_password, password_matches
from payplan.errors import Invalid


@pytest.mark.parametrize("password", ["1", "demo", "admin-pass", "x" * (MIN_LENGTH - 1)])
def test_a_short_password_is_refused_with_its_length(password):
    with pytest.raises(Invalid, match=f"has {len(password)} characters: use at least 12"):
        check_policy(password)


@pytest.mark.parametrize("password", ["password1234", "PASSWORD1234", "Qwerty123456", "correct horse battery staple"])
def test_a_common_password_is_refused_whatever_its_case(password):
    with pytest.raises(Invalid, match="too common"):
        check_policy(password)


def test_the_users_own_name_with_a_few_characters_is_refused():
    with pytest.raises(Invalid, match="too close to the user's name"):
        check_policy("fiona-fiona!", "fiona")
    check_policy("fiona's own long passphrase", "fiona")  # the name inside a long phrase is fine


def test_twelve_uncommon_characters_pass():
    check_policy("x" * 11 + "y")
    check_policy("river-ledger-47")


def test_the_shipped_list_is_loaded_and_only_holds_passwords_the_length_rule_lets_through():
    listed = common_passwords()
    assert len(listed) > 50
    assert all(len(p) >= MIN_LENGTH for p in listed)  # shorter ones would be dead entries


def test_a_hash_matches_only_its_password():
    stored = hash_password("river-ledger-47")
    assert password_matches(stored, "river-ledger-47")
    assert not password_matches(stored, "river-ledger-48")
    assert not password_matches("md5$abc", "river-ledger-47")
