"""A fingerprint of the deterministic boundary catalogue, to show a refactor left it case for case the same.

    python -m tests.fingerprint_catalogue            # count and two sha256 digests
    python -m tests.fingerprint_catalogue --list     # one line per case, to diff two checkouts

The structural digest covers what is sent and what is expected of it (id, constraint, valid, breaks,
domain, body bytes, Smithy ids); the worded one adds each case's reason.  The last digest covers the
lists the suite parametrizes over: the constraints broken alone, those no request breaks alone (with
the reason) and those only search semantics accept.
"""

from __future__ import annotations

import argparse
import hashlib
import json

from conformance import strategies
from conformance.strategies import boundary_cases


def rows() -> list[tuple[dict, str]]:
    out = []
    for case in boundary_cases():
        row = {
            "case": case.case_id,
            "constraint": case.constraint_id,
            "valid": case.valid,
            "breaks": sorted(case.breaks),
            "domain": case.request.domain,
            "body": case.request.body_bytes().decode("utf-8", "backslashreplace"),
            "smithy": list(case.smithy),
        }
        out.append((row, case.reason))
    return out


def digests(cases: list[tuple[dict, str]]) -> tuple[str, str]:
    structural, worded = hashlib.sha256(), hashlib.sha256()
    for row, reason in cases:
        line = json.dumps(row, sort_keys=True, ensure_ascii=True)
        structural.update(line.encode() + b"\n")
        worded.update(line.encode() + b"\t" + reason.encode("utf-8", "backslashreplace") + b"\n")
    return structural.hexdigest(), worded.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every case, one per line")
    args = parser.parse_args()
    cases = rows()
    if args.list:
        for row, reason in cases:
            print(json.dumps(row, sort_keys=True, ensure_ascii=True), reason, sep="\t")
        return
    structural, worded = digests(cases)
    lists = {
        "invalid": strategies.invalid_constraint_ids(),
        "unexpressible": strategies.unexpressible_constraints(),
        "search only": strategies.search_only_constraint_ids(),
    }
    ids = hashlib.sha256(json.dumps(lists, sort_keys=True).encode()).hexdigest()
    print(f"{len(cases)} cases\nstructural {structural}\nworded     {worded}\nids        {ids}")


if __name__ == "__main__":
    main()
