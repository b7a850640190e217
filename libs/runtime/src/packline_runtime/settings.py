"""Process settings from the environment (`PACKLINE_` prefix)."""

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# An inbox row must outlive every re-send of its event: a broker restart re-sends each retained
# outbox row, and a lagging consumer may see it up to this long after its outbox row expired.
INBOX_RETENTION_MARGIN_HOURS = 24.0


class Settings(BaseSettings):
    """What every service process reads. Stage-specific settings subclass this."""

    model_config = SettingsConfigDict(env_prefix="PACKLINE_", extra="ignore")

    kafka_bootstrap: str = Field(default="127.0.0.1:9092", description="host:port[,host:port]")
    kafka_idempotence: bool = Field(
        default=False, description="Idempotent producer; the embedded broker cannot do it"
    )
    kafka_session_timeout_ms: int = 10_000
    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        description="What the service logs in with: its own role, packline_<service>",
    )
    database_admin_url: str = Field(
        default="",
        description="Only for `migrate`: a login that may create roles; it provisions the role "
        "named in database_url as owner of the service's schema. Empty: database_url",
    )
    db_pool_min: int = 1
    db_pool_max: int = 5
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    http_max_json_bytes: int = Field(
        default=1 << 20, ge=1024, description="Largest JSON request body; larger is 413"
    )
    http_max_upload_bytes: int = Field(
        default=20 << 20, ge=1024, description="Largest other body (.xlsx, .csv, JSON lines)"
    )
    http_body_timeout_seconds: float = Field(
        default=30.0, gt=0, description="A body not fully arrived by then is answered 408"
    )
    batch_max_records: int = 500
    batch_timeout_ms: int = 10
    outbox_batch_size: int = 500
    outbox_poll_seconds: float = 1.0
    kafka_partitions: int = Field(default=8, ge=1, description="partitions of topics we create")
    broker_check_seconds: float = Field(
        default=2.0, gt=0, description="how often the broker is asked for its cluster id"
    )
    oldest_sample_seconds: float = Field(
        default=15.0, gt=0, description="how often the oldest waiting item per queue is sampled"
    )
    outbox_retention_hours: float = Field(
        default=48.0, gt=0, description="published outbox rows are kept this long, then pruned"
    )
    inbox_retention_hours: float = Field(
        default=168.0, gt=0, description="inbox rows (dedupe) are kept this long"
    )
    dead_letter_retention_hours: float = Field(
        default=720.0, gt=0, description="resolved dead letters are kept this long"
    )
    prune_batch_size: int = Field(default=5_000, ge=1, le=100_000)
    log_level: str = "INFO"
    otlp_endpoint: str = Field(
        default="",
        description="OTLP/HTTP collector base URL (http://collector:4318; /v1/traces is "
        "appended unless given); empty = no traces exported (docs/traces.md)",
    )
    token_public_key: str = Field(
        default="",
        description="PEM of the console's Ed25519 public key; every API but health and "
        "metrics needs a token it verifies (empty: every such request is answered 401)",
    )
    secrets_key: SecretStr | None = Field(
        default=None,
        description="Encrypts keys stored at rest (AES-256-GCM): urlsafe base64 of 32 bytes",
    )

    @model_validator(mode="after")
    def _inbox_outlives_outbox(self) -> Self:
        needed = self.outbox_retention_hours + INBOX_RETENTION_MARGIN_HOURS
        if self.inbox_retention_hours < needed:
            raise ValueError(
                f"PACKLINE_INBOX_RETENTION_HOURS={self.inbox_retention_hours:g} must be at least"
                f" PACKLINE_OUTBOX_RETENTION_HOURS + {INBOX_RETENTION_MARGIN_HOURS:g}"
                f" ({needed:g}): events re-sent after a broker restart must still be recognised"
                " as duplicates"
            )
        return self

    @model_validator(mode="after")
    def _secrets_key_is_usable(self) -> Self:
        """A malformed key fails at startup, not when the first secret is stored."""
        from packline_runtime.secret_box import SecretBox

        SecretBox.from_setting(self.secrets_key)
        return self
