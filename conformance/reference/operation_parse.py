"""Read a restJson1 request as the model binds it: every input member from its URI label, query key,
header, prefix of headers, payload or JSON body member, converted to its type.

The result is the operation's input as a caller would have written it for an SDK: a dict of member name
to value, strings as ``str``, blobs as ``bytes``, timestamps as epoch seconds (a number: a date library's
range would refuse valid timestamps past year 9999), lists, maps and structures as lists and dicts keyed
by member name.  A value that cannot be read as its type is an ``Unreadable`` naming the broken
``<path>.type`` constraints: Smithy's server frameworks answer those 400 ``SerializationException``
before any validation, so nothing here judges lengths, patterns or required members
(``conformance.reference.operation_checks`` does).
"""

from __future__ import annotations

from collections.abc import Iterable
from email.message import Message
from typing import Any

from conformance.reference.operation_scalars import (
    Unfit,
    json_name,
    read_json_scalar,
    read_text,
    split_header_list,
)
from conformance.spec.contract import Contract, Member
from conformance.spec.paths import item_of, value_of
from conformance.spec.types import timestamp_format
from conformance.spec.validation import InvalidJSON, Violation, parse_json


def header_prefix(contract: Contract, member: Member) -> str:
    """The prefix of a map bound to headers: every header that starts with it is an entry.  The model may
    name none (``""``: every header), which the contract's ``wire_name`` cannot tell from no name at all,
    so botocore's model is asked."""
    if member.wire_name:
        return member.wire_name
    try:
        from conformance.spec.operation import operation_model

        op = operation_model(contract.service, contract.operation)
        shape = op.output_shape if member.path.startswith("Response") else op.input_shape
        return shape.members[member.name].serialization.get("name", member.name)
    except Exception:  # noqa: BLE001 - a contract botocore does not hold: the member's own name
        return member.name


class Unreadable(Exception):
    """Values that cannot be read as their types: the request is answered ``SerializationException``."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(str(v) for v in violations))
        self.violations = violations


class RequestReader:
    """Reads the input members of one operation from a request's parts."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.top = contract.children("Body")
        self.payload = next((m for m in self.top if m.location == "payload"), None)
        self.body_members = [m for m in self.top if m.location == "body"]
        # A query map takes every key no other query member binds (botocore spreads a map's entries so).
        self.query_keys = {m.on_the_wire for m in self.top if m.location == "querystring" and m.type != "map"}

    @property
    def json_body(self) -> bool:
        """Whether the request body is a JSON object: body members, or a structure payload."""
        if self.payload is not None:
            return self.payload.type in ("structure", "union", "document")
        return bool(self.body_members)

    def read(
        self,
        labels: dict[str, str],
        query: Iterable[tuple[str, str]],
        headers: Message,
        body: bytes,
        literal_query: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """The input as member name -> value; ``Unreadable`` lists every value that is not its type;
        ``literal_query`` are the requestUri's own query keys, which no member reads."""
        values: dict[str, Any] = {}
        faults: list[Violation] = []
        pairs = [(key, value) for key, value in query if key not in literal_query]
        for member in self.top:
            try:
                found = self._member(member, labels, pairs, headers)
            except Unfit as fault:
                faults.append(Violation(f"{member.path}.type", str(fault), member.path))
                continue
            if found is not None:
                values[member.name] = found
        if self.payload is not None:
            found = self._payload(self.payload, body, faults)
            if found is not None:
                values[self.payload.name] = found
        elif self.body_members:
            document = self._json_object(body, faults)
            for member in self.body_members:
                item = document.get(member.on_the_wire)
                if item is not None:
                    found = self.json_value(member, item, member.path, faults)
                    if found is not None:
                        values[member.name] = found
        if faults:
            raise Unreadable(faults)
        return values

    # -- bindings outside the body ----
    def _member(
        self, member: Member, labels: dict[str, str], query: list[tuple[str, str]], headers: Message
    ) -> Any:
        if member.location == "uri":
            text = labels.get(member.on_the_wire)
            return None if text is None else read_text(member, text)
        if member.location == "querystring":
            return self._query(member, query)
        if member.location == "header":
            sent = headers.get_all(member.on_the_wire) or []
            if member.on_the_wire.lower() == "accept-encoding" and sent == ["identity"]:
                # What an HTTP client sends on its own (botocore always does): "no coding", not a value.
                return None
            return None if not sent else self._header(member, ", ".join(sent))
        if member.location == "headers":
            prefix = header_prefix(self.contract, member).lower()
            value_member = self.contract.member(value_of(member.path))
            found = {
                name[len(prefix) :]: read_text(value_member, text, "header")
                for name, text in headers.items()
                if name.lower().startswith(prefix)
            }
            return found or None
        return None

    def _query(self, member: Member, query: list[tuple[str, str]]) -> Any:
        if member.type == "map":
            value_member = self.contract.member(value_of(member.path))
            entries: dict[str, Any] = {}
            for key, text in query:
                if key in self.query_keys:
                    continue
                if value_member.type == "list":
                    item = self.contract.member(item_of(value_member.path))
                    entries.setdefault(key, []).append(read_text(item, text))
                elif key not in entries:  # the first of repeated keys, as a single-valued map reads them
                    entries[key] = read_text(value_member, text)
            return entries or None
        sent = [text for key, text in query if key == member.on_the_wire]
        if not sent:
            return None
        if member.type == "list":
            item = self.contract.member(item_of(member.path))
            return [read_text(item, text) for text in sent]
        if len(sent) > 1:
            raise Unfit(f"query key {member.on_the_wire!r} is sent {len(sent)} times for a single value")
        return read_text(member, sent[0])

    def _header(self, member: Member, text: str) -> Any:
        if member.type != "list":
            return read_text(member, text.strip(), "header")
        item = self.contract.member(item_of(member.path))
        parts = split_header_list(text)
        if item.type == "timestamp" and timestamp_format(item, "header") == "rfc822":
            # An HTTP-date holds a comma of its own, and restJson1 sends them unquoted: pair them up.
            parts = [", ".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]
        return [read_text(item, part, "header") for part in parts]

    # -- the body ----
    def _parse(self, body: bytes) -> Any:
        try:
            return parse_json(body)
        except InvalidJSON as error:
            raise Unreadable([Violation("Body.json", str(error), "body")]) from None

    def _json_object(self, body: bytes, faults: list[Violation]) -> dict[str, Any]:
        if not body.strip():
            return {}  # no body: no members, which validation judges
        document = self._parse(body)
        if not isinstance(document, dict):
            raise Unreadable(
                [Violation("Body.type", f"the body is {json_name(document)}, not an object", "body")]
            )
        return document

    def _payload(self, member: Member, body: bytes, faults: list[Violation]) -> Any:
        if member.type == "blob":
            return body or None
        if member.type == "string":
            try:
                return body.decode("utf-8") if body else None
            except UnicodeDecodeError:
                faults.append(Violation(f"{member.path}.type", "the payload is not UTF-8", member.path))
                return None
        if not body.strip():
            return None
        document = self._parse(body)
        if member.type != "document" and not isinstance(document, dict):
            message = f"the body is {json_name(document)}, not an object"
            raise Unreadable([Violation(f"{member.path}.type", message, "body")])
        return self.json_value(member, document, member.path, faults)

    def json_value(self, member: Member, value: Any, where: str, faults: list[Violation]) -> Any:
        """``value`` read from JSON as ``member``'s type; a fault is recorded and reads as None."""
        try:
            return self._json(member, value, where, faults)
        except Unfit as fault:
            faults.append(Violation(f"{member.path}.type", str(fault), where))
            return None

    def _json(self, member: Member, value: Any, where: str, faults: list[Violation]) -> Any:
        kind = member.type
        if kind == "document" or member.recursive:
            return value
        if kind in ("structure", "union"):
            if not isinstance(value, dict):
                raise Unfit(f"a {kind} must be a JSON object, not {json_name(value)}")
            out: dict[str, Any] = {}
            for child in self.contract.children(member.path):
                item = value.get(child.on_the_wire)
                if item is not None:  # restJson1 reads a null member as an absent one
                    found = self.json_value(child, item, f"{where}.{child.name}", faults)
                    if found is not None:
                        out[child.name] = found
            return out
        if kind == "list":
            if not isinstance(value, list):
                raise Unfit(f"a list must be a JSON array, not {json_name(value)}")
            item_member = self.contract.member(item_of(member.path))
            return [
                self._item(member, item_member, item, f"{where}[{index}]", faults)
                for index, item in enumerate(value)
            ]
        if kind == "map":
            if not isinstance(value, dict):
                raise Unfit(f"a map must be a JSON object, not {json_name(value)}")
            value_member = self.contract.member(value_of(member.path))
            return {
                key: self._item(member, value_member, item, f"{where}[{key!r}]", faults)
                for key, item in value.items()
            }
        return read_json_scalar(member, value)

    def _item(self, holder: Member, member: Member, value: Any, where: str, faults: list[Violation]) -> Any:
        if value is None:
            if not holder.sparse:
                faults.append(
                    Violation(f"{member.path}.type", f"null in a {holder.type} that is not sparse", where)
                )
            return None
        return self.json_value(member, value, where, faults)
