"""What the MIME walk collects, and how one HTML part joins it within bounds.

HTML is measured (``html_limits``) before any parser sees it and read within
the mail's time budget. HTML that fails either is never kept as body HTML,
so it never reaches the sanitiser: the reader gets its text (a plain
alternative wins over it), the HTML itself becomes a file, and a note says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from chalicelib.channels.email.html_limits import HtmlAllowance
from chalicelib.channels.email.html_text import html_to_text_within, strip_html
from chalicelib.channels.message import InboundAttachment

KEPT_HTML_NAME = "message.html"
# A byte-order mark makes browsers read the file as UTF-8 whatever charset
# its own <meta> tag names (the text was already decoded from that charset).
_UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Segment:
    """A piece of body in reading order; ``html`` is None for plain text.

    ``fallback``: the text was read from HTML too hostile to keep, so a plain
    alternative of the same content reads better.
    """

    text: str
    html: str | None = None
    fallback: bool = False


@dataclass
class BodyCollector:
    """What the walk found so far (mutable while walking, then read once).

    ``inside_message``: walking a forwarded mail, whose files stay inside its
    kept ``.eml`` and are only listed.
    """

    max_attachments: int
    segments: list[Segment] = field(default_factory=list)
    attachments: list[InboundAttachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dropped: int = 0
    html_budget: HtmlAllowance = field(default_factory=HtmlAllowance)
    inside_message: bool = False

    def child(self) -> BodyCollector:
        return BodyCollector(
            self.max_attachments - len(self.attachments),
            html_budget=self.html_budget,
            inside_message=self.inside_message,
        )

    def absorb_files(self, other: BodyCollector) -> None:
        self.attachments.extend(other.attachments)
        self.problems.extend(other.problems)
        self.dropped += other.dropped

    def add_attachment(self, attachment: InboundAttachment) -> None:
        if len(self.attachments) >= self.max_attachments:
            self.dropped += 1
            return
        self.attachments.append(attachment)

    def add_html(self, html: str) -> None:
        """One text/html body part: its text and HTML, or a bounded fallback."""
        budget = self.html_budget
        reason = budget.admit(html)
        if reason is None:
            started = time.monotonic()
            text = html_to_text_within(html, budget.seconds_left)
            budget.seconds_left -= time.monotonic() - started
            if text is not None:
                self.segments.append(Segment(text, html))
                return
            reason = "HTML took too long to read"
        self.segments.append(Segment(strip_html(html), None, fallback=True))
        if self.inside_message:
            kept = "in the forwarded message"
        elif len(self.attachments) >= self.max_attachments:
            kept = "in the stored original mail"
        else:
            payload = _UTF8_BOM + html.encode("utf-8", "replace")
            self.add_attachment(InboundAttachment(KEPT_HTML_NAME, "text/html", payload))
            kept = f"as {KEPT_HTML_NAME}"
        self.problems.append(f"{reason}; shown as text, original kept {kept}")
