"""Settings: defaults, and a clear refusal of every bad value."""

from __future__ import annotations

import pytest

from core.settings import SettingsError, load_settings


def test_defaults_use_the_embedded_database_in_development() -> None:
    settings = load_settings({})

    assert settings.embedded
    assert settings.port == 8000
    assert settings.environment == "development"
    assert settings.pg_data_dir.name == "postgres"


def test_database_url_turns_off_the_embedded_server() -> None:
    settings = load_settings({"DATABASE_URL": "postgresql://u:p@db.internal:5432/vssid"})

    assert not settings.embedded
    assert settings.database_url == "postgresql://u:p@db.internal:5432/vssid"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://u@h:notaport/db"}, "DATABASE_URL"),
        ({"VSSID_PORT": "70000"}, "VSSID_PORT"),
        ({"VSSID_PORT": "eighty"}, "VSSID_PORT"),
        ({"VSSID_ENV": "staging"}, "VSSID_ENV"),
        ({"VSSID_DB_POOL_MIN": "9", "VSSID_DB_POOL_MAX": "3"}, "VSSID_DB_POOL_MIN"),
        ({"VSSID_LOG_LEVEL": "LOUD"}, "VSSID_LOG_LEVEL"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env)

    assert names in str(raised.value)
    assert "\n" not in str(raised.value)


def test_settings_are_frozen() -> None:
    settings = load_settings({})

    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]
