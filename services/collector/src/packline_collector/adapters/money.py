"""Reading marketplace numbers: KRW as an integer or `{currencyCode, units, nanos}`, counts."""

from typing import Any

from pydantic import ValidationError

from packline_collector.domain.remote import MappingError


def krw(value: Any, where: str, default: int | None = None) -> int:
    """v4 writes money as integers, v5 as `{currencyCode, units, nanos}`: both become KRW.
    Null is read like absent: `default` for an optional amount, else a problem."""
    if value is None:
        return _absent(where, default)
    if isinstance(value, dict):
        if value.get("currencyCode", "KRW") != "KRW":
            raise MappingError(f"{where}: currency {value.get('currencyCode')} is not KRW")
        units = whole(value.get("units"), where, 0)
        return units + round(whole(value.get("nanos"), where, 0) / 1_000_000_000)
    return whole(value, where)


def whole(value: Any, where: str, default: int | None = None) -> int:
    """A count; null is read like absent (`default` for an optional one, else a problem)."""
    if value is None:
        return _absent(where, default)
    if isinstance(value, bool):
        raise MappingError(f"{where}: expected a whole number, got true/false")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise MappingError(f"{where}: expected a whole number, got {type(value).__name__}")


def field_errors(exc: ValidationError) -> str:
    """Field paths and problems only: the values may be personal data."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])


def _absent(where: str, default: int | None) -> int:
    if default is None:
        raise MappingError(f"{where} is missing")
    return default
