"""A Marsad web server in a process of its own, on loopback, for the tests that need one."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.request import urlopen

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(*args: str, port: int, wait: float = 60.0) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`python -m marsad ARGS` (a command that serves on `port`), its base address once it
    answers, and the process; stopped when the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "marsad", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait
        while True:
            if process.poll() is not None:
                pytest.fail(f"marsad {args[0]} exited: {process.stdout.read() if process.stdout else ''}")
            try:
                with urlopen(f"{base}/api/stats", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"marsad {args[0]} did not answer on {base} within {wait:.0f} s")
                time.sleep(0.1)
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)
