"""Phone numbers in contact lines as `tel:` links that never wrap: one tap on a phone calls them."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# In the contact lines (knowledge/_contacts.yaml) every number is one to call (the region's emergency, police and support numbers).
_NUMBER = re.compile(r"(?<![\w.,/])\+?\d{2,4}(?:[ \u00a0-]\d{2,4})*(?![\w,/]|\.\d)")


def phone_links(text: str) -> Markup:
    """`text` HTML-escaped, with each phone number a link (`tel:` and its digits) whose spaces do not break."""
    parts: list[str] = []
    last = 0
    for match in _NUMBER.finditer(text or ""):
        number = match[0]
        parts.append(escape(text[last:match.start()]))
        digits = re.sub(r"[^\d+]", "", number)
        shown = escape(number).replace(" ", "\u00a0")
        parts.append(Markup('<a class="tel" href="tel:{}">{}</a>').format(digits, Markup(shown)))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return Markup("").join(parts)
