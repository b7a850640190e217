"""Apache Kafka broker jars from Maven Central, copied once per version into a local cache.

The list of jars is a small pom (scripts/kafka/pom.xml); Maven resolves the broker's runtime
dependencies and `dependency:copy-dependencies` puts them in one folder, the JVM's classpath.
"""

import fcntl
import hashlib
import logging
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

log = logging.getLogger(__name__)
POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


class KafkaJarsError(RuntimeError):
    """Maven could not provide the broker jars (no network and nothing cached, a bad pom)."""


def missing_tools() -> list[str]:
    """The programs the Apache Kafka tests need that are not on PATH."""
    return [tool for tool in ("java", "mvn") if shutil.which(tool) is None]


def kafka_version(pom: Path) -> str:
    found = ET.parse(pom).getroot().find("m:properties/m:kafka.version", POM_NS)
    if found is None or not (found.text or "").strip():
        raise KafkaJarsError(f"{pom} has no <properties><kafka.version>; add one")
    return (found.text or "").strip()


def cache_root() -> Path:
    """PACKLINE_CACHE_DIR, else the user's cache folder: survives a fresh clone of the repo."""
    given = os.environ.get("PACKLINE_CACHE_DIR")
    if given:
        return Path(given)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "packline"


def ensure_jars(pom: Path, *, force: bool = False) -> Path:
    """The folder holding every jar the broker needs; filled by Maven only when the pom changed.

    Maven is asked offline first, so a refill after the cache was wiped needs no network as long
    as the local Maven repository (~/.m2) still has the artifacts.
    """
    target = cache_root() / f"kafka-{kafka_version(pom)}"
    libs = target / "libs"
    stamp = target / "pom.sha256"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    target.mkdir(parents=True, exist_ok=True)
    with (target / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs filling one cache would clobber it
        filled = stamp.exists() and stamp.read_text().strip() == digest
        if filled and not force and any(libs.glob("kafka_2.13-*.jar")):
            return libs
        partial = target / "libs.partial"
        shutil.rmtree(partial, ignore_errors=True)
        offline_error = _copy_dependencies(pom, partial, offline=True)
        if offline_error:
            log.info("the Kafka jars are not all in ~/.m2 yet; fetching from Maven Central")
            online_error = _copy_dependencies(pom, partial, offline=False)
            if online_error:
                raise KafkaJarsError(
                    f"mvn could not fetch the Kafka jars listed in {pom}; Maven Central must be "
                    f"reachable the first time.\n--- mvn -o ---\n{offline_error}\n--- mvn ---\n"
                    f"{online_error}"
                )
        shutil.rmtree(libs, ignore_errors=True)
        partial.rename(libs)
        stamp.write_text(digest)
    return libs


def _copy_dependencies(pom: Path, into: Path, offline: bool) -> str:
    """Runs Maven; returns "" on success, else the tail of its output."""
    command = [
        "mvn",
        "-B",
        "-q",
        *(["-o"] if offline else []),
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={into}",
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=900, check=False, cwd=pom.parent
    )
    if result.returncode == 0 and any(into.glob("kafka_2.13-*.jar")):
        return ""
    return (result.stdout + result.stderr)[-2000:] or f"mvn exited with {result.returncode}"
