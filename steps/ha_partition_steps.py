"""A network partition of the master: the cut, the refusal of writes on the
cut-off side, the heal, and the writes only that side acknowledged, counted."""

from behave.runner import Context
from hamcrest import assert_that, empty, less_than_or_equal_to

from harness.probes import writes
from harness.probes.writes import Tally
from harness.run.ha import watched
from harness.run.steps import then, when

SLACK = 2.0  # seconds a wait runs past its bound, so a late refusal is measured and reported, not missed


@when("the master is cut off from the sentinels and the replicas, while another client writes to it directly")
def step_cut_hammered(context: Context) -> None:
    watched(context).cut_off(hammered=True)


@when("the master is cut off from the sentinels and the replicas, while the consumers still reach it")
def step_cut(context: Context) -> None:
    watched(context).cut_off(hammered=False)


@when("the partition heals")
def step_heal(context: Context) -> None:
    watched(context).heal()


@then("the cut-off master refuses writes within {seconds:d} seconds of the cut")
def step_refuses(context: Context, seconds: int) -> None:
    failover = watched(context)
    seen = context.suite.sentinel().project.poller.until(
        f"{failover.old.service} refusing a write sent to it directly",
        failover.direct_writes, lambda t: t.first_refusal is not None,
        timeout=seconds + SLACK, since=failover.fault_at,
    ).value  # fmt: skip
    assert seen.first_refusal is not None
    took = seen.first_refusal - failover.fault_at
    said = (
        f"The cut-off {failover.old.service} acknowledged {len(_after(seen, failover.fault_at))} direct writes "
        f"after the cut, then refused one {took:.2f} s after it ({seen.refusals()})."
    )
    context.suite.evidence.record("seconds from the cut to the first refused write", round(took, 3), said)
    assert_that(took, less_than_or_equal_to(seconds), f"seconds to the first refused write ({said})")


@then(
    "the writes only the cut-off master acknowledged are lost, counted, "
    "all acknowledged within {seconds:d} seconds of the cut"
)
def step_lost_counted(context: Context, seconds: int) -> None:
    failover, topology = watched(context), context.suite.sentinel()
    failover.stop_writes()
    hammered, tally = failover.hammered, failover.tally
    assert hammered is not None and tally is not None and hammered.first_refusal is not None
    new = topology.writer_client(failover.new_master)
    lost = writes.missing(new, hammered.acknowledged, writes.DIRECT)
    unconfirmed_lost = writes.missing(new, tally.unreplicated)
    confirmed_lost = writes.missing(new, tally.replicated)
    late = [w.n for w in hammered.acknowledged if w.at > hammered.first_refusal]
    window = max((w.at for w in [*lost, *unconfirmed_lost]), default=failover.fault_at) - failover.fault_at
    said = (
        f"Partition: {len(lost)} of the {len(hammered.acknowledged)} writes the cut-off {failover.old.service} "
        f"acknowledged directly are lost, and {len(unconfirmed_lost)} of the {len(tally.unreplicated)} the "
        f"sentinel-following client had acknowledged without a replica; the last of them {window:.2f} s after "
        f"the cut. WAIT-confirmed writes lost: {len(confirmed_lost)} of {len(tally.replicated)}."
    )
    figures = {
        "acknowledged alone and lost": len(lost) + len(unconfirmed_lost),
        "direct acknowledged": len(hammered.acknowledged),
        "direct lost": len(lost),
        "unconfirmed lost": len(unconfirmed_lost),
        "confirmed lost": len(confirmed_lost),
        "confirmed": len(tally.replicated),
        "seconds from the cut to the last lost write": round(window, 3),
    }
    context.suite.evidence.record("writes lost in the partition", figures, said)
    assert_that(late, empty(), f"writes the cut-off master acknowledged after it began refusing ({said})")
    assert_that(window, less_than_or_equal_to(seconds), f"seconds from the cut to the last lost write ({said})")


def _after(tally: Tally, moment: float) -> list[writes.Write]:
    return [w for w in tally.acknowledged if w.at > moment]
