"""Any restJson1 operation of any AWS service, by name: ``SERVICE:OPERATION`` (the service as botocore
names it, ``scheduler:CreateSchedule``), its contract derived from the installed botocore's model with the
same walk, ids and kinds as the flagship's (``spec.botocore_model``).

The flagship, ``customer-profiles:CreateIntegrationWorkflow``, keeps its pinned, drift-tested
``contract.json`` with its provenance, notes and page differences; every other operation is read from the
model at run time.  A name that does not resolve is an ``OperationError`` whose message says why in one
line and names the nearest names there are.
"""

from __future__ import annotations

import difflib
import gc
import os
from functools import cache
from typing import Any

from conformance.spec.botocore_model import OPERATION, SERVICE, model_contract
from conformance.spec.contract import Contract, load_contract

FLAGSHIP = f"{SERVICE}:{OPERATION}"
PROTOCOL = "rest-json"


class OperationError(ValueError):
    """An operation name the suite cannot serve, with the reason in one line."""


def parse_operation(name: str) -> tuple[str, str]:
    """``SERVICE:OPERATION`` split in two, or an OperationError that shows the form."""
    service, sep, operation = name.strip().partition(":")
    if not sep or not service or not operation:
        raise OperationError(
            f"--operation {name!r}: expected SERVICE:OPERATION, the service as botocore names it "
            f"(for example {FLAGSHIP} or scheduler:CreateSchedule)"
        )
    return service, operation


@cache
def _loader() -> Any:
    """botocore's loader of its models, the one a botocore session reads them with.  Without a session
    where none would tell it more: a session's loader takes an extra data path from ``AWS_DATA_PATH`` or
    the shared config file, and otherwise is this very loader; a session costs a run of a small operation
    a twentieth of its time (importing ``botocore.session``, ``botocore.client`` and their handlers, and
    setting them up), for nothing that reading a model needs."""
    import botocore.loaders

    config = os.environ.get("AWS_CONFIG_FILE", "~/.aws/config")
    if "AWS_DATA_PATH" in os.environ or os.path.exists(os.path.expanduser(config)):
        import botocore.session

        return botocore.session.get_session().get_component("data_loader")
    return botocore.loaders.create_loader()


def _load_model(service: str) -> Any:
    """botocore's ``ServiceModel`` of ``service``, as ``Session.get_service_model`` builds it;
    ``UnknownServiceError`` when there is none."""
    import botocore.model

    return botocore.model.ServiceModel(_loader().load_service_model(service, "service-2"), service)


def paginator_model(service: str) -> Any:
    """botocore's ``PaginatorModel`` of ``service``, as ``Session.get_paginator_model`` builds it;
    ``DataNotFoundError`` when the service pages nothing."""
    import botocore.paginate

    return botocore.paginate.PaginatorModel(_loader().load_service_model(service, "paginators-1"))


def _available_services() -> list[str]:
    return _loader().list_available_services("service-2")


@cache
def rest_json_services() -> tuple[str, ...]:
    """Every service of the installed botocore whose protocol is restJson1."""
    return tuple(
        name for name in _available_services() if _load_model(name).metadata.get("protocol") == PROTOCOL
    )


@cache
def service_model(service: str) -> Any:
    """botocore's model of ``service``, or an OperationError naming the nearest services."""
    import botocore
    import botocore.exceptions

    try:
        model = _load_model(service)
    except botocore.exceptions.UnknownServiceError:
        near = difflib.get_close_matches(service, _available_services(), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise OperationError(f"no service {service!r} in botocore {botocore.__version__}{hint}") from None
    protocol = model.metadata.get("protocol")
    if protocol != PROTOCOL:
        raise OperationError(
            f"{service} speaks {protocol}, not restJson1: the suite reads restJson1 operations only"
        )
    return model


def operation_model(service: str, operation: str) -> Any:
    """botocore's OperationModel, or an OperationError naming the nearest operations."""
    model = service_model(service)
    if operation not in model.operation_names:
        near = difflib.get_close_matches(operation, model.operation_names, n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise OperationError(f"{service} has no operation {operation!r}{hint}")
    return model.operation_model(operation)


@cache
def load_operation(name: str = FLAGSHIP) -> Contract:
    """The contract of ``SERVICE:OPERATION``: the flagship's pinned one, or one derived from the model."""
    service, operation = parse_operation(name)
    if f"{service}:{operation}" == FLAGSHIP:
        return load_contract()
    op = operation_model(service, operation)
    # The largest models (quicksight's definitions: some 55,000 member paths) make the collector scan the
    # whole heap over and over while the records are built; nothing built here holds a cycle.
    collecting = gc.isenabled()
    gc.disable()
    try:
        data = model_contract(op.service_model, operation)
        data["success"] = {"status": int(op.http.get("responseCode", 200))}
        return Contract(data)
    finally:
        if collecting:
            gc.enable()


def is_flagship(contract: Contract) -> bool:
    return f"{contract.service}:{contract.operation}" == FLAGSHIP


def rest_json_operations() -> list[str]:
    """Every ``SERVICE:OPERATION`` of restJson1 in the installed botocore (some ten thousand)."""
    return [
        f"{service}:{operation}"
        for service in rest_json_services()
        for operation in service_model(service).operation_names
    ]
