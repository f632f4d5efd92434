"""Constraint coverage: which constraints a run exercised with values that satisfy them (the valid side)
and with values that break them (the invalid side), and which failed.

A valid request exercises every constraint of every member it carries; an invalid request or boundary
case exercises the constraint it breaks; a checked success answer exercises the response's constraints.
The lifecycle checks (the operations that read, list and delete what a create made) count apart: one check
of a constraint of ``spec/lifecycle.json`` or of a property of the lifecycle (``lifecycle.list.contains``),
and whether the target broke it; a run that made none reports exactly what it did before they existed.
Counts travel from xdist workers to the controller as plain dictionaries and add up there.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection
from pathlib import Path
from typing import Any

from conformance.spec import Contract, Lifecycle, load_lifecycle
from conformance.spec.contract import PATH_KEYWORD
from conformance.spec.smithy import smithy_catalogue
from conformance.spec.unbreakable import breakable_ids, unbreakable

SIDES = ("valid", "invalid", "boundary")


class Coverage:
    def __init__(self, contract: Contract, unbreakable_reasons: dict[str, str] | None = None) -> None:
        """``unbreakable_reasons``: for an operation other than the flagship, its strategies' word on the
        request constraints no request can break alone (``OperationStrategies.unbreakable``)."""
        self.contract = contract
        self.flagship = unbreakable_reasons is None
        self._unbreakable = unbreakable(contract) if unbreakable_reasons is None else unbreakable_reasons
        self.name = f"{contract.service}:{contract.operation}"
        self.counts: dict[str, Counter[str]] = {side: Counter() for side in SIDES}
        self.smithy: Counter[str] = Counter()  # requests sent per Smithy malformed-request case
        self.failed: set[str] = set()
        # Lifecycle constraint id or property name -> checks made, and checks the target broke.
        self.lifecycle_checks: Counter[str] = Counter()
        self.lifecycle_broken: Counter[str] = Counter()
        # Boundary cases sent per family of edges ("<family>|valid" or "<family>|invalid"), and the sizes
        # in bytes of the bodies of the large-body family.
        self.families: Counter[str] = Counter()
        self.body_sizes: dict[str, set[int]] = {}
        self._schema = contract.body_schema()
        self._by_member: dict[str, list[str]] = {}
        for constraint in contract.constraints.values():
            self._by_member.setdefault(constraint.path, []).append(constraint.id)

    # -- recording --------------------------------------------------------------------------------------
    def valid_request(self, labels: Collection[str], body: Any, *, boundary_of: str | None = None) -> None:
        """A valid request (a boundary case of ``boundary_of``, if it is one) met every constraint of
        every member it carries: the URI ``labels`` it sent, and its body's."""
        members = {"Body", *labels}
        _members_in(body, self._schema, members)
        for member in members:
            for constraint_id in self._by_member.get(member, ()):
                self.counts["valid"][constraint_id] += 1
        if boundary_of:
            self.counts["boundary"][boundary_of] += 1

    def valid_wire_request(self, request: Any, *, boundary_of: str | None = None) -> None:
        """A valid request of any operation (a ``WireRequest``) met every constraint of every member it
        carries: in its JSON body, its URI labels, query string and headers."""
        members = {"Body"}
        try:
            body = json.loads(request.body) if request.body else None
        except ValueError:
            body = None
        query = {key for key, _ in request.query}
        headers = {name.lower() for name, _ in request.headers}
        for member in self.contract.children("Body"):
            wire = member.on_the_wire
            if member.location == "payload":
                if request.body:
                    _members_in(body, self.contract.schema_for(member.path), members)
            elif (
                member.location == "uri"
                or (member.location == "querystring" and (wire in query or member.type == "map"))
                or (member.location == "header" and wire.lower() in headers)
                or (member.location == "headers" and any(h.startswith(wire.lower()) for h in headers))
            ):
                members.add(member.path)
        _members_in(body, self._schema, members)
        for member in members:
            for constraint_id in self._by_member.get(member, ()):
                self.counts["valid"][constraint_id] += 1
        if boundary_of:
            self.counts["boundary"][boundary_of] += 1

    def invalid_request(
        self, constraint_id: str, *, boundary: bool = False, smithy: Collection[str] = ()
    ) -> None:
        self.counts["invalid"][constraint_id] += 1
        if boundary:
            self.counts["boundary"][constraint_id] += 1
        self.smithy.update(smithy)

    def edge_family(self, family: str, valid: bool, size: int | None = None) -> None:
        """A boundary case of ``family`` was sent (``size``: its body's bytes, where the family is about
        sizes)."""
        self.families[f"{family}|{'valid' if valid else 'invalid'}"] += 1
        if size is not None:
            self.body_sizes.setdefault(family, set()).add(size)

    def family_line(self) -> str | None:
        """One line on the families of edges sent: how many of each, valid and invalid, and the sizes."""
        if not self.families:
            return None
        names = dict.fromkeys(key.partition("|")[0] for key in sorted(self.families))
        parts = []
        for name in names:
            valid, invalid = self.families[f"{name}|valid"], self.families[f"{name}|invalid"]
            split = ", ".join(f"{n} {side}" for n, side in ((valid, "valid"), (invalid, "invalid")) if n)
            part = f"{name} {valid + invalid} ({split})"
            if name in self.body_sizes:
                part += f" of {', '.join(f'{size:,}' for size in sorted(self.body_sizes[name]))} bytes"
            parts.append(part)
        return "conformance: edge families sent: " + "; ".join(parts)

    def success_answer(self) -> None:
        for constraint in self.contract.response_constraints():
            self.counts["valid"][constraint.id] += 1

    def failure(self, name: str) -> None:
        """A test about ``name`` failed: a constraint id of either contract or a property's name."""
        self.failed.add(name)

    def lifecycle(self, constraint_id: str, broken: bool = False) -> None:
        """One check of a lifecycle constraint (an id of ``spec/lifecycle.json``) or property (any other
        name, ``lifecycle.get.status``); ``broken`` when the target's answer broke it."""
        self.lifecycle_checks[constraint_id] += 1
        if broken:
            self.lifecycle_broken[constraint_id] += 1

    # -- merging and reporting -----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            **({} if self.flagship else {"unbreakable": self._unbreakable}),
            "counts": {side: dict(c) for side, c in self.counts.items()},
            "smithy": dict(self.smithy),
            "failed": sorted(self.failed),
            "lifecycle": {"checks": dict(self.lifecycle_checks), "broken": dict(self.lifecycle_broken)},
            "families": dict(self.families),
            "body_sizes": {family: sorted(sizes) for family, sizes in self.body_sizes.items()},
        }

    def merge(self, data: dict[str, Any]) -> None:
        if not self.flagship:
            self._unbreakable.update(data.get("unbreakable", {}))
        for side, counts in data["counts"].items():
            self.counts[side].update(counts)
        self.smithy.update(data.get("smithy", {}))
        self.failed.update(data["failed"])
        lifecycle = data.get("lifecycle", {})
        self.lifecycle_checks.update(lifecycle.get("checks", {}))
        self.lifecycle_broken.update(lifecycle.get("broken", {}))
        self.families.update(data.get("families", {}))
        for family, sizes in data.get("body_sizes", {}).items():
            self.body_sizes.setdefault(family, set()).update(sizes)

    def smithy_coverage(self) -> dict[str, Any]:
        """Smithy's restJson1 malformed-request cases: those this run sent, those that apply but it did
        not send, and those that cannot apply to the operation, with the reason."""
        catalogue = smithy_catalogue()
        applying = [case.id for case in catalogue.applying()]
        return {
            "commit": catalogue.commit,
            "covered": {case_id: self.smithy[case_id] for case_id in applying if self.smithy[case_id]},
            "not_sent": [case_id for case_id in applying if not self.smithy[case_id]],
            "not_applicable": {case.id: case.reason for case in catalogue.not_applying()},
        }

    def exercised(self, side: str) -> set[str]:
        return {cid for cid in self.contract.constraints if self.counts[side][cid] > 0}

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for cid in self.contract.constraints:
            sent = {side: self.counts[side][cid] for side in SIDES}
            exercised = any(sent.values())
            result = "failed" if cid in self.failed else ("passed" if exercised else "not exercised")
            rows.append({"constraint": cid, **sent, "result": result})
        return rows

    # -- lifecycle ------------------------------------------------------------------------------------------
    @property
    def _lifecycle(self) -> Lifecycle:
        return load_lifecycle()

    def lifecycle_rows(self) -> list[dict[str, Any]]:
        """One row per lifecycle constraint (in the file's order), then per property checked or failed;
        ``[]`` when the run made no lifecycle check."""
        if not self.lifecycle_checks:
            return []
        constraints = self._lifecycle.constraint_ids()
        known = set(constraints)
        properties = {name for name in self.lifecycle_checks if name not in known}
        properties |= {name for name in self.failed if name.startswith("lifecycle.")}
        rows = []
        for name in [*constraints, *sorted(properties)]:
            checks, broken = self.lifecycle_checks[name], self.lifecycle_broken[name]
            failed = broken > 0 or name in self.failed
            result = "failed" if failed else ("passed" if checks else "not exercised")
            kind = "constraint" if name in known else "property"
            rows.append({"check": name, "kind": kind, "checks": checks, "failures": broken, "result": result})
        return rows

    def _lifecycle_line(self) -> str | None:
        if not self.lifecycle_checks:
            return None
        known = set(self._lifecycle.constraint_ids())
        exercised = sum(1 for name in known if self.lifecycle_checks[name])
        properties = sum(1 for name in self.lifecycle_checks if name not in known)
        checks, broken = sum(self.lifecycle_checks.values()), sum(self.lifecycle_broken.values())
        return (
            f"conformance: lifecycle checks: {exercised} of {len(known)} lifecycle constraints exercised, "
            f"{properties} lifecycle properties checked ({checks} checks, {broken} broken)"
        )

    def _breakable(self) -> set[str]:
        if self.flagship:
            return set(breakable_ids(self.contract))
        return {c.id for c in self.contract.request_constraints() if c.id not in self._unbreakable}

    def summary(self, *, whole: bool = False) -> list[str]:
        """The lines printed at the end of a run; ``whole`` lists every failed name (the report file's)."""
        total = len(self.contract.constraints)
        valid = len(self.exercised("valid"))
        breakable = self._breakable()
        invalid = len(self.exercised("invalid") & breakable)
        exercised = (
            f"constraints exercised: {valid} of {total} with valid values, {invalid} of the "
            f"{len(breakable)} a request can break alone with invalid values"
        )
        if not self.flagship:
            # The Smithy catalogue's applicability is worked out for the flagship only.
            smithy = [
                f"conformance: {self.name}: Smithy restJson1 malformed-request cases sent: {len(self.smithy)}"
            ]
            families = self.family_line()
            return [
                f"conformance: {self.name}: {exercised}",
                *(smithy if self.smithy else []),
                *([families] if families is not None else []),
                *self._failed_line(whole),
            ]
        smithy = self.smithy_coverage()
        applying = len(smithy["covered"]) + len(smithy["not_sent"])
        lines = [
            f"conformance: {exercised}",
            f"conformance: Smithy restJson1 malformed-request cases sent: {len(smithy['covered'])} of the "
            f"{applying} that apply ({len(smithy['not_applicable'])} cannot apply to this operation)",
        ]
        lifecycle = self._lifecycle_line()
        if lifecycle is not None:
            lines.append(lifecycle)
        families = self.family_line()
        if families is not None:
            lines.append(families)
        return lines + self._failed_line(whole)

    def _failed_line(self, whole: bool) -> list[str]:
        if not self.failed:
            return []
        names = sorted(self.failed)
        cut = names if whole else names[:12]
        shown = ", ".join(cut) + (f" and {len(names) - len(cut)} more" if len(names) > len(cut) else "")
        return [f"conformance: failed: {shown}"]

    def write(self, path: str) -> list[Path]:
        """The report as JSON and as Markdown: ``PATH.json`` and ``PATH.md`` (a suffix given is dropped)."""
        base = Path(path)
        if base.suffix in (".json", ".md"):
            base = base.with_suffix("")
        base.parent.mkdir(parents=True, exist_ok=True)
        rows = self.rows()
        report = {
            "operation": self.contract.operation,
            "service": self.contract.service,
            "constraints": len(rows),
            "exercised_valid": len(self.exercised("valid")),
            # Of the constraints a request can break alone, as the summary counts them; the others are
            # broken only under a reading asked for (the search-only zone, with --pattern-semantics).
            "exercised_invalid": len(self.exercised("invalid") & self._breakable()),
            "exercised_invalid_by_reading": sorted(self.exercised("invalid") - self._breakable()),
            "breakable_alone": len(self._breakable()),
            "failed": sorted(self.failed),
            "smithy": self.smithy_coverage() if self.flagship else {"sent": dict(self.smithy)},
            "rows": rows,
        }
        if self.families:
            report["families"] = {
                key.partition("|")[0]: {
                    side: self.families[f"{key.partition('|')[0]}|{side}"] for side in ("valid", "invalid")
                }
                for key in sorted(self.families)
            }
            report["body_sizes"] = {family: sorted(sizes) for family, sizes in self.body_sizes.items()}
        lifecycle_rows = self.lifecycle_rows()
        if lifecycle_rows:  # only then: a run without lifecycle checks writes what it always wrote
            report["lifecycle"] = {
                "constraints": len(self._lifecycle.constraints),
                "exercised": sum(1 for r in lifecycle_rows if r["kind"] == "constraint" and r["checks"]),
                "properties": sum(1 for r in lifecycle_rows if r["kind"] == "property"),
                "rows": lifecycle_rows,
            }
        json_path, md_path = base.with_suffix(".json"), base.with_suffix(".md")
        json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        md_path.write_text(self.markdown(), encoding="utf-8")
        return [json_path, md_path]

    def markdown(self) -> str:
        """The report as Markdown (GitHub's flavour: tables)."""
        # Failures first, each on a line of its own; then the rows that passed or were not exercised.
        rows = sorted(self.rows(), key=lambda row: row["result"] != "failed")
        summary = [line for line in self.summary() if not line.startswith("conformance: failed: ")]
        lines = [
            f"# Constraint coverage: {self.contract.operation if self.flagship else self.name}",
            "",
            *[f"- {line.removeprefix('conformance: ')}" for line in summary],
        ]
        if self.failed:
            lines += [
                "",
                f"## Failed ({len(self.failed)})",
                "",
                *[f"- {_code(name)}" for name in sorted(self.failed)],
            ]
        lines += [
            "",
            "Columns: *valid examples* counts the requests that met the constraint (every constraint of",
            "every member a valid request carries); *invalid examples* the requests that broke it, drawn",
            "and deterministic; *boundary cases* the deterministic edges sent for it, valid and invalid;",
            "*result* is `failed` when a test about it failed, `passed` when it was exercised, else",
            "`not exercised`.",
            "",
        ]
        lines += [
            *_table(
                ("constraint", "valid examples", "invalid examples", "boundary cases", "result"),
                [
                    (_code(row["constraint"]), row["valid"], row["invalid"], row["boundary"], row["result"])
                    for row in rows
                ],
            ),
        ]
        lines += ["", "## Constraints no request can break alone", ""]
        lines += [f"- `{cid}`: {reason}" for cid, reason in self._unbreakable.items()]
        if not self.flagship:
            sent = sorted(self.smithy.items())
            lines += ["", "## Smithy restJson1 malformed-request cases sent", ""]
            rows = [(_code(case_id), count, "sent") for case_id, count in sent]
            lines += _table(("case", "requests", ""), rows)
            return "\n".join(lines) + "\n"
        smithy = self.smithy_coverage()
        lines += [
            "",
            f"## Smithy restJson1 malformed-request cases (smithy-lang/smithy {smithy['commit'][:12]})",
            "",
            *_table(
                ("case", "requests", ""),
                [
                    *[(_code(case_id), count, "sent") for case_id, count in smithy["covered"].items()],
                    *[(_code(case_id), 0, "applies, not sent") for case_id in smithy["not_sent"]],
                    *[
                        (_code(case_id), 0, f"cannot apply: {reason.replace('|', '/')}")
                        for case_id, reason in smithy["not_applicable"].items()
                    ],
                ],
            ),
        ]
        lifecycle_rows = self.lifecycle_rows()
        if lifecycle_rows:
            lines += [
                "",
                f"## Lifecycle checks: {_and(list(self._lifecycle.operations))} after a create",
                "",
                "Constraints of `spec/lifecycle.json` first, then properties of the lifecycle.",
                "*checks* counts the answers checked against it; *failures* those that broke it.",
                "",
                *_table(
                    ("check", "checks", "failures", "result"),
                    [(_code(r["check"]), r["checks"], r["failures"], r["result"]) for r in lifecycle_rows],
                ),
            ]
        return "\n".join(lines) + "\n"


def _and(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def _members_in(value: Any, schema: dict, found: set[str]) -> None:
    """Add the contract path of every member present in ``value`` (map keys and values included)."""
    path = schema.get(PATH_KEYWORD)
    if path:
        found.add(path)
    if isinstance(value, dict):
        properties = schema.get("properties")
        if properties is not None:
            for key, item in value.items():
                if key in properties:
                    _members_in(item, properties[key], found)
        elif value:
            key_schema = schema.get("propertyNames", {})
            if key_schema.get(PATH_KEYWORD):
                found.add(key_schema[PATH_KEYWORD])
            for item in value.values():
                _members_in(item, schema.get("additionalProperties", {}), found)
    elif isinstance(value, list):
        for item in value:
            _members_in(item, schema.get("items", {}), found)


def _code(name: str) -> str:
    """A name as a code span in a table cell: its text shows as is ("<key>" needs no entity), only the
    table's "|" takes an escape."""
    return "`" + name.replace("|", "\\|") + "`"


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    """A GitHub Markdown table: the first column and the last left-aligned, the counts between right."""
    rule = ["---", *["---:"] * (len(header) - 2), "---"]
    return [_row(header), "|" + "|".join(rule) + "|", *[_row(row) for row in rows]]


def _row(cells: tuple[object, ...]) -> str:
    return " ".join(["|", *[part for cell in cells for part in (str(cell), "|") if part]])
