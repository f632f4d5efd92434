"""The embedded reference for a create and the operations around what it makes (``spec.resources``): the
create stores what it was asked for, the read answers from the store, the list pages through it, the
delete removes from it.

``ResourceService(contract, resource)`` is an ``OperationService`` for the create that also serves the
read, list and delete of its resource, each read, judged and answered by its own model (an
``OperationService`` per operation: a malformed id gets that operation's validation error):

* the create answers as ``OperationService`` does, with a fresh value (within its output member's and
  each reading operation's constraints) wherever the create's answer names the resource (``channel.arn``,
  ``workspaceId``), and stores the request's members with that answer under the resource's identity (the
  read's required identifiers); a create of an identity already stored replaces it (an upsert: the
  suite's own valid requests reuse names);
* the read answers its modelled output with the stored members the create took (``shared``), the
  identifiers, and the create's answer members of the same name;
* the list answers its items in the order they were stored, ``limit`` a page, each token naming the last
  item of its page by a sequence number, so a page is never skipped or repeated when items come or go;
  an unknown token is the list's validation error;
* the delete removes; an identity nobody stored is the operation's modelled not-found error
  (``ResourceNotFoundException``, 404, where it models one).

The flagship's own lifecycle (``conformance.reference.lifecycle``) is apart and untouched.
"""

from __future__ import annotations

import copy
import itertools
import threading
from dataclasses import dataclass
from typing import Any

from conformance.reference.messages import REQUEST_ID_HEADER, HttpRequest, Reply
from conformance.reference.operation import OperationService, _split_target, query_pairs
from conformance.reference.operation_answers import as_read, serialize_output
from conformance.spec.contract import Contract, ErrorSpec
from conformance.spec.operation import load_operation
from conformance.spec.paths import item_of
from conformance.spec.resources import Resource, resource
from conformance.spec.validation import Violation

ROLES = ("read", "list", "delete")
DEFAULT_PAGE = 100  # a list's page where the request names no limit and the model gives no maximum
_TOKEN_PREFIX = "after-"


@dataclass
class Stored:
    values: dict[str, Any]  # the create's input as read
    output: dict[str, Any]  # the create's answer
    sequence: int


def serves_resource(contract: Contract) -> Resource | None:
    """The resource ``contract``'s create makes, where the model gives it a read and a delete."""
    try:
        found = resource(contract.service, contract.operation)
    except Exception:  # noqa: BLE001 - no create or put, or a contract botocore does not hold
        return None
    return found if found.has("read") and found.has("delete") else None


def operation_service(contract: Contract, **options: Any) -> OperationService:
    """The embedded reference of ``contract``'s operation: with the store of its resource where it
    creates one that can be read and deleted."""
    found = serves_resource(contract)
    if found is None:
        return OperationService(contract, **options)
    return ResourceService(contract, found, **options)


class ResourceService(OperationService):
    """A create and the read, list and delete of what it makes, over one store."""

    def __init__(self, contract: Contract, resource: Resource, **options: Any) -> None:
        super().__init__(contract, **options)
        self.resource = resource
        self.roles: dict[str, OperationService] = {}
        for role in ROLES:
            if resource.has(role):
                other = load_operation(f"{resource.service}:{resource.operations[role]}")
                self.roles[role] = OperationService(other, **options)
        self.store: dict[tuple[Any, ...], Stored] = {}
        self._lock = threading.Lock()
        self._sequence = itertools.count(1)
        self._required = [i for i in resource.identifiers["read"] if not i.optional]

    # -- routing -----------------------------------------------------------------------------------------
    def dispatch(self, request: HttpRequest) -> Reply:
        path, query = _split_target(request.path)
        pairs = query_pairs(query)
        mine = self.template.labels(path) is not None and request.method == self.contract.method
        if not mine:
            for role, service in self.roles.items():
                labels = service.template.labels(path)
                if labels is None or request.method != service.contract.method:
                    continue
                if not service.template.query_fits(pairs):
                    continue
                return self.serve(role, service, request, labels, pairs)
        return super().dispatch(request)

    def serve(
        self,
        role: str,
        service: OperationService,
        request: HttpRequest,
        labels: dict[str, str],
        pairs: list[tuple[str, str]],
    ) -> Reply:
        values = service.valid_values(request, labels, pairs)
        return values if isinstance(values, Reply) else getattr(self, f"answer_{role}")(service, values)

    # -- the create --------------------------------------------------------------------------------------
    def success(self, values: dict[str, Any]) -> Reply:
        output = self.minted(self.output_builder.output(values, self.input_members))
        self.remember(values, output)
        status, headers, body = serialize_output(self.contract, output, self.contract.success["status"])
        return Reply(status, {**headers, REQUEST_ID_HEADER: self.new_request_id()}, body)

    def minted(self, output: dict[str, Any]) -> dict[str, Any]:
        """The create's answer with a fresh value wherever it names the resource."""
        from conformance.strategies.operation.unique import unique_text

        output = copy.deepcopy(output)
        for identifier in self.resource.identifiers["read"]:
            if identifier.source != "output":
                continue
            members = [self.contract.member("Response." + ".".join(identifier.path))]
            for role, service in self.roles.items():
                for other in self.resource.identifiers.get(role, ()):
                    if other.source == "output" and other.path == identifier.path:
                        members.append(service.contract.member(other.member))
            if any(member.type != "string" for member in members):
                continue
            node = output
            for step in identifier.path[:-1]:
                node = node.setdefault(step, {})
            base = node.get(identifier.path[-1])
            if base is None:
                from conformance.reference.operation_answers import default_canonical

                try:
                    base = default_canonical()(self.contract, members[0].path)
                except Exception:  # noqa: BLE001 - CannotDraw: the token alone, if it fits
                    base = ""
            fresh = unique_text(members, str(base))
            if fresh is not None:
                node[identifier.path[-1]] = fresh
        return output

    def identity(self, values: dict[str, Any], output: dict[str, Any]) -> tuple[Any, ...] | None:
        key = tuple(identifier.value(values, output) for identifier in self._required)
        return None if any(part is None for part in key) else key

    def remember(self, values: dict[str, Any], output: dict[str, Any]) -> None:
        key = self.identity(values, output)
        if key is None:
            return
        with self._lock:
            self.store.pop(key, None)  # an upsert goes to the end of the list
            self.store[key] = Stored(copy.deepcopy(values), output, next(self._sequence))

    def looked_up(self, values: dict[str, Any]) -> tuple[tuple[Any, ...], Stored | None]:
        key = tuple(values.get(identifier.member) for identifier in self._required)
        with self._lock:
            return key, self.store.get(key)

    # -- the read ----------------------------------------------------------------------------------------
    def answer_read(self, service: OperationService, values: dict[str, Any]) -> Reply:
        key, stored = self.looked_up(values)
        if stored is None:
            return self.not_found(service, key)
        return self.answer(service, self.described(service, stored))

    def described(self, service: OperationService, stored: Stored) -> dict[str, Any]:
        """The read's output for ``stored``: its canonical output with the stored members in place."""
        output = copy.deepcopy(service.output_builder.canonical)
        noun = next((name for name in output if name.lower() == self.resource.noun.lower()), None)
        places: list[tuple[str, ...]] = [()] + ([(noun,)] if noun else [])
        for create_path, read_path in self.resource.shared:
            if create_path[0] in stored.values:
                self._put(service, output, read_path, stored.values[create_path[0]])
        for identifier in self.resource.identifiers["read"]:
            value = identifier.value(stored.values, stored.output)
            if value is not None:
                for place in places:
                    self._put(service, output, (*place, identifier.member), value, only_known=True)
        for place in places:
            answered = stored.output
            for step in place:
                answered = answered.get(step) if isinstance(answered, dict) else None
            if isinstance(answered, dict):
                for name, value in answered.items():
                    self._put(service, output, (*place, name), value, only_known=True)
        return output

    def _put(
        self,
        service: OperationService,
        output: dict[str, Any],
        path: tuple[str, ...],
        value: Any,
        *,
        only_known: bool = False,
    ) -> None:
        """Set ``value`` at ``path`` of the read's output where the read's model has that member and the
        value is valid there and travels unchanged."""
        member_path = "Response." + ".".join(path)
        if member_path not in service.contract.members:
            return
        member = service.contract.member(member_path)
        if only_known and member.type in ("structure", "union", "list", "map"):
            return
        if service.checker.violations(member_path, value) or not service.output_builder._travels(
            member, value
        ):
            return
        node = output
        for step in path[:-1]:
            node = node.setdefault(step, {})
            if not isinstance(node, dict):
                return
        node[path[-1]] = value

    # -- the list ----------------------------------------------------------------------------------------
    def answer_list(self, service: OperationService, values: dict[str, Any]) -> Reply:
        paging = self.resource.paging
        if paging is None:
            return self.answer(service, copy.deepcopy(service.output_builder.canonical))
        limit = values.get(paging.limit_key) if paging.limit_key else None
        if limit is None:
            largest = service.contract.member(paging.limit_key).get("maximum") if paging.limit_key else None
            limit = largest or DEFAULT_PAGE
        after = None
        token = values.get(paging.input_token)
        if token is not None:
            after = _sequence_of(token)
            if after is None:
                where = paging.input_token
                return service.validation_error(
                    [Violation(where, "the token is not one this list gave", where)]
                )
        items = [s for s in self.listing(values) if after is None or self.comes_after(s, after)]
        page, more = items[:limit], len(items) > limit
        output = copy.deepcopy(service.output_builder.canonical)
        output[paging.result_key] = [self.item(service, stored) for stored in page]
        output.pop(paging.output_token, None)
        if more:
            output[paging.output_token] = f"{_TOKEN_PREFIX}{page[-1].sequence}"
        return self.answer(service, output)

    def listing(self, values: dict[str, Any]) -> list[Stored]:
        """What the list asked for holds, in the list's order: the order of the creates."""
        with self._lock:
            return [stored for stored in self.store.values() if self._in_list(values, stored)]

    def comes_after(self, stored: Stored, sequence: int) -> bool:
        """Whether ``stored`` comes after the item of ``sequence`` (the last of the page before) in the
        list's order: a token names the last item shown, so items that come or go move no page's edge."""
        return stored.sequence > sequence

    def _in_list(self, values: dict[str, Any], stored: Stored) -> bool:
        """Whether ``stored`` belongs in the list asked for: the list's required identifiers (a parent's
        id) are the ones it was made under."""
        for identifier in self.resource.identifiers.get("list", ()):
            asked = values.get(identifier.member)
            if asked is not None and identifier.value(stored.values, stored.output) != asked:
                return False
        return True

    def item(self, service: OperationService, stored: Stored) -> Any:
        """A listed item of ``stored``: the identifier where the items are identifiers; else the item's
        canonical value with the identifier and the stored members of the same names in place."""
        paging = self.resource.paging
        assert paging is not None
        key = self.resource.item_key
        own = self._required[-1].value(stored.values, stored.output) if self._required else None
        path = item_of(f"Response.{paging.result_key}")
        if not key:
            return own
        from conformance.reference.operation_answers import default_canonical

        item = as_read(service.contract, path, default_canonical()(service.contract, path))
        item = item if isinstance(item, dict) else {}
        item[key] = own
        described = self.described(self.roles["read"], stored)
        noun = next((name for name in described if name.lower() == self.resource.noun.lower()), None)
        sources = [described, described.get(noun, {}) if noun else {}]
        for member in service.contract.children(path):
            if member.name == key:
                continue
            for source in sources:
                if isinstance(source, dict) and member.name in source:
                    value = source[member.name]
                    if not service.checker.violations(member.path, value):
                        item[member.name] = value
                    break
        if service.checker.violations(path, item):
            item = {key: own}
        return item

    # -- the delete --------------------------------------------------------------------------------------
    def answer_delete(self, service: OperationService, values: dict[str, Any]) -> Reply:
        key = tuple(values.get(identifier.member) for identifier in self._required)
        with self._lock:
            stored = self.store.pop(key, None)
        if stored is None:
            return self.not_found(service, key)
        return self.answer(service, copy.deepcopy(service.output_builder.canonical))

    # -- answers -----------------------------------------------------------------------------------------
    def answer(self, service: OperationService, output: dict[str, Any]) -> Reply:
        status, headers, body = serialize_output(service.contract, output, service.contract.success["status"])
        return Reply(status, {**headers, REQUEST_ID_HEADER: self.new_request_id()}, body)

    def not_found_error(self, service: OperationService) -> ErrorSpec:
        """The operation's modelled not-found error, else the read's, else a 404
        ``ResourceNotFoundException``."""
        for contract in (service.contract, self.roles["read"].contract):
            for error in contract.errors:
                if ("NotFound" in error.name or "NoSuch" in error.name) and 400 <= error.status < 500:
                    return error
        return ErrorSpec("ResourceNotFoundException", 404, "")

    def not_found(self, service: OperationService, key: tuple[Any, ...]) -> Reply:
        error = self.not_found_error(service)
        shown = ", ".join(str(part)[:100] for part in key)
        message = f"{self.resource.noun} {shown} does not exist."
        return service.error_response(error.status, error.code or error.name, message)


def _sequence_of(token: Any) -> int | None:
    if not isinstance(token, str) or not token.startswith(_TOKEN_PREFIX):
        return None
    digits = token[len(_TOKEN_PREFIX) :]
    return int(digits) if digits.isdigit() and len(digits) < 19 else None
