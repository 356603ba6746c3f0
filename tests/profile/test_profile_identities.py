"""Identities: pattern and CSV sources, passwords resolved at load time and never shown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from botagent.profile import CsvIdentities, Identity, PatternIdentities, Profile, load_profile

LoadText = Callable[[str], Profile]
SECRET = "s3cr3t-Pa55"


def test_expand_when_pattern_numbers_users_in_order(load_text: LoadText) -> None:
    profile = load_text("identities: {pattern: 'bot{n:03d}x', first: 8, last: 11, password: pw}\n")
    assert [identity.username for identity in profile.identities.expand()] == [
        "bot008x",
        "bot009x",
        "bot010x",
        "bot011x",
    ]


def test_identities_when_source_omitted_is_a_pattern(load_text: LoadText) -> None:
    profile = load_text("identities: {last: 2, password: pw}\n")
    assert isinstance(profile.identities, PatternIdentities)
    assert profile.identities.expand() == [Identity("agent0001", "pw"), Identity("agent0002", "pw")]


def test_expand_when_password_env_set_uses_its_value_at_load_time(
    load_text: LoadText, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOTAGENT_TEST_PASSWORD", SECRET)
    profile = load_text("identities: {password_env: BOTAGENT_TEST_PASSWORD, last: 1}\n")
    monkeypatch.setenv("BOTAGENT_TEST_PASSWORD", "changed later")
    assert profile.identities.expand() == [Identity("agent0001", SECRET)]


def test_expand_when_csv_reads_rows_relative_to_profile(load_text: LoadText, tmp_path: Path) -> None:
    (tmp_path / "agents.csv").write_text("login,secret,team\nalice,pw1,a\nbob,pw2,b\n", encoding="utf-8")
    profile = load_text(
        "identities: {source: csv, file: agents.csv, username_column: login, password_column: secret}\n"
    )
    assert isinstance(profile.identities, CsvIdentities)
    assert profile.identities.file == tmp_path / "agents.csv"
    assert profile.identities.expand() == [Identity("alice", "pw1"), Identity("bob", "pw2")]


def test_expand_when_csv_has_byte_order_mark_still_finds_columns(load_text: LoadText, tmp_path: Path) -> None:
    (tmp_path / "agents.csv").write_bytes("\ufeffusername,password\nalice,pw1\n".encode())
    profile = load_text("identities: {source: csv, file: agents.csv}\n")
    assert profile.identities.expand() == [Identity("alice", "pw1")]


def _shown(profile: Profile) -> list[str]:
    return [
        repr(profile),
        str(profile),
        repr(profile.identities),
        str(profile.identities),
        profile.model_dump_json(),
        str(profile.model_dump()),
        repr(profile.identities.expand()),
        str(profile.identities.expand()[0]),
    ]


def test_profile_when_password_inline_never_shows_it(load_text: LoadText) -> None:
    profile = load_text(f"identities: {{password: {SECRET}, last: 2}}\n")
    assert profile.identities.expand()[0].password == SECRET
    for text in _shown(profile):
        assert SECRET not in text


def test_profile_when_password_from_env_never_shows_it(
    load_text: LoadText, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOTAGENT_TEST_PASSWORD", SECRET)
    profile = load_text("identities: {password_env: BOTAGENT_TEST_PASSWORD, last: 2}\n")
    for text in _shown(profile):
        assert SECRET not in text


def test_profile_when_password_from_csv_never_shows_it(load_text: LoadText, tmp_path: Path) -> None:
    (tmp_path / "agents.csv").write_text(f"username,password\nalice,{SECRET}\n", encoding="utf-8")
    profile = load_text("identities: {source: csv, file: agents.csv}\n")
    assert profile.identities.expand()[0].password == SECRET
    for text in _shown(profile):
        assert SECRET not in text


def test_load_profile_when_csv_given_as_override_replaces_the_pattern(
    write_profile: Callable[[str], Path],
) -> None:
    path = write_profile("identities: {source: pattern, last: 3, password: pw}\n")
    (path.parent / "agents.csv").write_text("username,password\ncarol,pw3\n", encoding="utf-8")
    profile = load_profile(path, overrides={"identities": {"source": "csv", "file": "agents.csv"}})
    assert profile.identities.expand() == [Identity("carol", "pw3")]


def test_expand_when_inline_password_empty_uses_the_empty_password(load_text: LoadText) -> None:
    profile = load_text("identities: {password: '', last: 1}\n")
    assert profile.identities.expand() == [Identity("agent0001", "")]
