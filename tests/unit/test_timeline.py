"""The failover picture: valid SVG, every moment on it, the spans shaded, in OpticsERP's words."""

from xml.dom import minidom

from harness.probes.failover_timeline import (
    ALL_NAMED,
    FIRST_NAMED,
    LOST,
    OLD_BACK,
    OLD_STANDBY,
    OLD_TOLD,
    UNANSWERING,
    WRITES_BACK,
    windows,
)
from harness.reporting.timeline import svg

MOMENTS = {
    UNANSWERING: 2.05,
    LOST: 2.1,
    FIRST_NAMED: 3.2,
    ALL_NAMED: 3.3,
    WRITES_BACK: 3.4,
    OLD_BACK: 5.0,
    OLD_STANDBY: 15.1,
    OLD_TOLD: None,
}


def test_the_picture_is_svg_with_every_moment_that_happened():
    picture = svg("crash", MOMENTS, windows(MOMENTS))
    texts = [t.firstChild.data for t in minidom.parseString(picture).getElementsByTagName("text")]
    assert any(t.startswith("main Redis lost: two sentinels agree: 2.10 s") for t in texts)
    assert not any(OLD_TOLD in t for t in texts)  # it did not happen


def test_it_shades_the_writes_paused_and_the_old_main_redis_back():
    picture = svg("frozen (docker pause)", MOMENTS, windows(MOMENTS))
    assert "writes paused (3.40 s)" in picture
    assert "old main Redis back, not yet a standby (10.10 s)" in picture


def test_without_a_writer_the_writes_are_paused_until_every_sentinel_named_the_new_one():
    assert windows({ALL_NAMED: 3.3}) == [("writes paused", 0.0, 3.3)]
    assert "writes paused (3.30 s)" in svg("crash", {ALL_NAMED: 3.3}, windows({ALL_NAMED: 3.3}))


def test_the_picture_speaks_no_sentinel_event():
    picture = svg("crash", MOMENTS, windows(MOMENTS))
    assert "+sdown" not in picture and "+switch-master" not in picture and "master " not in picture
