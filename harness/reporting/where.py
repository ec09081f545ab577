"""Where the run ran, against what the plan assumes (the registry's
redis:7-alpine, Docker Desktop on Windows): what a PROVISIONAL verdict names,
what a row tied to either says when it passed elsewhere, and the machine."""

from __future__ import annotations

import platform

from harness.core.evidence import Evidence

IMAGE_NEEDED, ENGINE_NEEDED = "the registry's redis:7-alpine", "Docker Desktop on Windows"


def system() -> str:
    """The machine the suite ran on, as a reader names it (the distribution, not the kernel's build string)."""
    try:
        return f"{platform.freedesktop_os_release()['PRETTY_NAME']}, {platform.machine()}"
    except (OSError, KeyError):
        return f"{platform.system()} {platform.release()}, {platform.machine()}"


def unproven(evidence: Evidence) -> list[tuple[str, str, str]]:
    """What the plan assumes that this run did not run on: (the reason in the
    headline, the sentence under Not verified, what a PASSED run needs instead)."""
    out = []
    if evidence.image_from_registry is None:
        out.append(
            (
                "the image was not checked",
                "The registry's redis:7-alpine: the run did not check the image.",
                IMAGE_NEEDED,
            )
        )
    elif not evidence.image_from_registry:
        origin = evidence.environment.get("image", "").split(", ", 1)[-1]
        out.append(
            (
                "the image was built or loaded locally, not the registry's redis:7-alpine",
                f"The registry's redis:7-alpine: the image that ran was {origin}.",
                IMAGE_NEEDED,
            )
        )
    if evidence.engine is None:
        out.append(
            (
                "the engine's kind was not observed",
                "Docker Desktop on Windows: the engine was not observed.",
                ENGINE_NEEDED,
            )
        )
    elif not evidence.engine.plan_target:
        out.append(
            (
                f"the engine was {evidence.engine.product} on {evidence.engine.host}, not Docker Desktop on Windows",
                f"Docker Desktop on Windows, which the plan targets: the engine was {evidence.engine}.",
                ENGINE_NEEDED,
            )
        )
    return out


def elsewhere(need: str, evidence: Evidence) -> str:
    """Where a criterion the plan ties to `need` ran instead, or "" when it ran there."""
    if need == "engine":
        engine = evidence.engine
        if engine is None:
            return "an engine whose kind was not observed"
        return "" if engine.plan_target else f"{engine.product} on {engine.host}"
    if need == "image":
        if evidence.image_from_registry is None:
            return "an image the run did not check"
        return "" if evidence.image_from_registry else "an image built or loaded locally, not the registry's"
    return ""
