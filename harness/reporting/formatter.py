"""The default behave formatter: pretty output on the console, plus behave's
own JSON (which Xray also imports) and an HTML report in reports/, from one run
without extra flags. Evidence attached with `context.attach` reaches both files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from behave.formatter.base import StreamOpener
from behave.formatter.json import PrettyJSONFormatter
from behave.formatter.pretty import PrettyFormatter
from behave_html_pretty_formatter import PrettyHTMLFormatter

from harness.core.config import Settings

BEHAVE_JSON = "behave.json"
HTML = "report.html"
_EVENTS = ("uri", "rule", "scenario", "step", "match", "result", "eof", "close")


class ReportsFormatter(PrettyFormatter):
    name = "reports"
    description = "pretty console output, plus reports/behave.json and reports/report.html"

    def __init__(self, stream_opener: StreamOpener, config: Any) -> None:
        super().__init__(stream_opener, config)
        # Read alone: the run refuses a wrong -D setting itself, in one line, after this is made.
        reports = Path(config.userdata.get("reports_dir", Settings.reports_dir))
        self.json = PrettyJSONFormatter(StreamOpener(str(reports / BEHAVE_JSON)), config)
        self.html = PrettyHTMLFormatter(StreamOpener(str(reports / HTML)), config)

    def feature(self, feature: Any) -> None:
        PrettyFormatter.feature(self, feature)
        self.stream.write("\n")  # a blank line between the feature's description and its first scenario
        for other in (self.json, self.html):
            other.feature(feature)

    def background(self, background: Any) -> None:
        # behave's pretty formatter replays the current statement here, which is
        # still the feature: its header would be printed a second time.
        if self.statement is self.current_feature:  # type: ignore[has-type]
            self.statement = None
        PrettyFormatter.background(self, background)
        for other in (self.json, self.html):
            other.background(background)

    def embedding(self, mime_type: str, data: bytes) -> None:
        self.json.embedding(mime_type, data)
        self.html.embed(mime_type, data, caption="Evidence")


def _fan_out(event: str) -> Any:
    def handle(self: ReportsFormatter, *args: Any) -> None:
        getattr(PrettyFormatter, event)(self, *args)
        for other in (self.json, self.html):
            getattr(other, event)(*args)

    handle.__name__ = event
    return handle


for _event in _EVENTS:
    setattr(ReportsFormatter, _event, _fan_out(_event))
