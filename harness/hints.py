"""What to tell the user to do, in the words of their platform: Docker Desktop
on Windows and macOS, a service manager on Linux, an engine on another machine."""

from __future__ import annotations

import sys

# What Docker Desktop's CLI prints on Windows when the engine is not running (quoted in the plan).
WINDOWS_PIPE_ERROR = "open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified"


def start_engine(endpoint: str, local: bool, platform: str = sys.platform) -> str:
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


def who_listens(port: int, platform: str = sys.platform) -> str:
    """The command that shows which process holds a local port."""
    if platform.startswith("win"):
        return f"netstat -ano | findstr :{port}"
    if platform == "darwin":
        return f"lsof -nP -iTCP:{port} -sTCP:LISTEN"
    return f"ss -ltnp 'sport = :{port}'"


def stop_signal(platform: str = sys.platform) -> str:
    """How to stop a run so that it still cleans up after itself."""
    if platform.startswith("win"):
        # Windows has no SIGTERM to send to a console process: Ctrl-C and Ctrl-Break are what reach it.
        return "Ctrl-C or Ctrl-Break (a CI cancel that kills the process tree skips the clean-up)"
    return "Ctrl-C or SIGTERM (what a cancelled CI job sends)"
