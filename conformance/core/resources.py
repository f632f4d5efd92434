"""The create must really create, for any resource: what the read, list and delete operations around a
create (``spec.resources``) say of the resources the run made.

``ResourceChecks`` sends them through the target (rate limit, transport handling, redaction, the
--max-creates budget of the creates) and holds their answers, read as botocore reads them (timestamps as
instants, numbers as numbers), to what the create asked for.  Every check raises a
``ConformanceFailure`` naming its property (``resource.read.<member>``, ``resource.delete.gone``,
``resource.list.once``...).  A store may be eventually consistent: a resource missing right after its
create (or still there right after its delete) is looked for again for up to ``SETTLE_SECONDS``.

Which of the operations the target has is found out once per process (``probe``), before any resource
property runs, the way the operation's own preflight tells a missing operation: 405, 501, a 404 that is
no error the model lists, or the very answer a path no operation has gets.  Nothing here knows pytest.

Some 600 lines, as the flagship's ``conformance.flagship.lifecycle``: the checks of the three operations
share the sending, the identifiers and the second look at a store that settles, and read best together;
how values are compared is ``conformance.core.resource_values``.
"""

from __future__ import annotations

import math
import re
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from botocore.parsers import create_parser
from requests.structures import CaseInsensitiveDict

from conformance.core import judge
from conformance.core.checks import ConformanceFailure
from conformance.core.errors import COMMON_CLIENT_ERRORS
from conformance.core.exchange import Exchange, TargetError
from conformance.core.report import escape_controls, to_curl
from conformance.core.resource_values import first_difference, reshaped, shown
from conformance.core.sdk import summarize_error
from conformance.spec import Contract
from conformance.spec.operation import load_operation, operation_model
from conformance.spec.resources import Resource

# How long a check waits for a store that settles (a resource just made not yet read or listed, one just
# deleted still there), looking again every ``SETTLE_STEP``: bounded, so a target that never shows a
# resource costs each check this much once.
SETTLE_SECONDS = 2.0
SETTLE_STEP = 0.25
# A 202 delete is accepted, not done: the resource may stay readable while it goes, for this long at most.
ACCEPTED_DELETE_SECONDS = 10.0
# The most pages a walk of a list reads: a target whose pages never end would otherwise keep a test.
MAX_PAGES = 100
# An error of the read whose name says "not found" is the answer to an id nobody made.
_NOT_FOUND = re.compile(r"NotFound|NoSuch")
# A status of a resource on its way out (DELETING, DELETE_IN_PROGRESS...): read while a 202 delete runs.
_GOING = re.compile(r"DELET", re.IGNORECASE)
# The cleanup at the end of a session spends at most this long, whatever the target's pace.
CLEANUP_SECONDS = 60.0


@cache
def role_contract(service: str, operation: str) -> Contract:
    return load_operation(f"{service}:{operation}")


@cache
def _parser() -> Any:
    return create_parser("rest-json")


def parsed(service: str, operation: str, exchange: Exchange) -> dict[str, Any] | None:
    """The answer's output as botocore reads it (timestamps as datetimes, blobs as bytes), or None where
    botocore cannot read it."""
    found = _parse(service, operation, exchange)
    return found if isinstance(found, dict) else None


def unreadable(service: str, operation: str, exchange: Exchange) -> str:
    """Why botocore cannot read the answer, in a few words."""
    found = _parse(service, operation, exchange)
    if isinstance(found, BaseException):
        return f"{type(found).__name__}: {escape_controls(str(found))[:200]}"
    return "it reads no output from it"


def _parse(service: str, operation: str, exchange: Exchange) -> dict[str, Any] | BaseException | None:
    shape = operation_model(service, operation).output_shape
    response = {"status_code": exchange.status, "headers": CaseInsensitiveDict(exchange.headers),
                "body": exchange.body}  # fmt: skip
    try:
        found = _parser().parse(response, shape)
    except Exception as error:  # noqa: BLE001 - what botocore cannot read, no SDK user gets either
        return error
    if not isinstance(found, dict):
        return None
    found.pop("ResponseMetadata", None)
    return found


@dataclass
class Made:
    """A resource the run created: the create's params as sent, its answer read as botocore reads it."""

    params: dict[str, Any]
    output: dict[str, Any]
    exchange: Exchange
    deleted: bool = False

    def __repr__(self) -> str:
        return "<made>"


def identifier_params(resource: Resource, role: str, made: Made) -> dict[str, Any] | None:
    """The params of ``role``'s operation that name ``made``: None where a required one is missing."""
    params: dict[str, Any] = {}
    for identifier in resource.identifiers.get(role, ()):
        value = identifier.value(made.params, made.output)
        if value is None:
            if identifier.optional:
                continue
            return None
        params[identifier.member] = value
    return params


def resource_id(resource: Resource, made: Made) -> Any:
    """The value that names ``made`` in a list's items: the read's last required identifier."""
    required = [i for i in resource.identifiers.get("read", ()) if not i.optional]
    return required[-1].value(made.params, made.output) if required else None


def dig(value: Any, path: str) -> Any:
    for step in path.split(".") if path else ():
        value = value.get(step) if isinstance(value, dict) else None
    return value


# -- which operations the target has -----------------------------------------------------------------------
NO_SUCH_OPERATION = "/conformance-no-such-operation"


def missing_reason(contract: Contract, exchange: Exchange, nowhere: Exchange | None) -> str | None:
    """None if ``exchange`` shows the operation is there; else the answer that says it is not."""
    found = judge.error_type(contract, exchange)
    modelled = judge.modelled_status(contract, found) == exchange.status
    if modelled or 200 <= exchange.status < 300:
        return None
    brief = summarize_error(exchange)
    if exchange.status in (405, 501) or exchange.status == 404:
        return brief
    if nowhere is not None and nowhere.status == exchange.status:
        if judge.error_type(contract, nowhere) == found:
            return f"{brief}, as it answers a path no operation has"
    return None


def probe(checks: ResourceChecks) -> dict[str, str | None]:
    """Which of the read, list and delete the target has: role -> None, or the answer that says it has
    not.  Each is asked of an id nobody made (the list, for one item)."""
    target = checks.target
    support: dict[str, str | None] = {}
    try:
        nowhere: Exchange | None = target.client.send_raw("GET", f"{NO_SUCH_OPERATION}-{uuid.uuid4().hex}")
    except TargetError:
        nowhere = None
    for role in ("read", "list", "delete"):
        if not checks.resource.has(role):
            continue
        if role == "list":
            params = checks.list_params(None, checks.smallest_page(), None)
        else:
            params = checks.unknown_params(role, None)
        if params is None:
            support[role] = "no id nobody made could be built for it"
            continue
        try:
            exchange = checks.send(role, params)
        except Exception as error:  # noqa: BLE001 - a transport failure: the operation can't be judged
            support[role] = f"no answer: {escape_controls(str(error).splitlines()[0])}"
            continue
        support[role] = missing_reason(checks.contract(role), exchange, nowhere)
    return support


# -- the checks --------------------------------------------------------------------------------------------
@dataclass
class Walk:
    """Every page of the list, followed to its end (or to the page bound)."""

    ids: list[Any]
    pages: int
    last: Exchange
    complete: bool
    unreadable: Exchange | None = None  # the first page botocore cannot read (its raw JSON was walked)


@dataclass
class ResourceChecks:
    """The operations around the create as one test uses them."""

    target: Any  # OperationTarget
    resource: Resource
    test_id: str
    expect: str = "strict"
    not_compared: dict[str, str] = field(default_factory=dict)  # create member -> why it is not compared
    refusal: str | None = None  # how the target refused the last create, under --expect lenient

    def __repr__(self) -> str:
        return "resources"

    def contract(self, role: str) -> Contract:
        return role_contract(self.resource.service, self.resource.operations[role])

    # -- sending ---------------------------------------------------------------------------------------
    def send(self, role: str, params: dict[str, Any], *, creates: bool = False) -> Exchange:
        __tracebackhide__ = True
        from conformance.strategies.operation.wire import to_wire

        contract = self.target.contract if role == "create" else self.contract(role)
        return self.target.send_wire(to_wire(contract, params), self.test_id, creates=creates)

    def create(self, params: dict[str, Any]) -> Made | None:
        """Send the create; a refusal under --expect lenient that the model lists is None (nothing made);
        anything else the target's own check of a valid request fails."""
        __tracebackhide__ = True
        exchange = self.send("create", params, creates=True)
        from conformance.strategies.operation.wire import to_wire

        self.target.expect_accepted(exchange, to_wire(self.target.contract, params))
        if not 200 <= exchange.status < 300:
            self.refusal = summarize_error(exchange)
            return None
        made = Made(params, parsed(self.resource.service, self.resource.create, exchange) or {}, exchange)
        if identifier_params(self.resource, "delete", made) is not None:
            self.target.made.append(made)  # deleted at the end of the session
        return made

    def names(self, made: Made) -> bool:
        """Whether the create's answer (and params) hold every identifier the read and delete need."""
        return all(identifier_params(self.resource, role, made) is not None for role in ("read", "delete"))

    def read(self, made: Made) -> Exchange:
        __tracebackhide__ = True
        return self.send("read", identifier_params(self.resource, "read", made) or {})

    def delete(self, made: Made) -> Exchange:
        __tracebackhide__ = True
        exchange = self.send("delete", identifier_params(self.resource, "delete", made) or {})
        if 200 <= exchange.status < 300:
            made.deleted = True
        return exchange

    def list_params(self, made: Made | None, size: int | None, token: Any) -> dict[str, Any] | None:
        paging = self.resource.paging
        params: dict[str, Any] = {}
        for identifier in self.resource.identifiers.get("list", ()):
            if made is None:
                return None if not identifier.optional else params
            value = identifier.value(made.params, made.output)
            if value is not None:
                params[identifier.member] = value
        if paging is not None:
            if size is not None and paging.limit_key:
                params[paging.limit_key] = size
            if token is not None:
                params[paging.input_token] = token
        return params

    def smallest_page(self) -> int | None:
        """The smallest page the list's limit key takes (at least 1), None where it has no limit key."""
        paging = self.resource.paging
        if paging is None or not paging.limit_key:
            return None
        member = self.contract("list").member(paging.limit_key)
        return max(1, int(member.get("minimum", 1) or 1))

    def largest_page(self) -> int | None:
        paging = self.resource.paging
        if paging is None or not paging.limit_key:
            return None
        return self.contract("list").member(paging.limit_key).get("maximum")

    # -- names of their own ----------------------------------------------------------------------------
    def named_inputs(self) -> list[str]:
        """The create's top-level input members that name the resource in its read or delete."""
        names = []
        for role in ("read", "delete"):
            for identifier in self.resource.identifiers.get(role, ()):
                if identifier.source == "input" and not identifier.optional and len(identifier.path) == 1:
                    names.append(identifier.path[0])
        return list(dict.fromkeys(names))

    def unique(self, params: dict[str, Any], pinned: dict[str, Any]) -> dict[str, Any] | None:
        """``params`` with each member that names the resource made unique (a fresh token in it, within
        its constraints and those of each operation that takes it): a name another create took must not
        make a check fail.  None where a member is pinned (--value) or no unique value fits."""
        from conformance.strategies.operation.unique import unique_text

        params = dict(params)
        for name in self.named_inputs():
            if name in pinned:
                return None
            members = [self.target.contract.member(name)]
            for role in ("read", "delete", "list"):
                if role in self.resource.operations:
                    for identifier in self.resource.identifiers.get(role, ()):
                        if identifier.path == (name,):
                            members.append(self.contract(role).member(identifier.member))
            if any(member.type != "string" for member in members):
                return None
            value = unique_text(members, str(params.get(name) or ""))
            if value is None:
                return None
            params[name] = value
        return params

    # -- ids nobody made -------------------------------------------------------------------------------
    def unknown_params(self, role: str, made: Made | None) -> dict[str, Any] | None:
        """``role``'s params naming a resource nobody made, shaped as ``made``'s (where given): its own
        identifier with its last characters changed in kind (a digit for a digit...), or a value of the
        member's constraints with a fresh token in it."""
        from conformance.strategies.operation.canonical import canonical_value
        from conformance.strategies.operation.unique import fits, unique_text

        contract = self.contract(role)
        identifiers = [i for i in self.resource.identifiers.get(role, ()) if not i.optional]
        if not identifiers:
            return None
        params = identifier_params(self.resource, role, made) if made is not None else None
        if params is None:
            try:
                params = {i.member: canonical_value(contract, i.member) for i in identifiers}
            except Exception:  # noqa: BLE001 - CannotDraw: no valid id to start from
                return None
        own = identifiers[-1]
        member = contract.member(own.member)
        value = params.get(own.member)
        if member.type != "string" or not isinstance(value, str):
            return None
        known = {resource_id(self.resource, m) for m in self.target.made}
        for _ in range(8):
            other = reshaped(value) if made is not None else None
            if other is None or not fits(member, other) or other == value:
                other = unique_text([member], value)
            if other is not None and other not in known:
                return {**params, own.member: other}
        return None

    # -- judging ---------------------------------------------------------------------------------------
    def fail(
        self, property: str, requirement: str, exchange: Exchange | None, observed: str, case: str
    ) -> None:
        __tracebackhide__ = True
        self.target._noting_failure()
        raise ConformanceFailure(property, requirement, exchange, observed, case)

    def not_found_due(self, role: str = "read") -> tuple[frozenset[int], frozenset[str]]:
        """The answers an id nobody made (or a resource deleted) gets from ``role``: the modelled not-found
        error(s) with their statuses; under --expect lenient, any client error the model lists."""
        contract = self.contract(role)
        found = [e for e in contract.errors if _NOT_FOUND.search(e.name) and 400 <= e.status < 500]
        if self.expect == "lenient" or not found:
            found = [e for e in contract.errors if 400 <= e.status < 500]
        statuses = {e.status for e in found}
        types = {e.code or e.name for e in found}
        if self.expect == "lenient":
            statuses |= set().union(*COMMON_CLIENT_ERRORS.values())
            types |= set(COMMON_CLIENT_ERRORS)
        return frozenset(statuses), frozenset(types)

    def is_not_found(self, exchange: Exchange, role: str = "read") -> bool:
        statuses, types = self.not_found_due(role)
        contract = self.contract(role)
        found = judge.error_type(contract, exchange)
        if found not in types or exchange.status not in statuses:
            return False
        modelled = judge.modelled_status(contract, found)
        return modelled is None or modelled == exchange.status or found in COMMON_CLIENT_ERRORS

    def due_text(self, role: str = "read") -> str:
        statuses, types = self.not_found_due(role)
        shown = sorted(types)
        more = f" (or another of {len(shown)} client errors)" if len(shown) > 3 else ""
        return f"{' or '.join(map(str, sorted(statuses)))[:60]} {' or '.join(shown[:3])}{more}"

    def expect_not_found(self, exchange: Exchange, property: str, requirement: str, case: str) -> None:
        __tracebackhide__ = True
        if not self.is_not_found(exchange):
            self.fail(property, requirement, exchange, summarize_error(exchange), case)

    def read_settled(self, made: Made, want_found: bool) -> Exchange:
        """The read of ``made``, looked at again (for at most ``SETTLE_SECONDS``, or while a 202 delete
        runs) until it is found (``want_found``) or not found."""
        __tracebackhide__ = True
        success = self.contract("read").success["status"]
        bound = SETTLE_SECONDS
        if not want_found and self.contract("delete").success["status"] == 202:
            bound = ACCEPTED_DELETE_SECONDS
        deadline = time.monotonic() + bound
        while True:
            got = self.read(made)
            settled = not self.is_not_found(got) if want_found else got.status != success
            if settled or time.monotonic() >= deadline:
                return got
            time.sleep(SETTLE_STEP)

    def going(self, exchange: Exchange) -> bool:
        """Whether a read answer shows a resource on its way out after a 202 delete: a status member
        (at the top or in the structure named after the noun) that says it is being deleted."""
        if self.contract("delete").success["status"] != 202:
            return False
        answer = parsed(self.resource.service, self.resource.operations["read"], exchange) or {}
        places = [answer, *(v for k, v in answer.items() if isinstance(v, dict) and k.lower() ==
                            self.resource.noun.lower())]  # fmt: skip
        for place in places:
            for name, value in place.items():
                if "status" in name.lower() and isinstance(value, str | dict):
                    text = value if isinstance(value, str) else str(value.get("statusCode", ""))
                    if _GOING.search(text):
                        return True
        return False

    def expect_read_back(self, made: Made) -> None:
        """The read of a resource just made answers the read's success, and every member the create took
        and the read answers reads as the create sent it."""
        __tracebackhide__ = True
        case = f"{self.resource.operations['read']} of what {self.resource.create} just made"
        got = self.read_settled(made, want_found=True)
        success = self.contract("read").success["status"]
        try:
            if got.status != success:
                self.fail(
                    "resource.read.status",
                    f"{self.resource.operations['read']} of a resource a create made answers {success}",
                    got,
                    summarize_error(got),
                    case,
                )
            answer = parsed(self.resource.service, self.resource.operations["read"], got)
            if answer is None:
                self.fail("resource.read.status", "the read's answer is one botocore reads", got,
                          "botocore cannot read it", case)  # fmt: skip
            shape = operation_model(self.resource.service, self.resource.create).input_shape
            for create_path, read_path in self.resource.shared:
                name = create_path[0]
                if name in self.not_compared or name not in made.params:
                    continue
                answered = answer
                for step in read_path:
                    answered = answered.get(step) if isinstance(answered, dict) else None
                if answered is None:
                    continue  # not answered: an optional member a read may leave out
                difference = first_difference(shape.members[name], made.params[name], answered, name)
                if difference is not None:
                    where, sent, read = difference
                    self.fail(
                        f"resource.read.{name}",
                        f"{self.resource.operations['read']} answers {where} as {self.resource.create} "
                        f"took it: {shown(sent)}",
                        got,
                        f"it answers {shown(read)}",
                        case,
                    )
        except ConformanceFailure as failure:
            failure.add_note("Created by:\n  " + to_curl(made.exchange))
            raise

    def expect_deleted(self, made: Made) -> None:
        """The delete of a resource just made answers the delete's success; the read then answers the
        modelled not-found error; and the list no longer lists it."""
        __tracebackhide__ = True
        delete = self.resource.operations["delete"]
        case = f"{delete} of what {self.resource.create} just made, then {self.resource.operations['read']}"
        success = self.contract("delete").success["status"]
        deleted = self.delete(made)
        if not 200 <= deleted.status < 300:
            self.fail("resource.delete.status", f"{delete} of a resource a create made answers {success}",
                      deleted, summarize_error(deleted), case)  # fmt: skip
        got = self.read_settled(made, want_found=False)
        if not self.is_not_found(got) and not (got.status < 300 and self.going(got)):
            self.fail(
                "resource.delete.gone",
                f"{self.resource.operations['read']} of a resource {delete} removed answers "
                f"{self.due_text()}",
                got,
                summarize_error(got) + f" (after waiting up to {SETTLE_SECONDS:g} s for the store to settle)",
                case,
            )
        if self.resource.has("list") and self.target.resource_support.get("list") is None:
            wanted = resource_id(self.resource, made)
            walk = self.walk_until(made, self.largest_page(), lambda w: w.ids.count(wanted) == 0)
            if walk.complete and wanted in walk.ids and not self.listed_going(made):
                self.fail(
                    "resource.delete.unlisted",
                    f"a resource {delete} removed is no longer listed by {self.resource.operations['list']}",
                    walk.last,
                    f"{shown(wanted)} is still listed (after up to {SETTLE_SECONDS:g} s)",
                    case,
                )
        if deleted.status != success:
            self.fail("resource.delete.status", f"{delete} answers {success}, as the model's responseCode",
                      deleted, f"it answered {deleted.status} (and the resource is gone)", case)  # fmt: skip

    def listed_going(self, made: Made) -> bool:
        """A resource still listed after a 202 delete whose read says it is on its way out."""
        if self.contract("delete").success["status"] != 202:
            return False
        got = self.read(made)
        return got.status < 300 and self.going(got)

    # -- lists -----------------------------------------------------------------------------------------
    def walk(self, made: Made | None, size: int | None) -> Walk:
        """Every item's id of the list, page by page with ``size`` a page, each page no longer than asked
        and each token leading on, for at most ``MAX_PAGES`` pages."""
        __tracebackhide__ = True
        paging = self.resource.paging
        assert paging is not None
        listing = self.resource.operations["list"]
        case = f"{listing} in pages of {size}" if size else f"{listing}, every page"
        ids: list[Any] = []
        tokens: set[Any] = set()
        token = None
        exchange: Exchange | None = None
        first_unreadable: Exchange | None = None
        success = self.contract("list").success["status"]
        for page in range(1, MAX_PAGES + 1):
            exchange = self.send("list", self.list_params(made, size, token) or {})
            if exchange.status != success:
                self.fail("resource.list.status", f"{listing} answers {success}", exchange,
                          summarize_error(exchange), case)  # fmt: skip
            answer = parsed(self.resource.service, listing, exchange)
            if answer is None:
                # No SDK reads this page; its JSON is walked as it is, and the paging check says so.
                first_unreadable = first_unreadable or exchange
                raw = exchange.json()
                answer = raw if isinstance(raw, dict) else {}
            items = dig(answer, paging.result_key)
            items = items if isinstance(items, list) else []
            if size is not None and len(items) > size:
                self.fail("resource.list.limit", f"a page of {listing} holds at most {paging.limit_key}="
                          f"{size} items", exchange, f"page {page} holds {len(items)}", case)  # fmt: skip
            for item in items:
                ids.append(item.get(self.resource.item_key) if isinstance(item, dict) else item)
            token = answer.get(paging.output_token)
            if not token:
                return Walk(ids, page, exchange, True, first_unreadable)
            if token in tokens:
                self.fail("resource.list.ends", f"paging through {listing} ends: each token leads on",
                          exchange, f"page {page} gives a token an earlier page gave", case)  # fmt: skip
            tokens.add(token)
        assert exchange is not None
        return Walk(ids, MAX_PAGES, exchange, False, first_unreadable)

    def walk_until(self, made: Made | None, size: int | None, good: Any) -> Walk:
        """``walk``, walked again (for at most ``SETTLE_SECONDS``) until ``good(walk)``: a store that
        settles, or pages that moved while other clients wrote."""
        __tracebackhide__ = True
        deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            walk = self.walk(made, size)
            if not walk.complete or good(walk) or time.monotonic() >= deadline:
                return walk
            time.sleep(SETTLE_STEP)

    def page_sizes(self, made: Made, sizes: list[int]) -> list[int] | str:
        """``sizes``, each raised where the collection holds so many items that pages of it would pass
        ``MAX_PAGES``; or why the collection cannot be walked at all (too many items for the largest page)."""
        largest = self.largest_page()
        walk = self.walk(made, largest)
        if not walk.complete:
            return f"the collection holds more than {MAX_PAGES} pages of {largest}: too many to walk"
        total = len(walk.ids) + 1
        wanted = [max(size, math.ceil(total / (MAX_PAGES - 1))) for size in sizes]
        return list(dict.fromkeys(min(size, largest or size) for size in wanted))

    def expect_every_page(self, made: list[Made], size: int) -> None:
        """Walked with ``size`` items a page, every page together lists each resource of ``made`` exactly
        once."""
        __tracebackhide__ = True
        listing = self.resource.operations["list"]
        wanted = [resource_id(self.resource, m) for m in made]
        case = f"{listing} in pages of {size} after {len(made)} creates"
        walk = self.walk_until(made[0], size, lambda w: all(w.ids.count(i) == 1 for i in wanted))
        if not walk.complete:
            return  # the collection grew past MAX_PAGES pages meanwhile: nothing to say of this walk
        for value in wanted:
            count = walk.ids.count(value)
            if count != 1:
                self.fail(
                    "resource.list.once",
                    f"walking every page of {listing} ({self.resource.paging.limit_key}={size}) lists each "
                    "resource the run created exactly once",
                    walk.last,
                    f"{shown(value)} is listed {count} times on the {walk.pages} pages ({len(walk.ids)} "
                    "items in all)",
                    case,
                )
        if walk.unreadable is not None:
            self.fail(
                "resource.list.readable",
                f"every page of {listing} is an answer botocore reads, as its output model says",
                walk.unreadable,
                f"botocore cannot read a page ({unreadable(self.resource.service, listing, walk.unreadable)})"
                "; read as plain JSON, the pages list each resource the run created once",
                case,
            )


# -- cleanup ---------------------------------------------------------------------------------------------
@dataclass
class CleanedUp:
    created: int
    deleted: int
    not_deleted: list[str]
    lost: list[str]


def clean_up(target: Any, resource: Resource, seconds: float = CLEANUP_SECONDS) -> CleanedUp:
    """Delete every resource this process made and did not delete, within ``seconds`` in all."""
    checks = ResourceChecks(target, resource, "cleanup")
    deadline = time.monotonic() + seconds
    deleted, not_deleted, lost = 0, [], []
    made = list(target.made)
    for one in made:
        if one.deleted:
            deleted += 1
            continue
        name = str(resource_id(resource, one))
        if time.monotonic() >= deadline or target.stopped is not None:
            not_deleted.append(name)
            continue
        try:
            exchange = checks.delete(one)
        except Exception:  # noqa: BLE001 - a transport failure: left, and said so
            not_deleted.append(name)
            continue
        if 200 <= exchange.status < 300:
            deleted += 1
        else:
            not_deleted.append(name)
            if checks.is_not_found(exchange, "delete"):
                lost.append(name)
    return CleanedUp(len(made), deleted, not_deleted, lost)
