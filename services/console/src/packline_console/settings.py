"""The console's settings from the environment (`PACKLINE_` prefix)."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES = ("collector", "matcher", "bundler", "allocator", "waybill", "shipper")


class ConsoleSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PACKLINE_", extra="ignore")

    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        description="The console's own login (packline_console): users and sessions only",
    )
    database_admin_url: str = Field(default="", description="Only for `migrate`")
    http_host: str = "127.0.0.1"
    http_port: int = 8090
    token_private_key: SecretStr | None = Field(
        default=None, description="PEM of the Ed25519 key the console signs service tokens with"
    )
    collector_url: str = "http://127.0.0.1:8081"
    matcher_url: str = "http://127.0.0.1:8082"
    bundler_url: str = "http://127.0.0.1:8083"
    allocator_url: str = "http://127.0.0.1:8084"
    waybill_url: str = "http://127.0.0.1:8085"
    shipper_url: str = "http://127.0.0.1:8086"
    service_timeout_seconds: float = Field(default=10.0, gt=0)
    session_idle_minutes: float = Field(default=30.0, gt=0, description="Idle sessions end")
    session_absolute_hours: float = Field(default=12.0, gt=0, description="Every session ends")
    lockout_account_failures: int = Field(
        default=5, ge=1, description="Wrong passwords for one email before it is locked"
    )
    lockout_address_failures: int = Field(
        default=20, ge=1, description="Failed sign-ins from one client address before it is locked"
    )
    lockout_window_minutes: float = Field(default=15.0, gt=0, description="Failures counted over")
    lockout_minutes: float = Field(default=15.0, gt=0, description="How long a lock-out lasts")
    cookie_secure: bool | None = Field(
        default=None, description="Secure cookies; unset: when the request came over https"
    )
    sre_sample_seconds: float = Field(
        default=10.0, gt=0, description="SRE page: how often the console samples /metrics"
    )
    prometheus_url: str = Field(
        default="", description="SRE page: read Prometheus (query_range) instead of sampling"
    )
    log_level: str = "INFO"

    def service_url(self, service: str) -> str:
        return str(getattr(self, f"{service}_url")).rstrip("/")
