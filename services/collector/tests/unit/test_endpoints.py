"""Where an account may point: the operator's allowed host:port entries are exact, and a
mistyped setting stops the collector at start instead of failing collections later."""

import pytest
from pydantic import ValidationError

from packline_collector.bootstrap import CollectorSettings
from packline_collector.domain.endpoints import EndpointPolicy, UnsafeBaseUrl


def test_an_allowed_host_port_admits_http_there_and_nowhere_else() -> None:
    policy = EndpointPolicy.from_setting(" 127.0.0.1:8290 , [::1]:8291,sim.internal:8443")
    assert policy.base_url("COUPANG", "http://127.0.0.1:8290/") == "http://127.0.0.1:8290"
    assert policy.base_url("NAVER", "http://[::1]:8291") == "http://[::1]:8291"
    assert policy.base_url("NAVER", "https://SIM.internal:8443") == "https://sim.internal:8443"
    assert policy.base_url("NAVER", "") == "https://api.commerce.naver.com"
    for refused in ("http://127.0.0.1:8291", "http://127.0.0.1", "http://sim.internal:8290"):
        with pytest.raises(UnsafeBaseUrl):
            policy.base_url("COUPANG", refused)


@pytest.mark.parametrize("setting", ["127.0.0.1", "sim:http", ":8290", "sim:0", "sim:70000"])
def test_a_mistyped_allowed_host_stops_the_collector_at_start(setting: str) -> None:
    with pytest.raises(ValidationError, match="host:port"):
        CollectorSettings(marketplace_allowed_hosts=setting)
