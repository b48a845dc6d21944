"""Make strings from crawled sites and exports safe to show: no control characters.

A field label or page text may carry terminal escape sequences (ESC [ 2 J …) or other
control characters. Every renderer passes foreign strings through :func:`printable`,
which shows them as visible ``\\xNN`` codes instead of letting them act. The text and
Markdown renderers also pass them through :func:`without_data_urls`: an embedded screenshot
is kilobytes of base64 that nobody can read there.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except tab and newline, DEL, and the C1 range (U+0080–U+009F, which
# includes the 8-bit CSI that some terminals honour).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: Any) -> Any:
    """``value`` with control characters replaced by ``\\xNN``; non-strings pass through."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value)


_DATA_URL = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+")


def without_data_urls(text: str) -> str:
    """``text`` with every base64 ``data:`` URL replaced by ``[image]``."""
    return _DATA_URL.sub("[image]", text)
