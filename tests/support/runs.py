"""Finished runs to render: passing, provisional, failing, and a failing run
with the most evidence the sign-off can carry. Built from the criteria
themselves, so every criterion appears as a real run would show it."""

from __future__ import annotations

from harness.core.engine_kind import EngineKind
from harness.core.evidence import SENTINEL, Evidence
from harness.reporting.checklist import FAILED, PASSED, Checklist, ScenarioResult, build
from harness.reporting.specifications import ALL

RUN = [("compose file", "/repo/docker-compose.yml"), ("branch", "main"), ("duration", "21.7 s")]
DESKTOP_WINDOWS = EngineKind("Docker Desktop", "Windows", "Docker Desktop")
LINUX_ENGINE = EngineKind("Docker Engine", "Linux", "Debian GNU/Linux 12 (bookworm)")
TAGS = list(dict.fromkeys(tag for c in ALL for tag in c.proven_by))


def evidence(*, registry: bool = True, engine: EngineKind | None = DESKTOP_WINDOWS) -> Evidence:
    origin = "pulled from a registry" if registry else "built or loaded locally (offline stand-in)"
    found = Evidence(environment={"Docker Engine": "26.1.5", "image": f"redis:7-alpine sha256:0586ee24f3, {origin}"})
    found.image_from_registry, found.engine = registry, engine
    found.begin("ping", "A client on this machine gets PONG on port 6379")
    found.record("PING via redis-py", "PONG", "A client on this machine pinged port 6379 and got PONG.")
    found.begin("starts", "Redis starts successfully and turns healthy quickly")
    found.record("seconds from up to healthy", 0.52, "Healthy 0.52 s after the start.")
    return found


def results(failed: dict[str, str] | None = None) -> list[ScenarioResult]:
    failed = failed or {}
    return [
        ScenarioResult(tag, f"proves {tag}", FAILED if tag in failed else PASSED, failed.get(tag, "")) for tag in TAGS
    ]


def passing_run() -> Checklist:
    return build(results(), evidence(), RUN, None)


def provisional_run() -> Checklist:
    """All passed, on a locally built image and a Linux engine."""
    return build(results(), evidence(registry=False, engine=LINUX_ENGINE), RUN, None)


def failing_run() -> Checklist:
    """The ping criterion failed, with `|`, `{`, `[`, a backslash and `code` in its evidence."""
    found = evidence(registry=False, engine=LINUX_ENGINE)
    found.begin("ping", "A client on this machine gets PONG on port 6379")
    found.record(
        "PING via redis-py", "refused", "ConnectionError: {host} | port 6379 [refused] C:\\temp, see `ss -ltn`"
    )
    reason = "Redis answers 'PONG': expected 'PONG' but: was <{error | no route}>"
    return build(results({"ping": reason}), found, RUN, None)


def heaviest_run() -> Checklist:
    """Every scenario failed with a long reason, and every criterion carries many long facts."""
    found = evidence(registry=False, engine=LINUX_ENGINE)
    for tag in TAGS:
        found.begin(tag, f"proves {tag}")
        for n in range(12):
            found.record(f"fact {n}", n, f"Observed fact {n} of {tag}: " + "détail | {x} " * 40)
    reasons = {tag: f"{tag} failed: expected <{'x' * 300}> but: was <{'y' * 300}>" for tag in TAGS}
    many = [
        ScenarioResult(r.criterion, f"{r.name} #{n}", r.verdict, r.reason) for r in results(reasons) for n in range(3)
    ]
    return build(many, found, RUN, None)


def sentinel_run() -> Checklist:
    """A run of `behave --tags=@ha`: the Sentinel topology's checklist, all passed on a Linux engine."""
    found = evidence(registry=False, engine=LINUX_ENGINE)
    found.topology = SENTINEL
    return build(results(), found, RUN, None)
