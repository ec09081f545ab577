import pytest

from tests.support.patch import DoesNotApply, Patch

TEXT = "a\nb\nc\nd\ne\nf\ng\n"
DIFF = """# Mistake: leading lines are the case's header
--- file.yml
+++ file.yml
@@ -2,3 +2,3 @@
 b
-c
+C
 d
@@ -6,2 +6,3 @@
 f
 g
+h
"""


def test_a_diff_applies_each_hunk_where_its_old_lines_are():
    patch = Patch.parse(DIFF)
    assert patch is not None and patch.target == "file.yml" and len(patch.hunks) == 2
    assert patch.apply(TEXT) == "a\nb\nC\nd\ne\nf\ng\nh\n"


def test_a_hunk_whose_lines_moved_still_applies_nearest_its_line():
    assert Patch.parse(DIFF).apply("new\nlines\n" + TEXT) == "new\nlines\na\nb\nC\nd\ne\nf\ng\nh\n"  # type: ignore[union-attr]


def test_of_two_places_the_nearest_to_the_named_line_is_changed():
    patch = Patch.parse("--- f\n+++ f\n@@ -4,1 +4,1 @@\n-x\n+y\n")
    assert patch is not None and patch.apply("x\nq\nq\nx\nq\n") == "x\nq\nq\ny\nq\n"


def test_a_hunk_whose_old_lines_are_gone_does_not_apply_and_says_which():
    with pytest.raises(DoesNotApply, match=r"hunk 1 \(line 2\) no longer applies to file.yml"):
        Patch.parse(DIFF).apply(TEXT.replace("c\n", "changed\n"))  # type: ignore[union-attr]


def test_text_without_a_diff_has_no_patch():
    assert Patch.parse("# Mistake: in the environment\n# Runs: clients\n") is None


def test_a_line_that_is_not_of_a_diff_is_refused():
    with pytest.raises(ValueError, match="not a line of a unified diff"):
        Patch.parse("--- f\n+++ f\n@@ -1 +1 @@\n-a\n+b\n*c\n")
