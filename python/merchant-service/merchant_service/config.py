"""The service's settings, from the environment (see tests/merchant/README.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


@dataclass(frozen=True)
class Config:
    port: int
    database_url: str
    gateway: str
    trust_pem: bytes
    enc_cert: bytes
    pfx: bytes
    pfx_password: str
    mer_id: str
    clock_url: Optional[str]
    public_url: str
    worker_interval: float

    def __repr__(self) -> str:  # never print the key or its password
        return f"Config(port={self.port}, gateway={self.gateway!r}, mer_id={self.mer_id!r})"

    @staticmethod
    def from_env(env: Optional[dict[str, str]] = None) -> "Config":
        env = dict(os.environ if env is None else env)

        def required(name: str) -> str:
            value = env.get(name)
            if not value:
                raise SystemExit(f"merchant-service: {name} is required (tests/merchant/README.md)")
            return value

        port = int(env.get("PORT", "8090"))
        return Config(
            port=port,
            database_url=env.get("DATABASE_URL", "sqlite:///merchant.db"),
            gateway=required("ACP_GATEWAY"),
            trust_pem=Path(required("ACP_TRUST_PEM")).read_bytes(),
            enc_cert=Path(required("ACP_ENC_CERT")).read_bytes(),
            pfx=Path(required("ACP_PFX")).read_bytes(),
            pfx_password=required("ACP_PFX_PASSWORD"),
            mer_id=env.get("ACP_MER_ID", "777290058110097"),
            clock_url=env.get("ACP_CLOCK_URL") or None,
            public_url=env.get("PUBLIC_URL", f"http://127.0.0.1:{port}"),
            worker_interval=int(env.get("WORKER_INTERVAL_MS", "200")) / 1000,
        )
