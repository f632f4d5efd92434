"""What the plugin keeps in pytest's ``config.stash``, for a run (the controller's) or a process (an xdist
worker's): every key in one place, so that one module writes each and the others can see who reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conformance.core.target import Target
    from conformance.plugin.options import Connection
    from conformance.plugin.progress import Progress
    from conformance.plugin.summary import Cleanup, RunTotals
    from conformance.spec import Contract

#: The contract of the operation the run is about (``--operation``), resolved once.
CONTRACT: pytest.StashKey[Contract] = pytest.StashKey()
#: The request members --value pins: member path -> value, read as the member's type.
PINNED: pytest.StashKey[dict[str, object]] = pytest.StashKey()
#: The strategies of an operation other than the flagship (``OperationStrategies``), built once.
STRATEGIES: pytest.StashKey[object] = pytest.StashKey()
#: How the run reaches its target, worked out once from the options (``options.connection``).
CONNECTION: pytest.StashKey[Connection] = pytest.StashKey()
#: Which lifecycle operations the target has: learnt by the preflight, or probed by a worker.
LIFECYCLE: pytest.StashKey[dict[str, str | None]] = pytest.StashKey()
#: This process's target, once a property asked for it.
TARGET: pytest.StashKey[Target] = pytest.StashKey()
#: What this process's cleanup of the workflows it created did, at the end of the session.
CLEANUP: pytest.StashKey[Cleanup] = pytest.StashKey()
#: The run's totals, added up from every process (the controller's only).
TOTALS: pytest.StashKey[RunTotals] = pytest.StashKey()
#: Whether the run's header line is written already.
HEADER_WRITTEN: pytest.StashKey[bool] = pytest.StashKey()
#: The line now and then while a test runs long (a run of one process only).
PROGRESS: pytest.StashKey[Progress] = pytest.StashKey()
