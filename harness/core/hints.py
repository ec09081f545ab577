"""What to tell the user to do, in the words of their platform: Docker Desktop
on Windows and macOS, a service manager on Linux, an engine on another machine."""

from __future__ import annotations

import sys

# What Docker Desktop's CLI prints on Windows when the engine is not running (quoted in the plan).
WINDOWS_PIPE_ERROR = "open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified"


def start_engine(endpoint: str, local: bool, platform: str | None = None) -> str:
    platform = platform or sys.platform
    if not local:
        return (
            f"check that the engine at {endpoint} is running and reachable from this machine "
            "(DOCKER_HOST, DOCKER_CONTEXT, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH choose it)"
        )
    if platform.startswith("win"):
        return (
            "start Docker Desktop and wait until it reports the engine running "
            f"(`{WINDOWS_PIPE_ERROR}` means it is not)"
        )
    if platform == "darwin":
        return "start Docker Desktop and wait until it reports the engine running"
    return "start the engine (`sudo systemctl start docker`, or Docker Desktop)"


def who_listens(port: int, platform: str | None = None) -> str:
    """The command that shows which process holds a local port."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return f"netstat -ano | findstr :{port}"
    if platform == "darwin":
        return f"lsof -nP -iTCP:{port} -sTCP:LISTEN"
    return f"ss -ltnp 'sport = :{port}'"


def interrupt_signals(platform: str | None = None) -> tuple[str, ...]:
    """The signals, besides Ctrl-C's SIGINT, that mean "stop and clean up".
    POSIX: SIGTERM, what a cancelled CI job or `docker stop` sends. Windows
    delivers no SIGTERM from another process (it terminates outright, and no
    clean-up can run); Ctrl-Break (SIGBREAK) is what reaches a console process."""
    return ("SIGBREAK",) if (platform or sys.platform).startswith("win") else ("SIGTERM",)
