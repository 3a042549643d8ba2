"""Where keys live: an explicit file, PAYPLAN_KEY_DIR, beside a SQLite file (0600, made once), never a guess."""

from __future__ import annotations

import stat

import pytest

from payplan.keyfiles import KeyFileError, installation_key, key_file


def test_where_each_key_lives(tmp_path):
    assert key_file("audit-key", f"sqlite:///{tmp_path}/pay.sqlite") == tmp_path / "pay.sqlite.audit-key"
    assert key_file("audit-key", "sqlite:///pay.sqlite").as_posix() == "pay.sqlite.audit-key"
    assert key_file("audit-key", "postgresql://db/pay", key_dir=str(tmp_path)) == tmp_path / "audit-key"
    assert key_file("signing-key", "postgresql://db/pay", explicit="/etc/payplan/sign").as_posix() == "/etc/payplan/sign"
    assert key_file("audit-key", "sqlite://") is None
    with pytest.raises(KeyFileError, match="set PAYPLAN_KEY_DIR"):
        key_file("audit-key", "postgresql+psycopg://db/pay")


def test_a_key_is_made_once_readable_by_its_owner_only(tmp_path):
    url = f"sqlite:///{tmp_path}/pay.sqlite"
    first = installation_key("audit-key", url)
    path = tmp_path / "pay.sqlite.audit-key"
    assert len(first) == 32 and path.read_text() == first.hex() + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert installation_key("audit-key", url) == first
    assert installation_key("signing-key", url) != first  # each key its own random bytes


def test_missing_or_broken_key_files(tmp_path):
    assert installation_key("k", "postgresql://db/x", explicit=str(tmp_path / "absent")) is None
    assert installation_key("k", "postgresql://db/x", key_dir=str(tmp_path), create=False) is None
    (tmp_path / "k").write_text("not hex\n")
    with pytest.raises(KeyFileError, match="not a key file"):
        installation_key("k", "postgresql://db/x", key_dir=str(tmp_path))
    assert installation_key("mem", "sqlite://") == installation_key("mem", "sqlite:///:memory:")
