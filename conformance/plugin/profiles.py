"""The suite's Hypothesis settings, given to each of its properties: never loaded for anyone else.

The plugin is installed for every pytest run in the environment, so the suite registers no profile over
anyone's and changes no default: each property carries its own settings, built from the profile the run
names with ``--hypothesis-profile`` (``dev`` unless it names one).  The suite's ``dev``, ``ci`` and
``nightly`` are built on Hypothesis's own defaults, not on whatever profile is loaded: where ``CI`` is set
Hypothesis loads its own "ci" profile (derandomized, no example database), and the nightly budget must not
inherit that.  A profile of another name is the user's own: the suite takes its settings and adds only its
deadline and health checks, and leaves out Hypothesis's explain phase (see ``suite_settings``).
"""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import InvalidArgument

PROFILES: dict[str, dict] = {
    # dev: a full run against a local target in well under a minute on two cores.
    "dev": {"max_examples": 12},
    # ci: reproducible; prints the blob that replays a failure with @reproduce_failure.
    "ci": {"max_examples": 12, "derandomize": True, "print_blob": True, "database": None},
    # nightly: ten times the examples of dev, with the example database kept between runs.
    "nightly": {"max_examples": 120},
}
DEFAULT_PROFILE = "dev"
COMMON_SETTINGS = {
    "deadline": None,  # the target's latency is not the strategies' fault
    # ``send`` is a function-scoped fixture but holds no per-example state.
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
}
_chosen = [DEFAULT_PROFILE]  # the run's profile, set once by the plugin's pytest_configure


def choose_profile(name: str | None) -> None:
    """The profile the run names (``--hypothesis-profile``), or the suite's default; a name of the
    suite's that nobody has registered is registered, so that Hypothesis's own plugin can load it.
    ValueError for a name that is neither the suite's nor registered (a misspelt one)."""
    if name and name not in PROFILES and not _registered(name):
        known = ", ".join(PROFILES)
        raise ValueError(
            f"--hypothesis-profile={name}: no such profile; the suite's are {known} "
            "(or one a conftest.py registers with hypothesis.settings.register_profile)"
        )
    _chosen[0] = name or DEFAULT_PROFILE
    if name in PROFILES and not _registered(name):
        settings.register_profile(
            name, parent=settings.get_profile("default"), **COMMON_SETTINGS, **PROFILES[name]
        )


def chosen_profile() -> str:
    return _chosen[0]


def _registered(name: str) -> bool:
    try:
        settings.get_profile(name)
    except InvalidArgument:
        return False
    return True


def suite_settings(factor: float = 1) -> settings:
    """One property's settings: ``factor`` times the examples of the run's profile."""
    name = _chosen[0]
    if name in PROFILES:
        parent, values = settings.get_profile("default"), {**COMMON_SETTINGS, **PROFILES[name]}
    else:
        parent, values = settings.get_profile(name), dict(COMMON_SETTINGS)
    values["max_examples"] = max(1, int(values.get("max_examples", parent.max_examples) * factor))
    # Hypothesis's explain phase replays a failing example about a hundred times, varying each part, to
    # comment which parts don't matter: a request to the target each time, for comments that the suite's
    # own report (the request as curl, the fault named) never shows.  Against a target that fails most
    # properties it was nine requests in ten of the run.
    values["phases"] = tuple(phase for phase in values.get("phases", parent.phases) if phase != Phase.explain)
    return settings(parent=parent, **values)
