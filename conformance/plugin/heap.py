"""The run's long-lived objects, kept out of the garbage collector's way.

Once the target is set up, what is alive (modules, the contract, strategies, the collected tests) lives
for the whole run: frozen (``gc.freeze()``), the collector does not walk it again in every full
collection.  It stays frozen when the session ends.  Unfrozen there, the whole heap the run built was
walked again by pytest's collection at unconfigure (the one that flushes unraisable exceptions) and by
the interpreter's own collections on its way out: 0.3 s of a 2.5 s run of a small operation, an eighth
of it.  A process that goes on to another session that freezes (pytester, ``pytest.main`` in a loop)
first unfreezes what the last one froze and collects it, so that one session's garbage is all that can
wait for the collector, never a pile of them.
"""

from __future__ import annotations

import gc

_froze = [False]  # whether this process froze a session's heap before


def freeze_run() -> None:
    """Freeze what is alive now, for the rest of the process or until the next session freezes."""
    if _froze[0]:
        gc.unfreeze()
        gc.collect()
    gc.freeze()
    _froze[0] = True
