from harness.reporting.criteria import CONSUMERS, criterion_of


def test_the_criterion_is_named_by_an_ac_or_a_fit_tag():
    assert criterion_of(["OPTERP-20", "ac:persistence"]) == "persistence"
    assert criterion_of(["OPTERP-21", "consumer", "fit:lock-expiry"]) == "lock-expiry"
    assert criterion_of(["static"]) == "run"


def test_consumer_criteria_are_labelled_with_their_fit_tag():
    assert CONSUMERS[0].label == "@fit:lock-exclusive"
