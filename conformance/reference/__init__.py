"""The embedded reference implementation of CreateIntegrationWorkflow: the suite's default target.

It answers exactly as the contract in ``spec/`` says, so a run against it must pass, and its
behaviour lives in ``ReferenceService``'s small methods, so a broken variant for the suite's own
tests is a subclass that overrides one of them::

    from conformance.reference import ReferenceService, start_server

    with start_server(ReferenceService(domains=["my-domain"])) as server:
        ...  # server.url, server.port

Any other restJson1 operation is served by ``OperationService(load_operation("scheduler:CreateSchedule"))``
through the same ``start_server``: its request read by the model's bindings (``operation_parse``, each
scalar by ``operation_scalars``), judged by its constraints (``operation_checks``), answered with a
conforming output (``operation_answers``).

One role per module: ``service`` (CreateIntegrationWorkflow and the decisions and answers every
operation shares), ``lifecycle`` (ListWorkflows, GetWorkflow, DeleteWorkflow and the store they read),
``shapes`` (botocore's shapes of the lifecycle inputs, judged), ``routing`` (the model's method and
``requestUri`` of each operation, matched), ``server`` (HTTP framing, limits and writing) and
``messages`` (what passes between the plumbing and the service).
"""

from conformance.reference.operation import OperationService
from conformance.reference.server import ReferenceHTTPServer, RunningServer, start_server
from conformance.reference.service import HttpRequest, ReferenceService, Reply, WorkflowRecord

__all__ = [
    "HttpRequest",
    "OperationService",
    "ReferenceHTTPServer",
    "ReferenceService",
    "Reply",
    "RunningServer",
    "WorkflowRecord",
    "start_server",
]
