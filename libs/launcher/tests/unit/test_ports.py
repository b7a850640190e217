"""Listening ports handed to the broker and services stay clear of the kernel's ephemeral range,
where outgoing client connections (Kafka, PostgreSQL) take theirs between our pick and the bind."""

from packline_launcher.embedded import EPHEMERAL_RANGE, free_port


def test_free_ports_are_outside_the_ephemeral_range_and_never_handed_out_twice() -> None:
    low, high = (int(part) for part in EPHEMERAL_RANGE.read_text().split())
    ports = [free_port() for _ in range(200)]
    assert [p for p in ports if low <= p <= high] == []
    assert len(set(ports)) == len(ports)
