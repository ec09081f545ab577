"""The kind of engine, from `docker info` as each platform's engine answers it."""

import pytest

from harness.core import engine_kind


@pytest.mark.parametrize(
    ("info", "platform", "expected", "label"),
    [
        (
            {
                "OperatingSystem": "Docker Desktop",
                "KernelVersion": "5.15.153.1-microsoft-standard-WSL2",
                "OSType": "linux",
                "Name": "docker-desktop",
            },
            "win32",
            "Docker Desktop on Windows",
            "docker-desktop-windows",
        ),
        (
            {"OperatingSystem": "Docker Desktop", "KernelVersion": "6.10.14-linuxkit", "OSType": "linux"},
            "darwin",
            "Docker Desktop on macOS",
            "docker-desktop-macos",
        ),
        (
            {"OperatingSystem": "Debian GNU/Linux 12 (bookworm)", "KernelVersion": "6.1.0", "OSType": "linux"},
            "linux",
            "Docker Engine on Linux",
            "docker-engine-linux",
        ),
        # A remote engine seen from Windows is still the engine it is.
        (
            {"OperatingSystem": "Alpine Linux v3.20 (containerized)", "OSType": "linux"},
            "win32",
            "Docker Engine on Linux",
            "docker-engine-linux",
        ),
        (
            {"OperatingSystem": "Windows Server 2022 Datacenter", "OSType": "windows"},
            "win32",
            "Docker Engine on Windows",
            "docker-engine-windows",
        ),
    ],
    ids=["desktop-windows", "desktop-macos", "linux-engine", "remote-dind", "windows-engine"],
)
def test_the_kind_is_told_from_docker_info(info, platform, expected, label):
    kind = engine_kind.of(info, platform)
    assert str(kind).startswith(expected) and kind.label == label
    assert kind.plan_target == (label == "docker-desktop-windows")
