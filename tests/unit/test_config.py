from dataclasses import fields
from pathlib import Path

import pytest

from harness.core.config import Settings, new_project_name
from harness.core.errors import SettingInvalid


def test_userdata_overrides_defaults_with_their_types():
    settings = Settings.from_userdata(
        {"compose_file": "tests/mutants/aof-off.yml", "start_timeout": "3", "sections_each": "4"}
    )
    assert settings.compose_file == Path("tests/mutants/aof-off.yml")
    assert settings.start_timeout == 3.0
    assert settings.sections_each == 4 and isinstance(settings.sections_each, int)
    assert settings.restart_timeout == Settings().restart_timeout


def test_every_setting_is_one_that_userdata_can_set():
    """Each bound is a plain value -D can override: a path, a number or a string."""
    defaults = Settings()
    for field in fields(Settings):
        assert isinstance(getattr(defaults, field.name), Path | int | float | str), field.name
        raw = str(getattr(defaults, field.name))
        assert getattr(Settings.from_userdata({field.name: raw}), field.name) == getattr(defaults, field.name)


def test_a_named_project_is_used_as_it_is_otherwise_each_run_gets_its_own():
    assert Settings(project_name="opterp20-accept-test1").project() == "opterp20-accept-test1"
    first, second = Settings().project(), new_project_name()
    assert first != second
    assert first.startswith("opterp20-accept-") and first == first.lower()


@pytest.mark.parametrize(
    ("userdata", "said"),
    [
        ({"start_timout": "3"}, "-D start_timout is not a setting of the suite"),
        ({"start_timeout": "soon"}, "-D start_timeout=soon is not a number of seconds"),
        ({"sections_each": "2.5"}, "-D sections_each=2.5 is not a whole number"),
    ],
)
def test_a_setting_the_suite_does_not_have_is_refused_in_one_line(userdata: dict[str, str], said: str):
    with pytest.raises(SettingInvalid) as refused:
        Settings.from_userdata(userdata)
    assert str(refused.value).startswith(said) and "harness/core/config.py" in str(refused.value)


def test_a_formatters_own_settings_are_left_to_it():
    assert Settings.from_userdata({"behave.formatter.html-pretty.title_string": "OPTERP-20"}) == Settings()
