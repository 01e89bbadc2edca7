"""Every setting is checked, and a bad one names its variable."""

from __future__ import annotations

import pytest

from graphsvc.service.settings import Settings, SettingsError


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings == Settings(store="innonet.db")
    assert settings.introspection and settings.api_keys == () and settings.cors_origins == ()


def test_values_are_read() -> None:
    settings = Settings.from_env(
        {
            "INNONET_STORE": "bolt://graph:7687",
            "INNONET_API_KEYS": "aaaaaaaaaaaaaaaa1, bbbbbbbbbbbbbbbb2",
            "INNONET_CORS_ORIGINS": "https://a.example, http://localhost:3000/",
            "INNONET_INTROSPECTION": "off",
            "INNONET_REQUEST_TIMEOUT": "2.5",
            "INNONET_LOG_LEVEL": "WARNING",
        }
    )
    assert settings.store == "bolt://graph:7687"
    assert settings.api_keys == ("aaaaaaaaaaaaaaaa1", "bbbbbbbbbbbbbbbb2")
    assert settings.cors_origins == ("https://a.example", "http://localhost:3000")
    assert not settings.introspection
    assert settings.request_timeout == 2.5
    assert settings.log_level == "warning"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("INNONET_API_KEYS", "short"),
        ("INNONET_API_KEYS", "aaaaaaaaaaaaaaaa1,,bbbbbbbbbbbbbbbb2"),
        ("INNONET_API_KEYS", "aaaaaaaa aaaaaaaa"),
        ("INNONET_CORS_ORIGINS", "planner.example.org"),
        ("INNONET_CORS_ORIGINS", "https://a.example/path"),
        ("INNONET_INTROSPECTION", "maybe"),
        ("INNONET_REQUEST_TIMEOUT", "soon"),
        ("INNONET_REQUEST_TIMEOUT", "0"),
        ("INNONET_REQUEST_TIMEOUT", "nan"),
        ("INNONET_LOG_LEVEL", "loud"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
