"""Mutants of the model-driven reference's resource store (``conformance.reference.resource_store``): a
target that validates every create and answers the modelled output, but reads back, deletes or pages
wrong; and variants that are correct in ways a check must not hold against them.

Written from how emulators of a create/read/list/delete API commonly go wrong, not from what the resource
properties send: a read handler that looks the resource up by the wrong key (the first row of the table),
a read that answers the model's defaults for what the create took, a handler stub that answers an id it
does not know, a delete that answers success and keeps the row (a soft delete no query honours), and
paging code one item off at each page's edge.  Each is the reference with one method overridden, and
names in ``breaks`` the one property a resource check must name; ``tests/test_zoo_resources.py`` shows
each deviation by direct SDK calls and runs the suite against it.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.reference.messages import Reply
from conformance.reference.operation import OperationService
from conformance.reference.resource_store import ResourceService, Stored
from conformance.spec.operation import load_operation
from conformance.spec.resources import resource

SCHEDULER = "scheduler:CreateSchedule"
CHANNELS = "ivs:CreateChannel"


def scheduler(kind: type[ResourceService]) -> Callable[[], ResourceService]:
    def build() -> ResourceService:
        return kind(load_operation(SCHEDULER), resource("scheduler", "CreateSchedule"))

    return build


def channels(kind: type[ResourceService]) -> Callable[[], ResourceService]:
    def build() -> ResourceService:
        return kind(load_operation(CHANNELS), resource("ivs", "CreateChannel"))

    return build


@dataclass(frozen=True)
class ResourceMutant:
    name: str
    breaks: str  # the resource property a failure must name
    test: str  # the test that must fail
    service: Callable[[], ResourceService]
    operation: str = SCHEDULER


# -- the read answers wrong -------------------------------------------------------------------------------
class ReadsTheFirstRow(ResourceService):
    """Looks the resource up with a query that lost its WHERE clause: the first resource stored."""

    def answer_read(self, service: OperationService, values: dict[str, Any]) -> Reply:
        key, stored = self.looked_up(values)
        if stored is None:
            return self.not_found(service, key)
        with self._lock:
            first = next(iter(self.store.values()))
        return self.answer(service, self.described(service, first))


class ReadsDefaults(ResourceService):
    """Answers the model's defaults for the members the create took: a read handler built from the
    documentation's example, which stores only the name."""

    def described(self, service: OperationService, stored: Stored) -> dict[str, Any]:
        kept = {name: value for name, value in stored.values.items() if name in ("Name", "GroupName")}
        return super().described(service, Stored(kept, stored.output, stored.sequence))


class AnswersAnyId(ResourceService):
    """Answers every read, an id nobody made too, with the canonical output: a stub never wired to its
    store for ids it does not know."""

    def not_found(self, service: OperationService, key: tuple[Any, ...]) -> Reply:
        if service is self.roles["read"]:
            return self.answer(service, copy.deepcopy(service.output_builder.canonical))
        return super().not_found(service, key)


# -- the delete answers wrong -------------------------------------------------------------------------------
class DeleteKeepsIt(ResourceService):
    """Answers the delete's success and keeps the resource: a soft delete that sets a flag no read honours."""

    def answer_delete(self, service: OperationService, values: dict[str, Any]) -> Reply:
        key, stored = self.looked_up(values)
        if stored is None:
            return self.not_found(service, key)
        return self.answer(service, copy.deepcopy(service.output_builder.canonical))


# -- the list pages wrong ---------------------------------------------------------------------------------
class LaterPagesSkipTheirFirst(ResourceService):
    """Each page after the first starts one item too far (``OFFSET token + 1``): its first item is listed
    on no page."""

    def answer_list(self, service: OperationService, values: dict[str, Any]) -> Reply:
        paging = self.resource.paging
        assert paging is not None
        token = values.get(paging.input_token)
        if isinstance(token, str) and token.startswith("after-") and token[6:].isdigit():
            with self._lock:
                later = [s.sequence for s in self.store.values() if s.sequence > int(token[6:])]
            if later:
                values = {**values, paging.input_token: f"after-{min(later)}"}
        return super().answer_list(service, values)


class EmptyTagsAsAnArray(ResourceService):
    """Writes a listed channel's empty tags as a JSON array: a serializer (PHP's ``json_encode``, a
    dict built as a list) that cannot tell an empty map from an empty list.  No SDK reads the page."""

    def answer_list(self, service: OperationService, values: dict[str, Any]) -> Reply:
        reply = super().answer_list(service, values)
        body = json.loads(reply.body)
        for item in body.get("channels", []):
            if not item.get("tags"):
                item["tags"] = []
        return Reply(reply.status, reply.headers, json.dumps(body).encode())


# -- correct, in ways a check must allow ---------------------------------------------------------------
SETTLES_AFTER = 0.5


class EventuallyConsistent(ResourceService):
    """Reads and lists show a resource only 0.5 s after its create, and a deleted one for 0.5 s after its
    delete: a store with replicas that catch up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visible_from: dict[int, float] = {}
        self.leaving: dict[tuple[Any, ...], tuple[Stored, float]] = {}
        self._moments = threading.Lock()

    def remember(self, values: dict[str, Any], output: dict[str, Any]) -> None:
        super().remember(values, output)
        key = self.identity(values, output)
        with self._lock:
            stored = self.store.get(key) if key is not None else None
        if stored is not None:
            with self._moments:
                self.visible_from[stored.sequence] = time.monotonic() + SETTLES_AFTER

    def _visible(self) -> dict[tuple[Any, ...], Stored]:
        now = time.monotonic()
        with self._lock:
            shown = {k: s for k, s in self.store.items() if self.visible_from.get(s.sequence, 0) <= now}
        with self._moments:
            for key, (stored, until) in list(self.leaving.items()):
                if until > now:
                    shown.setdefault(key, stored)
        return dict(sorted(shown.items(), key=lambda pair: pair[1].sequence))

    def looked_up(self, values: dict[str, Any]) -> tuple[tuple[Any, ...], Stored | None]:
        key = tuple(values.get(identifier.member) for identifier in self._required)
        return key, self._visible().get(key)

    def answer_delete(self, service: OperationService, values: dict[str, Any]) -> Reply:
        key = tuple(values.get(identifier.member) for identifier in self._required)
        with self._lock:
            stored = self.store.get(key)
        reply = super().answer_delete(service, values)
        if stored is not None and 200 <= reply.status < 300:
            with self._moments:
                self.leaving[key] = (stored, time.monotonic() + SETTLES_AFTER)
        return reply

    def listing(self, values: dict[str, Any]) -> list[Stored]:
        return [stored for stored in self._visible().values() if self._in_list(values, stored)]


class NewestFirst(ResourceService):
    """Lists the newest resource first, each token naming where its page ended: another order, pages
    that still hold each resource once."""

    def listing(self, values: dict[str, Any]) -> list[Stored]:
        return list(reversed(super().listing(values)))

    def comes_after(self, stored: Stored, sequence: int) -> bool:
        return stored.sequence < sequence


MUTANTS = [
    ResourceMutant(
        "a read of the first row",
        "resource.read",
        "test_a_created_resource_reads_back_as_created",
        scheduler(ReadsTheFirstRow),
    ),  # fmt: skip
    ResourceMutant(
        "a read of the defaults",
        "resource.read",
        "test_a_created_resource_reads_back_as_created",
        scheduler(ReadsDefaults),
    ),  # fmt: skip
    ResourceMutant(
        "any id found",
        "resource.unknown.not_found",
        "test_an_id_nobody_made_is_not_found",
        scheduler(AnswersAnyId),
    ),  # fmt: skip
    ResourceMutant(
        "a delete that keeps it",
        "resource.delete.gone",
        "test_a_deleted_resource_is_gone",
        scheduler(DeleteKeepsIt),
    ),  # fmt: skip
    ResourceMutant(
        "later pages skip their first",
        "resource.list.once",
        "test_every_page_lists_each_created_resource_once",
        scheduler(LaterPagesSkipTheirFirst),
    ),  # fmt: skip
    ResourceMutant(
        "empty tags as an array",
        "resource.list.readable",
        "test_every_page_lists_each_created_resource_once",
        channels(EmptyTagsAsAnArray),
        CHANNELS,
    ),
]
CORRECT = {"eventually consistent": scheduler(EventuallyConsistent), "newest first": scheduler(NewestFirst)}
