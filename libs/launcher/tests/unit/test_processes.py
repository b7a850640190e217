"""Migrations side by side: one that fails is named with its error, and none is left running."""

import os
import sys

import pytest

from packline_launcher.processes import Migrations


def test_a_failed_migration_is_named_and_the_others_are_not_left_running() -> None:
    env = dict(os.environ)
    fails = [sys.executable, "-c", "import sys; sys.stderr.write('no role'); sys.exit(3)"]
    slow = [sys.executable, "-c", "import time; time.sleep(60)"]
    migrations = Migrations({"matcher": (fails, env), "bundler": (slow, env)})
    with pytest.raises(RuntimeError, match="migrating matcher failed:\nno role"):
        migrations.wait()
    assert migrations.running["bundler"].poll() is not None  # killed, not waited for


def test_migrations_that_succeed_wait_for_every_one() -> None:
    env = dict(os.environ)
    done = [sys.executable, "-c", "pass"]
    migrations = Migrations({"a": (done, env), "b": (done, env)})
    migrations.wait()
    assert [p.returncode for p in migrations.running.values()] == [0, 0]
