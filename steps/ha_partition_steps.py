"""A network partition of the master: the cut, the refusal of writes on the
cut-off side, the heal, and the writes only that side acknowledged, counted."""

from behave.runner import Context
from hamcrest import assert_that, empty, less_than_or_equal_to

from harness.run.ha import watched
from harness.run.steps import then, when


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
    refusal = context.suite.evidence.observe(watched(context).first_direct_refusal(within=seconds))
    assert_that(refusal.took, less_than_or_equal_to(seconds), f"seconds to the first refused write ({refusal})")


@then(
    "the writes only the cut-off master acknowledged are lost, counted, "
    "all acknowledged within {seconds:d} seconds of the cut"
)
def step_lost_counted(context: Context, seconds: int) -> None:
    loss = context.suite.evidence.observe(watched(context).partition_loss())
    assert_that(loss.breaches(within=seconds), empty(), f"the writes lost in the partition ({loss})")
