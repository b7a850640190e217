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
    database_url: str = Field(default="postgresql://postgres@127.0.0.1:5432/postgres")
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
    log_level: str = "INFO"
    otlp_endpoint: str = Field(default="", description="OTLP/HTTP traces endpoint; empty = off")
