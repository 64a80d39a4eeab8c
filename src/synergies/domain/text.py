"""Names people type: one normal form, and no characters that hide or reorder text."""

from __future__ import annotations

import unicodedata

from synergies.domain.errors import InvalidInput

# Control (Cc: C0 and C1), format (Cf: bidi overrides, zero-width joiners), surrogates and
# private use, line and paragraph separators: each can make two names look alike, or a name
# display differently from what is stored.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def clean_name(value: str, *, field: str) -> str:
    """`value` in Unicode NFC, refused if it holds a control or format character."""
    text = unicodedata.normalize("NFC", value)
    for position, char in enumerate(text, start=1):
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            raise InvalidInput(
                f"character {position} is U+{ord(char):04X} "
                f"({unicodedata.name(char, 'unnamed')}), which may hide or reorder text",
                field=field,
                fix="type the name again without invisible or control characters",
            )
    return text
