"""The topology kinds: a run is one kind's, and features/ha is collected
only when asked for, so the default run's summary says `0 skipped` (behave
counts what a tag expression leaves out as skipped)."""

from pathlib import Path

from behave.configuration import Configuration

from harness.run import classic_tags
from harness.run.runner import asked_kind, requires
from harness.topology import kinds
from harness.topology.kinds import SENTINEL_KIND, STANDALONE


def _config(args: list[str]) -> Configuration:
    """A run's configuration as the runner reads it (a classic filter rewritten)."""
    config = Configuration(args)
    classic_tags.read(config)
    return config


def test_only_a_tag_expression_that_requires_ha_selects_the_ha_features():
    assert requires(SENTINEL_KIND, _config(["--tags=@ha"]).tag_expression)
    assert requires(SENTINEL_KIND, _config(["--tags=@ha and @ha:majority"]).tag_expression)
    assert not requires(SENTINEL_KIND, _config([]).tag_expression)
    assert requires(SENTINEL_KIND, _config(["--tags=@ha:majority"]).tag_expression)
    assert not requires(SENTINEL_KIND, _config(["--tags=~@static"]).tag_expression)
    assert not requires(SENTINEL_KIND, _config(["--tags=@OPTERP-20"]).tag_expression)
    assert not requires(SENTINEL_KIND, _config(["--tags=@ac:port"]).tag_expression)


def test_the_consumers_feature_is_selected_alone_or_left_aside():
    assert requires(SENTINEL_KIND, _config(["--tags=@ha-consumers"]).tag_expression)
    assert requires(SENTINEL_KIND, _config(["--tags=@ha", "--tags=~@ha-consumers"]).tag_expression)
    assert requires(SENTINEL_KIND, _config(["--tags=@ha:replicas-lost"]).tag_expression)


def test_the_partitions_are_selected_alone_or_left_aside():
    assert requires(SENTINEL_KIND, _config(["--tags=@ha-partition"]).tag_expression)
    assert requires(SENTINEL_KIND, _config(["--tags=@ha:consumers-partition"]).tag_expression)
    assert requires(
        SENTINEL_KIND, _config(["--tags=@ha", "--tags=~@ha-consumers", "--tags=~@ha-partition"]).tag_expression
    )
    assert requires(SENTINEL_KIND, _config(["--tags=@ha-consumers", "--tags=~@ha-partition"]).tag_expression)


def test_a_path_is_the_sentinel_features_when_it_is_features_ha_or_a_feature_file_in_it():
    assert kinds.of_path(Path("features/ha")) is SENTINEL_KIND
    assert kinds.of_path(Path("features/ha/failover.feature")) is SENTINEL_KIND
    assert kinds.of_path(Path("features")) is STANDALONE
    assert kinds.of_path(Path("features/health.feature")) is STANDALONE
    # A folder named ha above does not count.
    assert kinds.of_path(Path("/home/ha/opterp/features/health.feature")) is STANDALONE


def test_a_run_is_the_kind_its_features_are_tagged_with_else_the_plans():
    assert kinds.of_feature_tags([["OPTERP-20"], ["ha", "OPTERP-20"]]) is SENTINEL_KIND
    assert kinds.of_feature_tags([["OPTERP-20"]]) is STANDALONE
    assert kinds.of_feature_tags([]) is STANDALONE


def test_naming_a_kinds_features_asks_for_that_kind():
    no_filter = _config([]).tag_expression
    assert asked_kind(no_filter, [Path("features/ha/failover.feature")]) is SENTINEL_KIND
    assert asked_kind(no_filter, [Path("features")]) is STANDALONE
    assert asked_kind(_config(["--tags=@ha"]).tag_expression, []) is SENTINEL_KIND


def test_each_kind_names_its_own_settings():
    from harness.core.config import Settings

    settings = Settings()
    assert STANDALONE.compose_file(settings).name == "docker-compose.yml"
    assert SENTINEL_KIND.compose_file(settings).name == "docker-compose.ha.yml"
    assert SENTINEL_KIND.run_timeout(settings) > STANDALONE.run_timeout(settings)
