"""Risks for the consumers: the test's setting, read from what the run
observed, said against production's; and what no run shows, not verified."""

from harness.consumers.celery_facts import DelayedRun
from harness.core.evidence import Evidence
from harness.probes.memory import Pressure, RanOut
from harness.reporting.risks import CONSUMER_RISKS, POWER_LOSS, said
from tests.support.runs import provisional_run


def test_a_finding_made_under_a_test_setting_records_it():
    evidence = Evidence()
    evidence.observe(DelayedRun(1.25, (), 1.0))
    assert evidence.test_settings == {"visibility timeout": "1 s"}


def test_a_finding_made_under_the_delivered_setting_records_none():
    evidence = Evidence()
    evidence.observe(RanOut(Pressure("noeviction", 128 * 2**20, 120 * 2**20, "OutOfMemoryError: OOM", 0)))
    assert evidence.test_settings == {}


def test_each_risk_says_the_test_production_and_what_it_means():
    used = {"visibility timeout": "1 s", "kombu": "5.7.0"}
    sentences = said(CONSUMER_RISKS, used)
    assert sentences[0].startswith(
        "Celery broker (OPTERP-24): the test used a visibility timeout of 1 s; production uses kombu's default "
        "of one hour"
    )
    assert "the test used a kombu of 5.7.0; production uses the kombu OPTERP-24 installs" in sentences[1]
    assert sentences[1].endswith("OPTERP-24 must require kombu>=5.7.")
    assert "this run did not use a lock expiry of its own; production uses the plan's `expire=300`" in sentences[2]


def test_the_single_nodes_sign_off_carries_the_risks_and_leaves_power_loss_not_verified():
    run = provisional_run()
    assert len(run.risks) == len(CONSUMER_RISKS) and POWER_LOSS in run.not_verified
