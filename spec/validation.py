"""Which constraints a request breaks, by constraint id, with the ``jsonschema`` library doing the work.

The JSON Schema comes from ``Contract.body_schema``; each subschema names its member, so an error maps
back to a constraint id.  Two readings of the contract live here and nowhere else:

* a ``null`` structure member counts as absent (Smithy's rule for restJson1), so ``null`` for a required
  member breaks ``<member>.required``; ``null`` as a list item or map value is a type error;
* patterns are ECMA-262 and searched (``semantics="search"``, the model's reading) or must match the
  whole value (``semantics="fullmatch"``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator, ValidationError

from conformance.spec import patterns
from conformance.spec.contract import KIND_OF_KEYWORD, PATH_KEYWORD, Contract, load_contract
from conformance.spec.paths import is_key

SEMANTICS = ("search", "fullmatch")


@dataclass(frozen=True)
class Violation:
    constraint_id: str
    message: str
    location: str  # where in the request: "DomainName", "body", "body.Tags['x']", ...

    def __str__(self) -> str:
        return f"{self.constraint_id} at {self.location}: {self.message}"


class InvalidJSON(ValueError):
    """The body is not one well-formed JSON text."""


def _reject_constant(name: str) -> Any:
    raise InvalidJSON(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    """Parse a body strictly: UTF-8, one JSON text, no NaN/Infinity (Python's json would take them)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidJSON(f"body is not UTF-8: {error.reason} at byte {error.start}") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise InvalidJSON("body nests too deeply") from None
    except ValueError as error:  # JSONDecodeError is one; also an integer past Python's digit limit
        if isinstance(error, json.JSONDecodeError):
            raise InvalidJSON(
                f"body is not JSON: {error.msg} at line {error.lineno} column {error.colno}"
            ) from None
        raise InvalidJSON(f"body is not JSON a parser can use: {str(error)[:100]}") from None


# Whether a pattern matches a value, read as a whole value or searched: another regex engine's answer.
Matcher = Callable[[str, str, bool], bool]


def _validator_class(semantics: str, dialect: str, matcher: Matcher | None) -> type:
    if semantics not in SEMANTICS:
        raise ValueError(f"pattern semantics must be one of {SEMANTICS}, not {semantics!r}")
    fullmatch = semantics == "fullmatch"

    def matches(regex: str, value: str) -> bool:
        if matcher is not None:
            return matcher(regex, value, fullmatch)
        return patterns.matches(regex, value, dialect=dialect, fullmatch=fullmatch)

    def pattern(validator: Any, regex: str, instance: Any, schema: dict) -> Any:
        if validator.is_type(instance, "string") and not matches(regex, instance):
            yield ValidationError(f"{instance!r} does not match {regex!r} ({dialect}, {semantics})")

    return jsonschema.validators.extend(Draft202012Validator, {"pattern": pattern})


def _drop_null_members(instance: Any, schema: dict) -> Any:
    """Smithy reads a null structure member as an absent one; keep nulls in lists and maps."""
    if isinstance(instance, dict) and "properties" in schema:
        properties = schema["properties"]
        return {
            key: _drop_null_members(value, properties.get(key, {}))
            for key, value in instance.items()
            if value is not None
        }
    if isinstance(instance, dict) and "additionalProperties" in schema:
        values = schema["additionalProperties"]
        return {key: _drop_null_members(value, values) for key, value in instance.items()}
    if isinstance(instance, list) and "items" in schema:
        return [_drop_null_members(item, schema["items"]) for item in instance]
    return instance


def _location(root: str, error: ValidationError) -> str:
    steps = "".join(
        f".{step}" if isinstance(step, str) and step.isidentifier() else f"[{step!r}]"
        for step in error.absolute_path
    )
    if is_key(error.schema.get(PATH_KEYWORD, "")):
        steps += f" key {error.instance!r}"
    return root + steps


class RequestValidator:
    """Reports the constraint ids a (domain, body) pair breaks; an empty list means valid.

    ``dialect`` is the regex engine's reading of the patterns (``spec.patterns.DIALECTS``): the model's
    own is ``ecma``; the others stand for implementations that check with Python's or Java's engine.
    ``matcher`` (pattern, value, fullmatch) -> bool asks another engine instead, a real JVM for one.
    """

    def __init__(
        self,
        contract: Contract | None = None,
        semantics: str = "search",
        dialect: str = "ecma",
        matcher: Matcher | None = None,
    ) -> None:
        self.contract = contract or load_contract()
        self.semantics = semantics
        self.dialect = dialect
        cls = _validator_class(semantics, dialect, matcher)
        self.body_schema = self.contract.body_schema()
        self._body = cls(self.body_schema)
        self._domain = cls(self.contract.schema_for("DomainName"))

    def _violations(self, validator: Any, instance: Any, root: str) -> list[Violation]:
        errors = list(validator.iter_errors(instance))
        # A value of the wrong type can't be judged by its other keywords (enum, for one): type comes first.
        mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
        found: dict[tuple[str, str], Violation] = {}
        for error in errors:
            where = tuple(error.absolute_path)
            if error.validator != "type" and where in mistyped and error.validator != "required":
                continue
            for violation in self._to_violations(error, instance, root):
                found.setdefault((violation.constraint_id, violation.location), violation)
        return sorted(found.values(), key=lambda v: (v.constraint_id, v.location))

    def _to_violations(self, error: ValidationError, instance: Any, root: str) -> list[Violation]:
        path = error.schema.get(PATH_KEYWORD)
        location = _location(root, error)
        if error.validator == "required":
            present = error.instance if isinstance(error.instance, dict) else {}
            properties = error.schema.get("properties", {})
            return [
                Violation(f"{properties[name][PATH_KEYWORD]}.required", f"{name!r} is required", location)
                for name in error.validator_value
                if name not in present
            ]
        if error.validator == "propertyNames":  # jsonschema reports the key's own error in its context
            return [v for sub in error.context for v in self._to_violations(sub, instance, root)]
        kind = "type" if error.validator == "type" else KIND_OF_KEYWORD.get(error.validator)
        if path is None or kind is None:
            raise AssertionError(f"unmapped schema error {error.validator} at {location}: {error.message}")
        return [Violation(f"{path}.{kind}", error.message, location)]

    def body_violations(self, body: Any) -> list[Violation]:
        return self._violations(self._body, _drop_null_members(body, self.body_schema), "body")

    def domain_violations(self, domain: str) -> list[Violation]:
        return self._violations(self._domain, domain, "DomainName")

    def raw_body_violations(self, raw: bytes) -> tuple[Any, list[Violation]]:
        """Parse then validate; an unparseable body breaks ``Body.json`` and nothing else is judged."""
        try:
            body = parse_json(raw)
        except InvalidJSON as error:
            return None, [Violation("Body.json", str(error), "body")]
        return body, self.body_violations(body)

    def request_violations(self, domain: str, body: Any) -> list[Violation]:
        return self.domain_violations(domain) + self.body_violations(body)

    def violated_ids(self, domain: str, body: Any) -> set[str]:
        return {v.constraint_id for v in self.request_violations(domain, body)}
