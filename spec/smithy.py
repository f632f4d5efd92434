"""Smithy's restJson1 malformed-request tests, as data: which apply to this operation, and why not.

``smithy_malformed.json`` lists every ``httpMalformedRequestTests`` case under
``smithy-aws-protocol-tests/model/restJson1/malformedRequests/`` and ``.../validation/`` in the
``smithy-lang/smithy`` repository (the commit is in the file): its id, the Smithy type it is about, where
the malformed part sits (a body member, the whole body, a path label, a query parameter, a header), the
values it sends, and whether it can apply to CreateIntegrationWorkflow, with the reason.  Each case says
"this request must get 400"; ``strategies.smithy`` puts the ones that apply into otherwise valid requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SMITHY_FILE = Path(__file__).with_name("smithy_malformed.json")


@dataclass(frozen=True)
class SmithyCase:
    id: str
    file: str
    documentation: str
    binding: str  # "body", "whole-body", "path", "query", "header", "content-type", "accept"
    target: str  # the Smithy type the case is about: "boolean", "long", "timestamp", "list", "body"...
    constraint: str | None  # for validation/ cases: "length", "pattern", "range", "enum", "required"...
    values: tuple[str, ...]  # the JSON text each run of the case puts where the member's value goes
    applies: bool
    reason: str


@dataclass(frozen=True)
class SmithyCatalogue:
    commit: str
    cases: tuple[SmithyCase, ...]

    def case(self, case_id: str) -> SmithyCase:
        for case in self.cases:
            if case.id == case_id:
                return case
        raise KeyError(f"no Smithy malformed-request case {case_id!r}")

    def applying(self) -> tuple[SmithyCase, ...]:
        return tuple(case for case in self.cases if case.applies)

    def not_applying(self) -> tuple[SmithyCase, ...]:
        return tuple(case for case in self.cases if not case.applies)


@cache
def smithy_catalogue(path: str | None = None) -> SmithyCatalogue:
    data = json.loads(Path(path or SMITHY_FILE).read_text(encoding="utf-8"))
    cases = tuple(
        SmithyCase(
            id=record["id"],
            file=record["file"],
            documentation=record["documentation"],
            binding=record["binding"],
            target=record["target"],
            constraint=record["constraint"],
            values=tuple(record["values"]),
            applies=record["applies"],
            reason=record["reason"],
        )
        for record in data["cases"]
    )
    ids = [case.id for case in cases]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{SMITHY_FILE.name}: a case id appears twice")
    return SmithyCatalogue(data["source"]["commit"], cases)
