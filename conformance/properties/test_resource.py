"""The create must really create, for the resource of any create operation (``--operation SERVICE:CreateX``)
whose model has a read and a delete around it (``spec.resources``): a valid create reads back as created;
deleted is gone (the read answers not found, the list no longer lists it); an id nobody made is not found;
and, where the list has a paginator, walking every page of small pages lists each resource the run
created exactly once.

Skipped, with one line that says why, for an operation whose resource has no read or delete, and for a
target that does not implement them (found out before the first of these tests, once per process).  The
resources made here are deleted at the end of the session (``conformance.core.resources.clean_up``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.core.operation_target import OperationTarget
from conformance.core.resources import Made, ResourceChecks, probe
from conformance.core.target import CreateBudgetSpent
from conformance.plugin.profiles import suite_settings
from conformance.spec.resources import Resource, resource

pytestmark = pytest.mark.resources

# Resources the paging property makes beyond its largest page: at least two pages of each size.
BEYOND_PAGE = 1
PAGE_SIZES = (1, 2)


def resource_of(target: OperationTarget) -> Resource | str:
    """The resource the run's create makes, or why there is none to check."""
    contract = target.contract
    try:
        found = resource(contract.service, contract.operation)
    except ValueError:
        return f"{contract.operation} is no create or put operation: it makes no resource to read back"
    for role in ("read", "delete"):
        if not found.has(role):
            why = found.missing.get(role) or f"the model has no {role} operation for a {found.noun}"
            return f"no resource properties for {contract.operation}: {why}"
    return found


@pytest.fixture
def resources(target: OperationTarget, request: pytest.FixtureRequest) -> ResourceChecks:
    """The operations around the run's create, for the current test; skipped where there are none or
    the target lacks the read or the delete (probed once per process, before the first test)."""
    found = resource_of(target)
    if isinstance(found, str):
        pytest.skip(found)
    checks = ResourceChecks(
        target, found, request.node.nodeid, target.expect, not_compared=dict(found.not_compared)
    )
    if target.resource_support is None:
        target.resource_support = probe(checks)
    for role in ("read", "delete"):
        why = target.resource_support.get(role)
        if why is not None:
            pytest.skip(f"the target has no {found.operations[role]} (it answered {why})")
    return checks


def create(
    checks: ResourceChecks, params: dict[str, Any], pinned: dict[str, Any], refused: list[str] | None = None
) -> Made | None:
    """Create a resource of a name of its own; skipped where none can be made, --max-creates is spent, or
    the target (under --expect lenient) refused the create with an error its model lists (None instead,
    where ``refused`` collects why)."""
    __tracebackhide__ = True
    unique = checks.unique(params, pinned)
    if unique is None:
        named = ", ".join(checks.named_inputs())
        pytest.skip(
            f"no name of its own can be given to each create ({named} pinned, or no unique value fits)"
        )
    try:
        made = checks.create(unique)
    except CreateBudgetSpent as spent:
        if refused is not None:
            refused.append(str(spent))
            return None
        pytest.skip(str(spent))
    if made is None:
        why = checks.refusal or "an error its model lists"
        if refused is not None:
            refused.append(why)
            return None
        pytest.skip(f"the target refused the create with {why} (--expect lenient)")
    if not checks.names(made):
        wanted = ", ".join(str(i) for i in checks.resource.identifiers["read"] if not i.optional)
        pytest.skip(f"the create's answer does not name what it made ({wanted}), which the model allows")
    return made


def made(checks: ResourceChecks, strategies: Any) -> Made:
    """A resource made from the canonical create (a name of its own)."""
    __tracebackhide__ = True
    found = create(checks, strategies.base_params(), strategies.pinned)
    assert found is not None
    return found


def test_a_created_resource_reads_back_as_created(resources: ResourceChecks, strategies: Any) -> None:
    """Each member the create took and the read answers reads back as the create sent it, compared as the
    model types it (timestamps as instants, numbers as numbers).  Not compared: members the read leaves
    out (optional in its output), and those ``resources.json`` names as set by the service.  Under
    --expect lenient a create the target refuses with an error its model lists makes nothing to read:
    the drawing goes on, and the test is skipped only where every create drawn was refused."""
    if strategies.cannot_draw_valid:
        pytest.skip(f"no valid request can be built: {strategies.cannot_draw_valid}")
    refused: list[str] = []
    made_any = []

    @suite_settings(0.5)
    @given(data=st.data())
    def reads_back(data: st.DataObject) -> None:
        params = data.draw(strategies.valid_params(), label="params")
        one = create(resources, params, strategies.pinned, refused=refused)
        if one is not None:
            made_any.append(True)
            resources.expect_read_back(one)

    reads_back()
    if not made_any:
        pytest.skip(f"the target refused every create drawn ({len(refused)}), e.g. {refused[0]}")


def test_a_deleted_resource_is_gone(resources: ResourceChecks, strategies: Any) -> None:
    """The delete of a resource just made answers its success; then the read answers the modelled
    not-found error, and the list no longer lists it (each looked at again while the store settles)."""
    resources.expect_deleted(made(resources, strategies))


def test_an_id_nobody_made_is_not_found(
    resources: ResourceChecks, strategies: Any, target: OperationTarget
) -> None:
    """The read of a well-formed identifier nobody created answers the modelled not-found error (under
    --expect lenient, any client error the model lists; never a success or a 5xx).  Where the create
    answers the identifier, the unknown one is shaped after one the target made."""
    named_by_output = any(
        identifier.source == "output" and not identifier.optional
        for identifier in resources.resource.identifiers["read"]
    )
    shaped_after = made(resources, strategies) if named_by_output else None
    params = resources.unknown_params("read", shaped_after)
    if params is None:
        pytest.skip("no well-formed identifier nobody made can be built for the read")
    read = resources.resource.operations["read"]
    resources.expect_not_found(
        resources.send("read", params),
        "resource.unknown.not_found",
        f"{read} of a well-formed identifier nobody created answers {resources.due_text()}",
        f"{read} of an identifier nobody created",
    )


def test_every_page_lists_each_created_resource_once(
    resources: ResourceChecks, strategies: Any, target: OperationTarget
) -> None:
    """After creating more resources than a small page holds, walking every page of the list (pages of
    each small size the limit key's range takes, raised where the collection holds so many resources
    that the walk would pass its bound of pages) lists each resource the run created exactly once."""
    found = resources.resource
    if not found.has("list"):
        pytest.skip(found.missing.get("list") or f"the model has no list operation for a {found.noun}")
    why = (target.resource_support or {}).get("list")
    if why is not None:
        pytest.skip(f"the target has no {found.operations['list']} (it answered {why})")
    smallest, largest = resources.smallest_page(), resources.largest_page()
    if smallest is None:
        pytest.skip(f"{found.operations['list']} has no limit key: its pages cannot be made small")
    sizes = [size for size in PAGE_SIZES if smallest <= size <= (largest or size)] or [smallest]
    wanted = max(sizes) + 1 + BEYOND_PAGE
    if target.creates_left is not None and target.creates_left < wanted:
        pytest.skip(f"--max-creates leaves fewer than the {wanted} creates this check needs")
    created = [made(resources, strategies) for _ in range(wanted)]
    fitted = resources.page_sizes(created[0], sizes)
    if isinstance(fitted, str):
        pytest.skip(fitted)
    for size in fitted:
        resources.expect_every_page(created, size)
