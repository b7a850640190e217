"""Writes and reads the committed JSON Schemas: `schemas/<event>.v<version>.json`."""

import json
import sys
from pathlib import Path

from packline_contracts.events import ALL_EVENTS, Event

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


def schema_path(model: type[Event]) -> Path:
    version = model.model_fields["schema_version"].default
    return SCHEMA_DIR / f"{model.__name__}.v{version}.json"


def render(model: type[Event]) -> str:
    return (
        json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    )


def main() -> int:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for model in ALL_EVENTS:
        path = schema_path(model)
        if path.exists() and path.read_text(encoding="utf-8") != render(model):
            print(f"refusing to overwrite {path.name}: bump {model.__name__}.schema_version")
            return 1
        path.write_text(render(model), encoding="utf-8")
        print(f"wrote {path.relative_to(SCHEMA_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
