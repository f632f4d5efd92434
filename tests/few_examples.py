"""A pytest plugin for the suite's own tests of whole runs: the ``few`` Hypothesis profile, two examples a
property, so that a run of every property of an operation costs seconds (``-p tests.few_examples
--hypothesis-profile few``).  The suite takes a profile of a name of its own as the user's own."""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("few", max_examples=2, database=None, derandomize=True)
