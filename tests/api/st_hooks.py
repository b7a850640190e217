"""Loaded by the schemathesis CLI (SCHEMATHESIS_HOOKS): an .xlsx body is sent as raw bytes, and
every request carries a valid service token of one seller (an owner, so every operation is
allowed), signed with the key of the stack under test (its work directory is in
PACKLINE_API_STACK_WORKDIR). The courier webhook ignores it: it checks its own signature."""

import os
from pathlib import Path
from typing import Any

import schemathesis

from packline_launcher import keys

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SELLER = "seller-api"
schemathesis.serializer.alias(XLSX, "application/octet-stream")


@schemathesis.auth(refresh_interval=60)  # a token lives five minutes
class StackToken:
    def get(self, case: Any, context: Any) -> str:
        return keys.mint(Path(os.environ["PACKLINE_API_STACK_WORKDIR"]), SELLER, sub="schemathesis")

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
