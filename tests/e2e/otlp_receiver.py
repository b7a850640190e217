"""A minimal OTLP/HTTP trace receiver for tests, built on the official protocol definitions
(`opentelemetry-proto`): it answers `POST /v1/traces` with `application/x-protobuf` bodies
(gzip or not) as an OpenTelemetry Collector's otlphttp receiver does, and keeps every decoded
ExportTraceServiceRequest with its raw body."""

import gzip
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

PROTOBUF = "application/x-protobuf"


@dataclass(frozen=True)
class ReceivedSpan:
    """One span as it arrived, with what the test asks of it."""

    service: str  # the resource's service.name
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    attributes: dict[str, Any]
    linked_trace_ids: frozenset[str]


class OtlpReceiver:
    def __init__(self) -> None:
        self.requests: list[ExportTraceServiceRequest] = []
        self.bodies: list[bytes] = []  # decompressed, as the exporter serialised them
        self.refused: list[str] = []  # why a request was answered with an error
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        """The base URL, as PACKLINE_OTLP_ENDPOINT takes it (a collector's :4318)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> "OtlpReceiver":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def spans(self) -> list[ReceivedSpan]:
        with self._lock:
            requests = list(self.requests)
        return [
            ReceivedSpan(
                service=str(_attributes(rs.resource.attributes).get("service.name", "")),
                name=span.name,
                trace_id=span.trace_id.hex(),
                span_id=span.span_id.hex(),
                parent_span_id=span.parent_span_id.hex(),
                attributes=_attributes(span.attributes),
                linked_trace_ids=frozenset(link.trace_id.hex() for link in span.links),
            )
            for request in requests
            for rs in request.resource_spans
            for ss in rs.scope_spans
            for span in ss.spans
        ]

    def strings(self) -> Iterator[str]:
        """Every string the requests carry: resource and scope attributes, span names,
        attributes, events, links and status messages."""
        with self._lock:
            requests = list(self.requests)
        for request in requests:
            for rs in request.resource_spans:
                yield from _values(rs.resource.attributes)
                for ss in rs.scope_spans:
                    yield ss.scope.name
                    yield ss.scope.version
                    yield from _values(ss.scope.attributes)
                    for span in ss.spans:
                        yield span.name
                        yield span.trace_state
                        yield span.status.message
                        yield from _values(span.attributes)
                        for event in span.events:
                            yield event.name
                            yield from _values(event.attributes)
                        for link in span.links:
                            yield link.trace_state
                            yield from _values(link.attributes)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                problem = receiver._accept(
                    self.path, self.headers.get("Content-Type", ""), self._inflate(body)
                )
                if problem:
                    receiver.refused.append(problem)
                    self.send_error(415 if "type" in problem else 400, problem)
                    return
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", PROTOBUF)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def _inflate(self, body: bytes) -> bytes:
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    return gzip.decompress(body)
                if encoding == "deflate":
                    return zlib.decompress(body)
                return body

            def log_message(self, *_: Any) -> None:  # keep pytest's output to the test
                pass

        return Handler

    def _accept(self, path: str, content_type: str, body: bytes) -> str:
        if path != "/v1/traces":
            return f"unknown path {path}"
        if content_type.split(";")[0].strip() != PROTOBUF:
            return f"content type {content_type!r} is not {PROTOBUF}"
        request = ExportTraceServiceRequest()
        try:
            request.ParseFromString(body)
        except Exception as exc:
            return f"not an ExportTraceServiceRequest: {exc}"
        with self._lock:
            self.requests.append(request)
            self.bodies.append(body)
        return ""


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return _attributes(value.kvlist_value.values)
    return getattr(value, kind) if kind else None


def _attributes(pairs: Any) -> dict[str, Any]:
    return {kv.key: _value(kv.value) for kv in pairs}


def _values(pairs: Any) -> Iterator[str]:
    """Keys and every string inside the values, however nested."""
    kv: KeyValue
    for kv in pairs:
        yield kv.key
        yield from _flatten(_value(kv.value))


def _flatten(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.decode(errors="replace")
    elif isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _flatten(item)
