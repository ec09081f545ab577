"""What a watched fault of the Sentinel topology came to, as typed findings:
each holds the figures a Then step asserts on, and says itself in one
sentence for the sign-off (`Evidence.observe`). `failover.py` makes them."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.probes.failover_timeline import FIRST_NAMED, LOST, OLD_STANDBY
from harness.probes.writes import Tally, Write


def seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


@dataclass(frozen=True)
class Switch:
    """Every sentinel naming the new master after the fault."""

    fault: str  # the fault, as the failover names it
    called: str  # the fault, as the scenario calls it ("crash", "freeze")
    old: str
    new: str
    took: float  # seconds from the fault to the last sentinel's +switch-master
    times: dict[str, float | None]  # the failover's timeline
    what = "failover timeline"

    @property
    def value(self) -> object:
        return {"fault": self.fault, **self.times}

    def __str__(self) -> str:
        t = self.times
        return (
            f"{self.fault}: the main Redis ({self.old}) lost {seconds(t[LOST])} after the {self.called}; "
            f"{self.new} the new main Redis for one sentinel {seconds(t[FIRST_NAMED])} and for every sentinel "
            f"{seconds(self.took)} after it."
        )


@dataclass(frozen=True)
class AnsweringAgain:
    """The crashed master answering again, brought back by its restart policy."""

    old: str
    took: float  # seconds from the crash
    what = "seconds from crash to answering"

    @property
    def value(self) -> object:
        return round(self.took, 3)

    def __str__(self) -> str:
        return f"The restart policy had {self.old} answering again {self.took:.2f} s after the crash."


@dataclass(frozen=True)
class Demotion:
    """The old master back, and a linked replica of the new one."""

    fault: str
    old: str
    new: str
    back: float  # seconds from its return to its demotion
    times: dict[str, float | None]
    what = "failover timeline"

    @property
    def value(self) -> object:
        return {"fault": self.fault, **self.times}

    def __str__(self) -> str:
        return (
            f"{self.old} was a standby of {self.new}, up to date, "
            f"{seconds(self.times[OLD_STANDBY])} after the {self.fault}, "
            f"{self.back:.2f} s after it was back."
        )


@dataclass(frozen=True)
class WritesKept:
    """The writes tried through the fault, and the replica-confirmed ones on the new master."""

    fault: str
    tally: Tally
    kept: int  # replica-confirmed writes the new master holds
    paused: float | None  # seconds from the fault to the first write the new master took and a replica confirmed
    what = "writes through the failover"

    @property
    def lost(self) -> int:
        return len(self.tally.replicated) - self.kept

    @property
    def value(self) -> object:
        t = self.tally
        return {
            "tried": t.attempts,
            "acknowledged": len(t.acknowledged),
            "replicated": len(t.replicated),
            "replicated kept": self.kept,
            "refused": t.refused,
            "paused": None if self.paused is None else round(self.paused, 3),
        }

    def __str__(self) -> str:
        t = self.tally
        return (
            f"Writes paused {seconds(self.paused)}. {t.attempts} writes tried through the {self.fault}: "
            f"{len(t.acknowledged)} acknowledged, {len(t.replicated)} confirmed by a standby, {self.kept} of those "
            f"on the new main Redis ({self.lost} lost); refused meanwhile: {t.refusals()}."
        )


@dataclass(frozen=True)
class UnconfirmedLost:
    """The writes a master acknowledged without a replica's confirmation, and how many of them survived."""

    acknowledged: int
    kept: int
    what = "unconfirmed writes lost"

    @property
    def value(self) -> object:
        return self.acknowledged - self.kept

    def __str__(self) -> str:
        return (
            f"{self.acknowledged} writes were taken by the main Redis before a standby confirmed them: "
            f"{self.kept} are on the new main Redis, {self.acknowledged - self.kept} lost."
        )


@dataclass(frozen=True)
class DirectWrites:
    """What the returning old master did with the writes sent to it directly."""

    tally: Tally
    what = "writes the old master accepted"

    @property
    def accepted(self) -> int:
        return len(self.tally.acknowledged)

    @property
    def value(self) -> object:
        return self.accepted

    def __str__(self) -> str:
        return (
            f"The returning old main Redis was sent {self.tally.attempts} writes directly: {self.accepted} "
            f"accepted; refused: {self.tally.refusals()}."
        )


@dataclass(frozen=True)
class Refusal:
    """The cut-off master's first refusal of a write sent to it directly."""

    old: str
    accepted_after_cut: int
    took: float  # seconds from the cut to the first refusal
    refusals: str
    what = "seconds from the cut to the first refused write"

    @property
    def value(self) -> object:
        return round(self.took, 3)

    def __str__(self) -> str:
        return (
            f"The cut-off {self.old} acknowledged {self.accepted_after_cut} direct writes "
            f"after the cut, then refused one {self.took:.2f} s after it ({self.refusals})."
        )


@dataclass(frozen=True)
class PartitionLoss:
    """The writes only the cut-off side acknowledged: lost, counted, and when the last of them was."""

    old: str
    direct: int  # writes the cut-off master acknowledged directly
    direct_lost: int
    unconfirmed: int  # writes the sentinel-following client had acknowledged without a replica
    unconfirmed_lost: int
    confirmed: int
    confirmed_lost: int
    window: float  # seconds from the cut to the last lost write
    refused: bool  # the cut-off master refused a direct write at all
    late: list[int] = field(default_factory=list)  # direct writes acknowledged after the first refusal
    what = "writes lost in the partition"

    def breaches(self, within: float) -> list[str]:
        """What breaks the criterion: a write acknowledged after the refusals began, or lost too late."""
        out = [] if self.refused else [f"{self.old} never refused a write sent to it directly"]
        out += [f"{len(self.late)} writes acknowledged after it began refusing"] if self.late else []
        if self.window > within:
            out.append(f"the last lost write {self.window:.2f} s after the cut, past {within:g} s")
        return out

    @property
    def value(self) -> object:
        return {
            "acknowledged alone and lost": self.direct_lost + self.unconfirmed_lost,
            "direct acknowledged": self.direct,
            "direct lost": self.direct_lost,
            "unconfirmed lost": self.unconfirmed_lost,
            "confirmed lost": self.confirmed_lost,
            "confirmed": self.confirmed,
            "seconds from the cut to the last lost write": round(self.window, 3),
        }

    def __str__(self) -> str:
        return (
            f"Partition: {self.direct_lost} of the {self.direct} writes the cut-off {self.old} "
            f"acknowledged directly are lost, and {self.unconfirmed_lost} of the {self.unconfirmed} the "
            f"sentinel-following client had acknowledged without a replica; the last of them {self.window:.2f} s "
            f"after the cut. WAIT-confirmed writes lost: {self.confirmed_lost} of {self.confirmed}."
        )


@dataclass(frozen=True)
class Switches:
    """The switches the sentinels announced while a crash was absorbed, and the most masters at once."""

    watched: float  # seconds
    announced: list[str]
    most_masters: int
    what = "switches after an absorbed crash"

    @property
    def value(self) -> object:
        return self.announced

    def __str__(self) -> str:
        return (
            f"Watched {self.watched:g} s after the crash: {len(self.announced)} handovers to a standby, "
            f"at most {self.most_masters} main Redis at once."
        )


@dataclass(frozen=True)
class MastersAtOnce:
    """The most data nodes that said they were master at one moment, until the master was whole again."""

    master: str
    most: int
    what = "masters at once"

    @property
    def value(self) -> object:
        return self.most

    def __str__(self) -> str:
        return f"{self.master} was the main Redis again; at most {self.most} main Redis at any moment."


def after(tally: Tally, moment: float) -> list[Write]:
    return [w for w in tally.acknowledged if w.at > moment]
