"""Process settings from the environment (`PACKLINE_` prefix)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    batch_max_records: int = 500
    batch_timeout_ms: int = 10
    outbox_batch_size: int = 500
    outbox_poll_seconds: float = 1.0
    log_level: str = "INFO"
    otlp_endpoint: str = Field(default="", description="OTLP/HTTP traces endpoint; empty = off")
