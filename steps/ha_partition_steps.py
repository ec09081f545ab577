"""A network partition of the master: the cut, the refusal of writes on the
cut-off side, the heal, and the writes only that side acknowledged, counted."""

from behave.runner import Context
from hamcrest import assert_that, empty, less_than_or_equal_to

from harness.run.ha import watched
from harness.run.steps import then, when


@when("the main Redis is cut off from the sentinels and standbys, while another client writes to it directly")
def step_cut_hammered(context: Context) -> None:
    watched(context).cut_off(hammered=True)


@when("the main Redis is cut off from the sentinels and standbys")
def step_cut(context: Context) -> None:
    watched(context).cut_off(hammered=False)


@when("the network heals")
def step_heal(context: Context) -> None:
    watched(context).heal()


@then("the cut-off main Redis refuses writes within {seconds:d} seconds of the cut")
def step_refuses(context: Context, seconds: int) -> None:
    refusal = context.suite.evidence.observe(watched(context).first_direct_refusal(within=seconds))
    assert_that(refusal.took, less_than_or_equal_to(seconds), f"seconds to the first refused write ({refusal})")


@then("the writes only the cut-off main Redis took are lost, counted, all taken within {seconds:d} seconds of the cut")
def step_lost_counted(context: Context, seconds: int) -> None:
    loss = context.suite.evidence.observe(watched(context).partition_loss())
    assert_that(loss.breaches(within=seconds), empty(), f"the writes lost in the partition ({loss})")
