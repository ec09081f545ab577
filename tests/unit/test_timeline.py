"""The failover picture: valid SVG, every event on it, the windows shaded."""

from xml.dom import minidom

from harness.reporting.timeline import svg

MOMENTS = {
    "+sdown": 2.05,
    "+odown": 2.1,
    "+switch-master (first sentinel)": 3.2,
    "+switch-master (last sentinel)": 3.3,
    "first write acknowledged after the fault": 3.4,
    "old master back": 5.0,
    "old master a linked replica": 15.1,
    "+convert-to-slave (old master)": None,
}


def test_the_picture_is_svg_with_every_event_that_happened():
    picture = svg("crash", MOMENTS)
    minidom.parseString(picture)
    texts = [t.firstChild.data for t in minidom.parseString(picture).getElementsByTagName("text")]
    assert any(t.startswith("+odown: 2.10 s") for t in texts)
    assert not any("convert-to-slave" in t for t in texts)  # it did not happen


def test_it_shades_the_unavailable_window_and_the_old_masters_return():
    picture = svg("frozen (docker pause)", MOMENTS)
    assert "unavailable to writers (3.40 s)" in picture
    assert "old master back, not yet a replica (10.10 s)" in picture


def test_without_a_writer_the_unavailable_window_ends_at_the_last_switch():
    picture = svg("crash", {"+switch-master (last sentinel)": 3.3})
    assert "unavailable to writers (3.30 s)" in picture
