"""Which comment and attachment names a run's sign-off is: one per topology
kind and per release tag, none of them taken for another's."""

from pathlib import Path

from harness.core.evidence import SENTINEL
from harness.reporting.publication import MARKER, Publication

BRANCH, HA, TAGGED = Publication(), Publication(SENTINEL), Publication(tag="v1.2.0")


def test_each_kind_and_tag_has_a_marker_of_its_own_and_owns_only_its_own():
    assert [p.marker for p in (BRANCH, HA, TAGGED)] == [MARKER, f"{MARKER}.sentinel", f"{MARKER}.v1.2.0"]
    for publication in (BRANCH, HA, TAGGED):
        for other in (BRANCH, HA, TAGGED):
            assert publication.owns(other.footer) == (publication is other)


def test_the_marker_is_found_in_wiki_source_where_its_parentheses_are_escaped():
    assert HA.owns(f"_Posted by ... \\({HA.marker}\\)._") and not BRANCH.owns(f"\\({HA.marker}\\)")


def test_only_the_branchs_comment_of_the_plans_topology_takes_over_an_earlier_versions():
    assert BRANCH.owns("... (opterp20-acceptance-signoff)") and not HA.owns("... (opterp20-acceptance-signoff)")


def test_attachments_are_named_for_the_kind_and_the_tag():
    names = [p.attachment_name(Path("reports/signoff.md")) for p in (BRANCH, HA, TAGGED)]
    assert names == ["signoff.md", "signoff-sentinel.md", "signoff-v1.2.0.md"]
    assert Publication(SENTINEL, "v1.2.0").attachment_name(Path("TESTS-x.xml")) == "TESTS-x-sentinel-v1.2.0.xml"


def test_a_tag_is_read_from_gitlab_or_github_and_a_branch_has_none():
    assert Publication.of(SENTINEL, {"CI_COMMIT_TAG": "v2"}).tag == "v2"
    assert Publication.of(SENTINEL, {"GITHUB_REF_TYPE": "tag", "GITHUB_REF_NAME": "v3"}).tag == "v3"
    assert Publication.of(SENTINEL, {"GITHUB_REF_TYPE": "branch", "GITHUB_REF_NAME": "main"}).tag == ""
