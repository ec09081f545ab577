from pathlib import Path

from harness.core.config import Settings, new_project_name


def test_userdata_overrides_defaults_with_their_types():
    settings = Settings.from_userdata({"compose_file": "tests/mutants/aof-off.yml", "start_timeout": "3", "x": "y"})
    assert settings.compose_file == Path("tests/mutants/aof-off.yml")
    assert settings.start_timeout == 3.0
    assert settings.service == "redis"


def test_each_run_gets_its_own_valid_project_name():
    first, second = new_project_name(), new_project_name()
    assert first != second
    assert first.startswith("opterp20-accept-") and first == first.lower()
