"""What kind of engine ran the service: Docker Desktop (on which host OS) or
a plain Docker Engine. The plan targets Docker Desktop on Windows; a run on
anything else is reported as not having proven that platform."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass

DESKTOP, ENGINE = "Docker Desktop", "Docker Engine"
WINDOWS, MACOS, LINUX = "Windows", "macOS", "Linux"


@dataclass(frozen=True)
class EngineKind:
    product: str  # DESKTOP | ENGINE
    host: str  # the operating system the engine serves: WINDOWS | MACOS | LINUX
    system: str  # the engine's own words (`docker info` OperatingSystem)

    @property
    def label(self) -> str:
        """A Jira label (no spaces), for Xray's test environment: docker-desktop-windows."""
        return f"{self.product}-{self.host}".lower().replace(" ", "-")

    @property
    def plan_target(self) -> bool:
        return self.product == DESKTOP and self.host == WINDOWS

    def __str__(self) -> str:
        return f"{self.product} on {self.host}" + (f" ({self.system})" if self.system else "")


def of(info: Mapping[str, object], client_platform: str = sys.platform) -> EngineKind:
    """From `docker info`. Docker Desktop names itself in OperatingSystem; its
    host is told by the VM's kernel (WSL 2 on Windows) or by this machine."""
    system = str(info.get("OperatingSystem") or "")
    kernel = str(info.get("KernelVersion") or "").lower()
    desktop = system.startswith(DESKTOP) or info.get("Name") == "docker-desktop"
    if desktop:
        if "microsoft" in kernel or "wsl" in kernel or client_platform == "win32":
            host = WINDOWS
        elif client_platform == "darwin":
            host = MACOS
        else:
            host = LINUX
        return EngineKind(DESKTOP, host, system)
    host = WINDOWS if str(info.get("OSType") or "").lower() == "windows" else LINUX
    return EngineKind(ENGINE, host, system)
