"""behave's hooks for this project: the run's lifecycle lives in
`harness/run/lifecycle.py`, where the import contract sees it; behave looks
for them here, beside `features/` and `steps/`."""

from harness.run.lifecycle import (
    after_all,
    after_feature,
    after_scenario,
    after_step,
    before_all,
    before_scenario,
    before_step,
)

__all__ = ["after_all", "after_feature", "after_scenario", "after_step", "before_all", "before_scenario", "before_step"]
