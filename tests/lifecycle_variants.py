"""Correct implementations of the workflow lifecycle that behave unlike the reference in ways the model
allows, each a subclass of the reference: the lifecycle properties must pass every one of them.

- a store that is eventually consistent: a new workflow shows in GetWorkflow and ListWorkflows half a
  second after its create, and a deleted one for half a second after its delete;
- a status that moves on by itself (NOT_STARTED, IN_PROGRESS, COMPLETE), its LastUpdatedAt with it;
- a list in another order: newest first;
- a domain that another client uses at the same time, creating and deleting workflows of its own.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from conformance.reference import ReferenceService, Reply, WorkflowRecord
from conformance.spec.validation import Violation
from tests.test_reference import VALID_BODY

LAG = 0.5  # seconds the eventually consistent store takes to show a create or a delete


class EventuallyConsistent(ReferenceService):
    """Writes go to the primary at once; reads come from a replica that is ``LAG`` behind it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._deleted_at: dict[tuple[str, str], float] = {}

    def _visible(self, record: WorkflowRecord) -> bool:
        now = time.time()
        deleted = self._deleted_at.get((record.domain, record.workflow_id))
        return record.created_at + LAG <= now and (deleted is None or now < deleted + LAG)

    def get_workflow(self, domain: str, workflow_id: str) -> Reply:
        with self._lock:
            record = self._workflows.get((domain, workflow_id))
        if record is not None and not self._visible(record):
            if not self.workflow_id_violations("GetWorkflow", workflow_id) and self.domain_exists(domain):
                return self.not_found(f"Workflow {workflow_id!r} does not exist in domain {domain!r}.")
        return super().get_workflow(domain, workflow_id)

    def delete_workflow(self, domain: str, workflow_id: str) -> Reply:
        key = (domain, workflow_id)
        if key in self._deleted_at:
            return self.not_found(f"Workflow {workflow_id!r} does not exist in domain {domain!r}.")
        with self._lock:
            record = self._workflows.get(key)
        reply = super().delete_workflow(domain, workflow_id)
        if reply.status == 200 and record is not None:
            # The replica still holds it: put it back, gone from the primary's point of view.
            with self._lock:
                self._deleted_at[key] = time.time()
                self._workflows[key] = record
        return reply

    def workflow_matches(self, record: WorkflowRecord, filters: dict[str, Any]) -> bool:
        return self._visible(record) and super().workflow_matches(record, filters)


_moment = threading.local()


class StatusMovesOn(ReferenceService):
    """Runs its flows: NOT_STARTED for 0.2 s, IN_PROGRESS until 0.6 s, then COMPLETE; LastUpdatedAt is the
    moment of the last step.  Each answer reads the clock once, so an item and the filter that chose it
    agree."""

    STEPS = ((0.0, "NOT_STARTED"), (0.2, "IN_PROGRESS"), (0.6, "COMPLETE"))

    def _now(self) -> float:
        return getattr(_moment, "now", None) or time.time()

    def _step(self, record: WorkflowRecord) -> tuple[float, str]:
        age = self._now() - record.created_at
        return max((step for step in self.STEPS if step[0] <= age), default=self.STEPS[0])

    def workflow_status(self, record: WorkflowRecord) -> str:
        return self._step(record)[1]

    def status_description(self, record: WorkflowRecord) -> str:
        return f"The flow is {self.workflow_status(record).lower().replace('_', ' ')}."

    def list_workflows(self, domain: str, content_type: str | None, query: str, raw_body: bytes) -> Reply:
        _moment.now = time.time()
        try:
            return super().list_workflows(domain, content_type, query, raw_body)
        finally:
            _moment.now = None

    def get_workflow(self, domain: str, workflow_id: str) -> Reply:
        _moment.now = time.time()
        try:
            return super().get_workflow(domain, workflow_id)
        finally:
            _moment.now = None

    def workflow_description(self, record: WorkflowRecord) -> dict[str, Any]:
        return {
            **super().workflow_description(record),
            "LastUpdatedAt": record.created_at + self._step(record)[0],
        }

    def list_item(self, record: WorkflowRecord) -> dict[str, Any]:
        return {**super().list_item(record), "LastUpdatedAt": record.created_at + self._step(record)[0]}


class NewestFirst(ReferenceService):
    """Lists the newest workflow first; a NextToken names the last workflow of its page."""

    def list_workflows(self, domain: str, content_type: str | None, query: str, raw_body: bytes) -> Reply:
        refused = self._refused_outright(domain, content_type)
        if refused is not None:
            return refused
        parameters, violations = self.list_query_violations(query)
        filters, more_violations = self.list_filter_violations(raw_body) if not violations else ({}, [])
        if violations or more_violations:
            return self.validation_error(violations or more_violations)
        if not self.domain_exists(domain):
            return self.domain_not_found(domain)
        token = parameters.get("NextToken")
        before = None if token is None else self.token_position(domain, filters, token)
        if token is not None and before is None:
            message = "was not issued by this service for this domain and these filters"
            return self.validation_error([Violation("ListWorkflows.NextToken.issued", message, "next-token")])
        with self._lock:
            records = [r for (d, _), r in self._workflows.items() if d == domain]
        chosen = [
            r
            for r in records
            if (before is None or r.sequence < before) and self.workflow_matches(r, filters)
        ]
        chosen.sort(key=lambda r: r.sequence, reverse=True)
        page = chosen[: self.page_size(parameters)]
        next_token = self.next_token(domain, filters, page[-1].sequence) if len(chosen) > len(page) else None
        return self.list_response([self.list_item(record) for record in page], next_token)


class SharedDomain(ReferenceService):
    """Another client works in the same domain all along: it creates a workflow every few milliseconds
    and deletes its older ones, keeping a few dozen (for at most ``LIFETIME`` seconds)."""

    LIFETIME = 300.0
    KEEP = 40

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._other_client = threading.Thread(target=self._busy, daemon=True)
        self._started = False

    def _busy(self) -> None:
        mine: list[str] = []
        (domain,) = tuple(self.domains)
        ends = time.monotonic() + self.LIFETIME
        while time.monotonic() < ends:
            workflow_id = uuid.uuid4().hex
            self.record_workflow(domain, workflow_id, dict(VALID_BODY))
            mine.append(workflow_id)
            if len(mine) > self.KEEP:
                with self._lock:
                    self._workflows.pop((domain, mine.pop(0)), None)
            time.sleep(0.005)

    def create_integration_workflow(self, domain: str, content_type: str | None, raw_body: bytes) -> Reply:
        if not self._started:
            self._started = True
            self._other_client.start()
        return super().create_integration_workflow(domain, content_type, raw_body)


VARIANTS: dict[str, type[ReferenceService]] = {
    "eventually consistent": EventuallyConsistent,
    "status moves on": StatusMovesOn,
    "newest first": NewestFirst,
    "a domain shared with another client": SharedDomain,
}
