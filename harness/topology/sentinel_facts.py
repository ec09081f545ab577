"""What the Sentinel topology said of itself, as typed findings: each holds
what a Then step asserts on, and says itself in one sentence for the
sign-off (`Evidence.observe`). `sentinel_watch.py` makes them."""

from __future__ import annotations

from dataclasses import dataclass

from harness.topology.inside import HealthRun
from harness.topology.sentinel_rules import SentinelView


@dataclass(frozen=True)
class Ready:
    """The whole topology ready: every node and sentinel healthy, agreeing, linked."""

    elapsed: float  # seconds from `up`
    restarted: bool = False  # after a whole-stack `down` and `up`

    @property
    def what(self) -> str:
        return "seconds from up to ready after a restart" if self.restarted else "seconds from up to ready"

    @property
    def value(self) -> object:
        return round(self.elapsed, 3)

    def __str__(self) -> str:
        if self.restarted:
            return f"After `down` and `up`, the topology was ready again {self.elapsed:.2f} s after `up` began."
        return f"Every node and sentinel healthy and the topology ready {self.elapsed:.2f} s after `up` began."


@dataclass(frozen=True)
class Absorbed:
    """Crashed nodes and sentinels restarted by Docker, and the topology ready again."""

    restarted: dict[str, float]  # service -> seconds from its crash to its restart
    ready: float  # seconds from the first crash to the topology ready again
    what = "crashes Docker's restart absorbed"

    @property
    def value(self) -> object:
        return {
            "restarted after (s)": {k: round(v, 3) for k, v in self.restarted.items()},
            "ready after (s)": round(self.ready, 3),
        }

    def __str__(self) -> str:
        each = ", ".join(f"{service} {seconds:.2f} s" for service, seconds in self.restarted.items())
        ready = f"the topology was ready again {self.ready:.2f} s after"
        return f"Docker restarted each crashed one ({each} after its crash); {ready}."


@dataclass(frozen=True)
class Agreement:
    """What every sentinel says of the master, and why they do not agree (empty: they do)."""

    views: tuple[SentinelView, ...]
    problems: list[str]
    what = "what each sentinel says"

    @property
    def value(self) -> object:
        return [str(v) for v in self.views]

    def __str__(self) -> str:
        return f"All {len(self.views)} sentinels asked; " + "; ".join(map(str, self.views)) + "."


@dataclass(frozen=True)
class NodeSettings:
    """Each data node's own values of the settings every data node must have."""

    found: dict[str, dict[str, str]]  # service -> setting -> value
    required: dict[str, tuple[str, ...]]  # setting -> the values it may have
    what = "data node settings"

    @property
    def wrong(self) -> dict[str, dict[str, str]]:
        """Each node with a setting outside its values: those settings, as found."""
        wrong = {
            name: {k: v for k, v in found.items() if v not in self.required.get(k, (v,))}
            for name, found in self.found.items()
        }
        missing = {name: {k: "" for k in self.required if k not in found} for name, found in self.found.items()}
        return {name: {**wrong[name], **missing[name]} for name in self.found if wrong[name] or missing[name]}

    @property
    def value(self) -> object:
        return self.found

    def __str__(self) -> str:
        return f"Every data node asked: {next(iter(self.found.values()), {})}."


@dataclass(frozen=True)
class ChecksFailing:
    """Every sentinel's own health check failing, with no master, while each still answers."""

    elapsed: float  # seconds from the crash
    runs: list[HealthRun]
    what = "sentinel health checks with no master"

    @property
    def value(self) -> object:
        return [str(r) for r in self.runs]

    def __str__(self) -> str:
        exits = "; ".join(f"exit {run.exit_code} {run.output!r}" for run in self.runs)
        return (
            f"With the master down and no replica to promote, every sentinel's health check failed "
            f"{self.elapsed:.2f} s after the crash, each still answering PING: {exits}."
        )


@dataclass(frozen=True)
class NamedMaster:
    """The master the sentinels name after a whole-stack restart, beside the one promoted before it."""

    named: str | None
    promoted: str
    seen: str  # every sentinel's and node's view, for a failure
    what = "master after a whole-stack restart"

    @property
    def value(self) -> object:
        return self.named

    def __str__(self) -> str:
        return f"After the restart the sentinels named {self.named} master; {self.promoted} was promoted before it."
