"""Which operation a request names, by each operation's (method, ``requestUri``) in the model, and the
service method that answers it (``OPERATIONS``).

The bindings are read from ``spec/`` (CreateIntegrationWorkflow's from ``contract.json``, the lifecycle
operations' from ``lifecycle.json``, both derived from botocore's model), never spelled out here, and a
request path is matched against each template as a Smithy server matches it: the path is split at ``/``
first and each label percent-decoded on its own, so an encoded ``/`` stays inside its label; a literal
segment matches only as sent; the query string takes no part.  A template is tried before another of
the same method when it has more literal segments, as Smithy ranks them.

Two readings are the reference's own:

* a label takes an empty segment, except the last one: ``/domains//workflows`` is ListWorkflows of an
  empty DomainName, a request the contract refuses (400), while ``/domains/d/workflows/`` ends in ``/``
  as no template does, and names no operation rather than GetWorkflow of an empty WorkflowId;
* the path is matched for every method at once, so that the plumbing can answer 405 with the methods a
  path has (and 404 only for a path no template matches).  ``GET .../workflows/integrations`` is
  GetWorkflow of a workflow named "integrations", a malformed WorkflowId, as a Smithy router (method
  first, then path) routes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote

from conformance.reference.messages import Reply
from conformance.spec import Contract, Lifecycle

if TYPE_CHECKING:
    from conformance.reference.service import ReferenceService


class RoutedRequest(NamedTuple):
    """What an operation's service method takes from a request besides its URI labels."""

    content_type: str | None
    query: str
    body: bytes


# How a routed request reaches the service: one method per operation, with the names and signatures
# that mutants (subclasses of ReferenceService in the suite's own tests) override.
OPERATIONS: dict[str, Callable[[ReferenceService, dict[str, str], RoutedRequest], Reply]] = {
    "CreateIntegrationWorkflow": lambda service, labels, request: service.create_integration_workflow(
        labels["DomainName"], request.content_type, request.body
    ),
    "ListWorkflows": lambda service, labels, request: service.list_workflows(
        labels["DomainName"], request.content_type, request.query, request.body
    ),
    "GetWorkflow": lambda service, labels, request: service.get_workflow(
        labels["DomainName"], labels["WorkflowId"]
    ),
    "DeleteWorkflow": lambda service, labels, request: service.delete_workflow(
        labels["DomainName"], labels["WorkflowId"]
    ),
}


@dataclass(frozen=True)
class Label:
    """A ``{Name}`` segment of a template."""

    name: str


class RouteMatch(NamedTuple):
    operation: str
    labels: dict[str, str]  # label name -> percent-decoded value


@dataclass(frozen=True)
class Route:
    operation: str
    method: str
    segments: tuple[str | Label, ...]

    @classmethod
    def parse(cls, operation: str, method: str, uri: str) -> Route:
        """A template of whole-segment labels and literals; anything else (a greedy ``{Name+}``, a label
        inside a segment, a query) is refused, as this router could not match it."""
        segments: list[str | Label] = []
        for text in uri.split("/"):
            if text.startswith("{") and text.endswith("}") and text[1:-1].isidentifier():
                segments.append(Label(text[1:-1]))
            elif any(character in text for character in "{}?"):
                raise ValueError(f"{operation}'s requestUri {uri!r} has a part the reference can't route")
            else:
                segments.append(text)
        return cls(operation, method.upper(), tuple(segments))

    @property
    def literals(self) -> int:
        return sum(not isinstance(segment, Label) for segment in self.segments)

    def labels(self, sent: list[str]) -> dict[str, str] | None:
        """The decoded labels when the path's segments fit the template, else ``None``."""
        if len(sent) != len(self.segments):
            return None
        labels: dict[str, str] = {}
        for index, (segment, text) in enumerate(zip(self.segments, sent, strict=True)):
            if isinstance(segment, Label):
                if not text and index == len(sent) - 1:
                    return None
                labels[segment.name] = unquote(text)
            elif text != segment:
                return None
        return labels


class Router:
    """The routes of a set of operations, most literal segments first."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = tuple(sorted(routes, key=lambda route: -route.literals))

    @classmethod
    def from_model(cls, contract: Contract, lifecycle: Lifecycle) -> Router:
        """Every operation of the model, each of which must have a method in ``OPERATIONS``."""
        bindings = [(contract.operation, contract.method, contract.uri)]
        bindings += [(name, op.method, op.uri) for name, op in lifecycle.operations.items()]
        unserved = sorted({name for name, _, _ in bindings} - set(OPERATIONS))
        if unserved:
            raise ValueError(f"the model binds {', '.join(unserved)}, which the reference does not serve")
        return cls(Route.parse(*binding) for binding in bindings)

    def match(self, path: str) -> dict[str, RouteMatch] | None:
        """The operation at ``path`` for each method that has one; ``None`` for a path none serves."""
        sent = path.split("/")
        found: dict[str, RouteMatch] = {}
        for route in self.routes:
            labels = route.labels(sent) if route.method not in found else None
            if labels is not None:
                found[route.method] = RouteMatch(route.operation, labels)
        return found or None
