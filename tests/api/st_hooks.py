"""Loaded by the schemathesis CLI (SCHEMATHESIS_HOOKS): an .xlsx body is sent as raw bytes."""

import schemathesis

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
schemathesis.serializer.alias(XLSX, "application/octet-stream")
