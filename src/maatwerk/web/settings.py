"""Settings of the web app, from arguments or the environment.

| setting | environment | default |
|---|---|---|
| database URL | ``MAATWERK_DB`` | ``sqlite:///maatwerk.sqlite`` |
| regulation folders | ``MAATWERK_REGULATIONS`` (``:``-separated) | ``regulations`` |
| secret (pseudonyms, sessions) | ``MAATWERK_SECRET`` | a development secret, with a warning |
| OIDC | ``MAATWERK_OIDC_ISSUER``, ``_CLIENT_ID``, ``_CLIENT_SECRET`` | off |
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field

DEVELOPMENT_SECRET = "maatwerk-development-secret-change-me"


@dataclass(frozen=True)
class Settings:
    db: str | None = None
    regulations: tuple[str, ...] = ()
    secret: str = ""
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    secure_cookies: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        paths = tuple(p for p in env.get("MAATWERK_REGULATIONS", "regulations").split(":") if p)
        values: dict[str, object] = {
            "db": env.get("MAATWERK_DB"),
            "regulations": paths,
            "secret": env.get("MAATWERK_SECRET", ""),
            "oidc_issuer": env.get("MAATWERK_OIDC_ISSUER"),
            "oidc_client_id": env.get("MAATWERK_OIDC_CLIENT_ID"),
            "oidc_client_secret": env.get("MAATWERK_OIDC_CLIENT_SECRET"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def secret_bytes(self) -> bytes:
        if not self.secret:
            warnings.warn("MAATWERK_SECRET is not set; using a development secret",
                          stacklevel=2)
            return DEVELOPMENT_SECRET.encode()
        return self.secret.encode()
