"""Shared helpers for the property modules: example budgets relative to the loaded profile."""

from __future__ import annotations

from hypothesis import settings


def scaled(factor: float) -> settings:
    """Settings with ``factor`` times the profile's examples (the profile is loaded before collection)."""
    return settings(max_examples=max(1, int(settings.default.max_examples * factor)))
