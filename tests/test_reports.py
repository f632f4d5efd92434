"""The run summary and the constraint coverage report, including what xdist workers send the controller."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from conformance.core.coverage import Coverage
from conformance.core.throttle import ThrottleWaits
from conformance.flagship.ledger import AnswerLedger
from conformance.plugin.summary import Cleanup, RunTotals
from conformance.spec import load_contract
from conformance.spec.smithy import smithy_catalogue
from conformance.strategies import canonical_body, invalid_constraint_ids

CONTRACT = load_contract()


def share(
    requests: int,
    ids: list[str],
    coverage: Coverage,
    first: int | None = None,
    throttle: ThrottleWaits | None = None,
    timeouts: dict[str, list[int]] | None = None,
) -> dict:
    answers = AnswerLedger(CONTRACT)
    answers.seen_ids.update(ids)
    target = SimpleNamespace(
        requests_sent=requests,
        first_failure_after=first,
        url="http://t",
        coverage=coverage,
        answers=answers,
        client=SimpleNamespace(throttle=throttle or ThrottleWaits(60), timeout=10.0),
        timeouts=timeouts or {},
    )
    return RunTotals.from_target(target, Cleanup(len(ids), len(ids) - 1, ids[:1], None, []))


def test_worker_shares_add_up_and_repeated_ids_across_workers_are_found() -> None:
    totals = RunTotals()
    totals.add(share(10, ["a" * 32, "b" * 32], Coverage(CONTRACT)))
    totals.add(share(5, ["c" * 32, "a" * 32], Coverage(CONTRACT), first=3))
    assert totals.requests == 15
    assert totals.first_failure_after == 13  # counted after the first worker's requests
    assert totals.created == 4 and totals.deleted == 2 and len(totals.not_deleted) == 2
    assert totals.repeated_ids() == ["a" * 32]
    totals.answers.repeated_across_processes(totals.repeated_ids())
    assert totals.answers.failed() == ["success.WorkflowId.unique"]
    assert any("success.WorkflowId.unique" in line for line in totals.lines())
    assert not any("time out" in line for line in totals.lines())


def test_time_outs_add_up_across_workers_in_one_line() -> None:
    totals = RunTotals()
    totals.add(share(10, [], Coverage(CONTRACT), timeouts={"valid": [2, 6], "other": [0, 4]}))
    totals.add(share(5, [], Coverage(CONTRACT), timeouts={"valid": [1, 3], "other": [1, 2]}))
    line = "conformance: answers to valid requests time out: 3 of 9 after 10 s; to other requests: 1 of 6"
    assert line in totals.lines()


def test_coverage_counts_both_sides_and_merges() -> None:
    one, two = Coverage(CONTRACT), Coverage(CONTRACT)
    one.valid_request([], canonical_body(full=True))
    one.success_answer()
    two.invalid_request("RoleArn.pattern")
    two.invalid_request("Tags.maxItems", boundary=True)
    two.failure("Tags.maxItems")
    one.merge(json.loads(json.dumps(two.to_dict())))  # what crosses from a worker is plain JSON
    assert "RoleArn.pattern" in one.exercised("invalid") and "Tags.maxItems" in one.exercised("invalid")
    assert "Tags.<key>.pattern" in one.exercised("valid")  # map keys count as members
    assert "Response.WorkflowId.pattern" in one.exercised("valid")
    assert "DomainName.pattern" not in one.exercised("valid")  # the domain wasn't one of ours
    rows = {row["constraint"]: row for row in one.rows()}
    assert rows["Tags.maxItems"]["result"] == "failed" and rows["Tags.maxItems"]["boundary"] == 1
    assert rows["DomainName.maxLength"]["result"] == "not exercised"


def test_edge_families_are_counted_merged_and_reported(tmp_path: Path) -> None:
    """The families of edges (exact names, largest bodies...) the catalogue sent, each side and the sizes
    of the large bodies, added up across workers and written to the summary and both report files."""
    one, two = Coverage(CONTRACT), Coverage(CONTRACT)
    one.edge_family("exact member names", valid=False)
    one.edge_family("exact member names", valid=True)
    two.edge_family("exact member names", valid=False)
    two.edge_family("largest valid bodies", valid=True, size=131_281)
    two.edge_family("largest valid bodies", valid=True, size=1_578_949)
    one.merge(json.loads(json.dumps(two.to_dict())))
    line = one.family_line()
    assert line == (
        "conformance: edge families sent: exact member names 3 (1 valid, 2 invalid); "
        "largest valid bodies 2 (2 valid) of 131,281, 1,578,949 bytes"
    )
    assert line in one.summary()
    json_path, md_path = one.write(str(tmp_path / "report"))
    report = json.loads(json_path.read_text())
    assert report["families"]["exact member names"] == {"valid": 1, "invalid": 2}
    assert report["body_sizes"] == {"largest valid bodies": [131_281, 1_578_949]}
    assert line.removeprefix("conformance: ") in md_path.read_text()
    assert Coverage(CONTRACT).family_line() is None


def test_report_is_written_as_json_and_markdown(tmp_path: Path) -> None:
    coverage = Coverage(CONTRACT)
    coverage.valid_request(["DomainName"], canonical_body(full=True))
    coverage.invalid_request("Tags.<key>.pattern", smithy=["RestJsonMalformedPatternMapKey"])
    written = coverage.write(str(tmp_path / "out" / "coverage.json"))
    assert [p.name for p in written] == ["coverage.json", "coverage.md"]
    data = json.loads(written[0].read_text())
    assert data["constraints"] == len(CONTRACT.constraints) == len(data["rows"])
    markdown = written[1].read_text()
    assert "| `Tags.<key>.pattern` | " in markdown
    constraints, _, smithy = markdown.partition("## Smithy")
    assert constraints.count("\n| `") == len(CONTRACT.constraints)
    # Every Smithy case has a row: sent, applying but not sent, or not applicable with its reason.
    catalogue = smithy_catalogue()
    assert smithy.count("\n| `") == len(catalogue.cases)
    assert "| `RestJsonMalformedPatternMapKey` | 1 | sent |" in smithy
    assert data["smithy"]["covered"] == {"RestJsonMalformedPatternMapKey": 1}
    assert len(data["smithy"]["not_sent"]) == len(catalogue.applying()) - 1
    assert data["smithy"]["not_applicable"]["RestJsonHeaderBooleanStringCoercion"].startswith("header")


def test_the_markdown_report_renders_as_it_reads_and_agrees_with_the_json(tmp_path: Path) -> None:
    """Rendered by a CommonMark renderer: ids in code spans show ``<key>`` as written, one table row per
    constraint, every failed name listed (the file is not cut like the terminal's line), and the counts
    the same as the JSON's."""
    from markdown_it import MarkdownIt

    coverage = Coverage(CONTRACT)
    coverage.valid_request(["DomainName"], canonical_body(full=True))
    breakable = invalid_constraint_ids(CONTRACT)
    for constraint_id in breakable[:17]:
        coverage.invalid_request(constraint_id)
    for constraint_id in breakable[:15]:
        coverage.failure(constraint_id)
    written = coverage.write(str(tmp_path / "report"))
    data = json.loads(written[0].read_text())
    html = MarkdownIt("commonmark").enable("table").render(written[1].read_text())
    tables = html.split("<table>")[1:]
    assert html.count("<table>") == 2  # the constraints, and Smithy's cases
    assert tables[0].count("<tr>") == len(CONTRACT.constraints) + 1  # and the header
    assert "<code>Tags.&lt;key&gt;.pattern</code>" in tables[0]  # shown as Tags.<key>.pattern
    assert "&amp;lt;" not in html
    summary = html.split("<table>")[0]
    assert f"{data['exercised_invalid']} of the {data['breakable_alone']}" in summary
    assert data["exercised_invalid"] == 17 and len(data["failed"]) == 15
    assert all(name in summary for name in data["failed"]) and "more" not in summary
    assert "Columns:" in summary
    assert "<code>DomainName.type</code>: JSON object keys and URI labels are always strings" in html
    assert tables[0].count("<td>failed</td>") == 15


def test_in_github_actions_the_report_goes_to_the_step_summary(tmp_path: Path) -> None:
    from tests.suite_runner import run_suite

    summary_file = tmp_path / "step-summary.md"
    summary_file.write_text("earlier steps' summary\n")
    run = run_suite("-q", "-m", "responses", storage=tmp_path, env={"GITHUB_STEP_SUMMARY": str(summary_file)})
    assert run.returncode == 0, run.output[-3000:]
    written = summary_file.read_text()
    assert written.startswith("earlier steps' summary\n")  # appended, as GitHub asks
    assert "# Constraint coverage: CreateIntegrationWorkflow" in written and "| `Body.json` |" in written


def test_the_time_spent_waiting_on_429s_adds_up_across_workers_and_says_when_it_ran_out() -> None:
    totals = RunTotals()
    first, second = ThrottleWaits(30), ThrottleWaits(30)
    assert first.take(10) and first.take(5) and second.take(20)
    assert not second.take(20)  # 40 s > the 30 s this worker has
    totals.add(share(5, [], Coverage(CONTRACT), throttle=first))
    totals.add(share(5, [], Coverage(CONTRACT), throttle=second))
    line = next(line for line in totals.lines() if "429" in line)
    assert "3 requests resent after waiting 35 s in all" in line
    assert "--max-throttle-wait was used up" in line
    quiet = RunTotals()
    quiet.add(share(5, [], Coverage(CONTRACT)))
    assert not any("429" in line for line in quiet.lines())


def test_the_markdown_report_puts_failures_first_one_per_line() -> None:
    coverage = Coverage(CONTRACT)
    last, first = CONTRACT.request_constraints()[-1].id, CONTRACT.request_constraints()[0].id
    coverage.counts["invalid"][first] += 1
    coverage.failure(last)
    coverage.failure("error.type")
    text = coverage.markdown()
    listed = "".join(f"- `{name}`\n" for name in sorted([last, "error.type"]))
    assert "## Failed (2)\n\n" + listed in text
    assert "failed: " not in text  # no one bullet of every failed name
    table = [line for line in text.splitlines() if line.startswith("| `")]
    assert table[0].startswith(f"| `{last}` |") and table[0].endswith("| failed |")
