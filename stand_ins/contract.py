"""The contract between the suite and a stand-in consumer process: what the suite
hands it (where Redis is, where to journal) and a lifeline to the suite's own process."""

from __future__ import annotations

import ctypes
import ipaddress
import os
import signal
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

REDIS_URL = "OPTERP20_REDIS_URL"
JOURNAL = "OPTERP20_JOURNAL"
PARENT = "OPTERP20_PARENT_PID"
# Marks every process the suite starts, so a test can prove none outlived the run.
RUN = "OPTERP20_RUN"
VISIBILITY_TIMEOUT = "OPTERP20_VISIBILITY_TIMEOUT"

_PR_SET_PDEATHSIG = 1


def redis_url() -> str:
    return os.environ[REDIS_URL]


def journal_dir() -> Path:
    return Path(os.environ[JOURNAL])


def bind_to_parent(parent: int | None = None) -> None:
    """Die with the parent (the suite, unless named), even if it is SIGKILLed
    and cannot stop us (Linux). The parent may already be gone by the time this
    runs; then leave at once."""
    expected = parent if parent is not None else int(os.environ.get(PARENT, "0"))
    if not expected or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != expected:
        os._exit(1)


def sentinel_place(url: str) -> tuple[list[tuple[str, int]], str | None, str | None] | None:
    """For a `sentinel://[:PASSWORD@]HOST:PORT;sentinel://...` URL (the HA
    topology): the sentinels, the password, and the host their masters are
    reached at. Sentinels at an address are published ports on a host, where
    the in-network names they give mean nothing: their masters are at that
    address too. Sentinels by name are on the network: the names they give are
    used as they are (None). None for a plain `redis://` URL."""
    if not url.startswith("sentinel://"):
        return None
    parts = [urlsplit(part) for part in url.split(";")]
    sentinels = [(part.hostname or "", part.port or 0) for part in parts]
    password = unquote(parts[0].password) if parts[0].password else None
    return sentinels, password, sentinels[0][0] if _is_address(sentinels[0][0]) else None


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
