"""The service's settings, read from the environment once and checked.

Every variable is optional. A bad value stops the service with a :class:`SettingsError` whose
message names the variable, says what it expects and quotes what it got.

========================== =========================================================== =========
variable                   meaning                                                     default
========================== =========================================================== =========
``INNONET_STORE``          the store: a file path or a ``bolt://``/``neo4j://`` URI    innonet.db
``INNONET_API_KEYS``       comma-separated keys; when set, ``/graphql`` and ``/maps``  (open)
                           need ``Authorization: Bearer <key>``
``INNONET_CORS_ORIGINS``   comma-separated origins (``https://host[:port]`` or ``*``)  (none)
                           allowed to call the API from a browser
``INNONET_INTROSPECTION``  ``on``/``off``: schema introspection (GraphiQL needs it)    on
``INNONET_REQUEST_TIMEOUT`` seconds one request may run before it is answered 504      30
``INNONET_HEAVY_QUEUE``    heavy requests that may wait for the heavy slot of a        16
                           worker; one more is answered 503 at once
``INNONET_LOG_LEVEL``      ``debug``, ``info``, ``warning`` or ``error``               info
========================== =========================================================== =========
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from graphsvc.stores import store_uri

MIN_KEY_LENGTH = 16
DEFAULT_TIMEOUT = 30.0
DEFAULT_HEAVY_QUEUE = 16
MAX_HEAVY_QUEUE = 1000
DEFAULT_LOG_LEVEL = "info"
LOG_LEVELS = ("debug", "info", "warning", "error")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SettingsError(ValueError):
    """A setting has a value the service cannot use; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    """What the service runs with. Build it with :meth:`from_env`."""

    store: str = "innonet.db"
    api_keys: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    introspection: bool = True
    request_timeout: float = DEFAULT_TIMEOUT
    heavy_queue: int = DEFAULT_HEAVY_QUEUE
    log_level: str = DEFAULT_LOG_LEVEL

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every ``INNONET_*`` setting from ``environ`` (default ``os.environ``)."""
        env = os.environ if environ is None else environ
        return cls(
            store=store_uri(env.get("INNONET_STORE", "")),
            api_keys=_api_keys(env.get("INNONET_API_KEYS", "")),
            cors_origins=_origins(env.get("INNONET_CORS_ORIGINS", "")),
            introspection=_switch("INNONET_INTROSPECTION", env.get("INNONET_INTROSPECTION", "")),
            request_timeout=_seconds(
                "INNONET_REQUEST_TIMEOUT", env.get("INNONET_REQUEST_TIMEOUT", "")
            ),
            heavy_queue=_count("INNONET_HEAVY_QUEUE", env.get("INNONET_HEAVY_QUEUE", "")),
            log_level=_log_level(env.get("INNONET_LOG_LEVEL", "")),
        )


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",")] if value.strip() else []


def _api_keys(value: str) -> tuple[str, ...]:
    keys = _items(value)
    for number, key in enumerate(keys, start=1):
        if not key:
            raise SettingsError(f"INNONET_API_KEYS: key {number} is empty (stray comma?)")
        if len(key) < MIN_KEY_LENGTH or not key.isascii() or not key.isprintable():
            raise SettingsError(
                f"INNONET_API_KEYS: key {number} must be at least {MIN_KEY_LENGTH} printable "
                f"ASCII characters without spaces or commas"
            )
        if " " in key:
            raise SettingsError(f"INNONET_API_KEYS: key {number} contains a space")
    return tuple(keys)


def _origins(value: str) -> tuple[str, ...]:
    origins = _items(value)
    for origin in origins:
        if origin == "*":
            continue
        parts = urlsplit(origin)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
        ):
            raise SettingsError(
                f"INNONET_CORS_ORIGINS: expected origins such as https://planner.example.org "
                f"or *, comma-separated; got {origin!r}"
            )
    return tuple(origin.rstrip("/") for origin in origins)


def _switch(name: str, value: str) -> bool:
    word = value.strip().lower()
    if not word or word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise SettingsError(f"{name}: expected on or off (true/false, 1/0); got {value!r}")


def _seconds(name: str, value: str) -> float:
    if not value.strip():
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (0 < seconds <= 3600):
        raise SettingsError(
            f"{name}: expected seconds, a number above 0 and at most 3600; got {value!r}"
        )
    return seconds


def _count(name: str, value: str) -> int:
    if not value.strip():
        return DEFAULT_HEAVY_QUEUE
    if not value.strip().isdigit() or int(value) > MAX_HEAVY_QUEUE:
        raise SettingsError(
            f"{name}: expected a whole number 0 to {MAX_HEAVY_QUEUE}; got {value!r}"
        )
    return int(value)


def _log_level(value: str) -> str:
    level = value.strip().lower() or DEFAULT_LOG_LEVEL
    if level not in LOG_LEVELS:
        raise SettingsError(
            f"INNONET_LOG_LEVEL: expected one of {', '.join(LOG_LEVELS)}; got {value!r}"
        )
    return level
