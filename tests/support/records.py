"""Test records made from a valid example by exact text replacements (one realistic change each)."""

from __future__ import annotations

from pathlib import Path


def edited_copy(text: str, target: Path, replacements: dict[str, str]) -> Path:
    """Write `text` to `target` with each old fragment replaced by its new one; every fragment must occur, so
    a changed example fails the test instead of silently testing the unchanged record."""
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    target.write_text(text, encoding="utf-8")
    return target
