"""What each topology kind's run signs off: its checklist's sections, the
changes from the plan they prove, and how the verdict counts them. Keyed by
the kind's name (harness/topology/kinds.py): a new kind adds its entry here."""

from __future__ import annotations

from dataclasses import dataclass

from harness.core.evidence import OPERATIONS, SENTINEL, SINGLE_NODE, Evidence
from harness.reporting.criteria import CHANGES, CONSUMERS, FURTHER, PLAN, STRATEGY, Change, Criterion
from harness.reporting.criteria_ha import HA, HA_CHANGES
from harness.reporting.criteria_ops import OPS, OPS_CHANGES
from harness.reporting.risks import CONSUMER_RISKS, POWER_LOSS, Risk

ISSUE = "OPTERP-20"
SECTIONS = (
    (f"Acceptance criteria (the plan's {len(PLAN)})", PLAN),
    (f"Testing strategy (the plan's {len(STRATEGY)} tests)", STRATEGY),
    ("Further checks (the plan's configuration, and security)", FURTHER),
    (f"Fit for the plan's consumers (OPTERP-21, OPTERP-22, OPTERP-24: {len(CONSUMERS)} criteria)", CONSUMERS),
)
# A run of the Sentinel topology (`--tags=@ha`) signs off its own checklist.
HA_SECTIONS = ((f"High availability (Sentinel): the plan's production phase, {len(HA)} criteria", HA),)
# A run of the storage and memory faults (`--tags=@ops`) signs off its own checklist too.
OPS_SECTIONS = ((f"When storage or memory fails: {len(OPS)} criteria", OPS),)
Sections = tuple[tuple[str, tuple[Criterion, ...]], ...]


@dataclass(frozen=True)
class Specification:
    """What a topology kind's run signs off: its sections, the changes from the plan they prove, and how many."""

    title: str  # the sign-off's own, in signoff.md and on Jira
    sections: Sections
    changes: tuple[Change, ...]
    counts: str  # the criteria, counted, for the verdict's sentence
    # The tag prefix of the criteria the issue itself holds (the consumers' are their issues' too):
    # the features whose scenarios carry it name the issue the sign-off is posted on.
    issue_prefix: str
    risks: tuple[Risk, ...] = ()  # test settings production does not have, said against production's
    not_shown: tuple[str, ...] = ()  # what its criteria claim that no run shows: always under Not verified
    runs: str = ""  # the runs PASSED takes, where no one run can hold every criterion ("": one run)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for _, criteria in self.sections for c in criteria)


# Each topology kind's checklist, by the kind's name (harness/topology/kinds.py).
SPECIFICATIONS = {
    SINGLE_NODE: Specification(
        f"{ISSUE} sign-off: Redis in Docker Compose",
        SECTIONS,
        CHANGES,
        f"the plan's {len(PLAN)} acceptance criteria and {len(STRATEGY)} tests, {len(FURTHER)} further checks "
        f"and {len(CONSUMERS)} criteria of its consumers",
        "ac",
        CONSUMER_RISKS,
        (POWER_LOSS,),
    ),
    SENTINEL: Specification(
        f"{ISSUE} sign-off: Redis high availability (Sentinel) in Docker Compose",
        HA_SECTIONS,
        HA_CHANGES,
        f"the {len(HA)} criteria of the Sentinel topology",
        "ha",
        not_shown=(
            "Losing the whole host: every node and sentinel runs on this one machine, so its loss takes all of "
            "them; only a Sentinel spread over several machines would survive it.",
            "Docker Desktop on Windows and the network split in one run: the split needs a local Linux engine "
            "(packets dropped inside the containers' namespaces), while the plan's platform is Docker Desktop; "
            "no single HA run can be PASSED.",
        ),
        runs=(
            "two runs, signed together: `uv run behave --tags=@ha --tags=~@ha-partition` on Docker Desktop on "
            "Windows with the registry's redis:7-alpine, every criterion but the 2 of the network split passing; "
            "and `uv run behave --tags=@ha-partition` on a local Linux engine, those 2 passing."
        ),
    ),
    OPERATIONS: Specification(
        f"{ISSUE} sign-off: what OpticsERP's data goes through when storage or memory fails",
        OPS_SECTIONS,
        OPS_CHANGES,
        f"the {len(OPS)} criteria of storage and memory faults",
        "ops",
    ),
}
# Every criterion of every checklist, each once.
ALL = tuple(c for spec in SPECIFICATIONS.values() for c in spec.criteria)


def specification(evidence: Evidence) -> Specification:
    """What the run signs off: its topology kind's checklist."""
    return SPECIFICATIONS[evidence.topology]
