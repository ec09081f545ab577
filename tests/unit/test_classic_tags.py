"""Tag filters in behave's classic syntax are read as the `or`, `not` and `and`
they mean, not guessed and crashed on (`--tags=@ac:port,@ac:ping`)."""

from behave.configuration import Configuration

from harness.run import classic_tags


def _matches(args: list[str], tags: list[str]) -> bool:
    config = Configuration(args)
    classic_tags.read(config)
    return bool(config.tag_expression.check(tags))


def test_a_comma_is_or_between_criterion_tags_with_colons():
    assert classic_tags.expression("@ac:port,@ac:ping") == "@ac:port or @ac:ping"
    assert _matches(["--tags=@ac:port,@ac:ping"], ["ac:ping"])
    assert _matches(["--tags=@ac:port,@ac:ping"], ["ac:port"])
    assert not _matches(["--tags=@ac:port,@ac:ping"], ["ac:image"])


def test_a_tilde_or_minus_is_not_and_separate_filters_are_and():
    assert classic_tags.expression(["@ha", "~@ha-consumers", "-@ha-partition"]) == (
        "(@ha) and (not @ha-consumers) and (not @ha-partition)"
    )
    args = ["--tags=@ha", "--tags=~@ha-consumers"]
    assert _matches(args, ["ha", "ha:ready"])
    assert not _matches(args, ["ha", "ha-consumers"])


def test_a_tag_expression_is_left_as_it_is():
    assert not classic_tags.is_classic("@ha and not @ha-consumers")
    assert not classic_tags.is_classic("not (@a or @b)")
    assert classic_tags.expression("@ac:port or @ac:ping") == "@ac:port or @ac:ping"
    assert _matches(["--tags=@ha and not @ha-consumers"], ["ha"])


def test_no_filter_selects_everything():
    assert _matches([], ["ac:port"])
