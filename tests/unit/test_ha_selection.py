"""features/ha is collected only when asked for, so the default run's summary
says `0 skipped` (behave counts what a tag expression leaves out as skipped)."""

from pathlib import Path

from behave.configuration import Configuration

from harness.run.runner import is_ha, requires_ha


def test_only_a_tag_expression_that_requires_ha_selects_the_ha_features():
    assert requires_ha(Configuration(["--tags=@ha"]).tag_expression)
    assert requires_ha(Configuration(["--tags=@ha and @ha:majority"]).tag_expression)
    assert not requires_ha(Configuration([]).tag_expression)
    assert requires_ha(Configuration(["--tags=@ha:majority"]).tag_expression)
    assert not requires_ha(Configuration(["--tags=~@static"]).tag_expression)
    assert not requires_ha(Configuration(["--tags=@OPTERP-20"]).tag_expression)
    assert not requires_ha(Configuration(["--tags=@ac:port"]).tag_expression)


def test_the_consumers_feature_is_selected_alone_or_left_aside():
    assert requires_ha(Configuration(["--tags=@ha-consumers"]).tag_expression)
    assert requires_ha(Configuration(["--tags=@ha", "--tags=~@ha-consumers"]).tag_expression)
    assert requires_ha(Configuration(["--tags=@ha:replicas-lost"]).tag_expression)


def test_the_partitions_are_selected_alone_or_left_aside():
    assert requires_ha(Configuration(["--tags=@ha-partition"]).tag_expression)
    assert requires_ha(Configuration(["--tags=@ha:consumers-partition"]).tag_expression)
    assert requires_ha(Configuration(["--tags=@ha", "--tags=~@ha-consumers", "--tags=~@ha-partition"]).tag_expression)
    assert requires_ha(Configuration(["--tags=@ha-consumers", "--tags=~@ha-partition"]).tag_expression)


def test_a_path_is_the_ha_features_when_it_is_features_ha_or_a_feature_file_in_it():
    assert is_ha(Path("features/ha")) and is_ha(Path("features/ha/failover.feature"))
    assert not is_ha(Path("features")) and not is_ha(Path("features/health.feature"))
    assert not is_ha(Path("/home/ha/opterp/features/health.feature"))  # a folder named ha above does not count
