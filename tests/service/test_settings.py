"""Settings: defaults, and a clear refusal of every bad value."""

from __future__ import annotations

import pytest

from core.settings import SettingsError, load_settings

KEYS = {"VSSID_SECRET_KEYS": "k1:" + "x" * 32, "VSSID_CARD_SIGNING_KEYS": "c1:" + "A" * 43,
        "VSSID_PAYMENT_GATEWAY_URL": "https://gateway.invalid", "VSSID_PAYMENT_MERCHANT": "VSSID01:" + "S" * 32}


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


def test_the_demo_data_is_on_in_development_and_off_in_production_by_default() -> None:
    assert load_settings({}).loads_demo
    assert not load_settings({"VSSID_ENV": "production", **KEYS}).loads_demo
    assert not load_settings({"VSSID_DEMO_DATA": "off"}).loads_demo


def test_demo_data_in_production_needs_a_second_deliberate_word() -> None:
    # asking once is refused, with what to do
    with pytest.raises(SettingsError, match="VSSID_DEMO_IN_PRODUCTION=publish-demo-logins"):
        load_settings({"VSSID_ENV": "production", "VSSID_DEMO_DATA": "on", **KEYS})
    with pytest.raises(SettingsError):
        load_settings({"VSSID_ENV": "production", "VSSID_DEMO_DATA": "on", "VSSID_DEMO_IN_PRODUCTION": "yes", **KEYS})

    confirmed = load_settings(
        {"VSSID_ENV": "production", "VSSID_DEMO_DATA": "on", "VSSID_DEMO_IN_PRODUCTION": "publish-demo-logins", **KEYS}
    )
    assert confirmed.loads_demo


def test_production_needs_keys_of_its_own_for_the_stored_hashes() -> None:
    with pytest.raises(SettingsError, match="VSSID_SECRET_KEYS is required in production"):
        load_settings({"VSSID_ENV": "production"})
    with pytest.raises(SettingsError, match="at least 32 characters"):
        load_settings({"VSSID_SECRET_KEYS": "k1:short"})
    keys = load_settings({"VSSID_SECRET_KEYS": f"new:{'n' * 32}, old:{'o' * 32}"}).secret_keys
    assert keys == (("new", "n" * 32), ("old", "o" * 32))


def test_production_needs_a_payment_gateway_and_development_starts_the_sandbox() -> None:
    gateway = ("VSSID_PAYMENT_GATEWAY_URL", "VSSID_PAYMENT_MERCHANT")
    with pytest.raises(SettingsError, match="VSSID_PAYMENT_GATEWAY_URL and VSSID_PAYMENT_MERCHANT"):
        load_settings({"VSSID_ENV": "production", **{k: v for k, v in KEYS.items() if k not in gateway}})
    assert load_settings({"VSSID_ENV": "production", **KEYS}).payment_merchant == (("VSSID01", "S" * 32),)
    assert load_settings({}).payment_gateway_url is None  # development: `serve` starts the sandbox gateway
