"""The pieces of the resource properties that judge without sending (``conformance.core.resources``): how
a read-back compares what the create sent with what the read answers, as the model types each member;
ids nobody made shaped after real ones; names of their own within each member's constraints."""

from __future__ import annotations

import datetime

import pytest

from conformance.core.resource_values import first_difference, instant, reshaped
from conformance.spec.operation import load_operation, operation_model
from conformance.strategies.operation.unique import fits, unique_text

SCHEDULE = operation_model("scheduler", "CreateSchedule").input_shape.members
CHANNEL = operation_model("ivs", "CreateChannel").input_shape.members
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("member", "sent", "read"),
    [
        # A timestamp is an instant, whatever the zone botocore reads it in.
        ("StartDate", datetime.datetime(2030, 1, 1, tzinfo=UTC),
         datetime.datetime(2030, 1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))),
        # A structure's members the read adds (a default retry policy) are the service's.
        ("Target", {"Arn": "a", "RoleArn": "r"},
         {"Arn": "a", "RoleArn": "r", "RetryPolicy": {"MaximumRetryAttempts": 185}}),
        # A member the read leaves out is not compared.
        ("Target", {"Arn": "a", "Input": "x"}, {"Arn": "a"}),
        ("FlexibleTimeWindow", {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5},
         {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5.0}),  # a number as a number
    ],
)  # fmt: skip
def test_what_reads_back_the_same_is_the_same(member: str, sent: object, read: object) -> None:
    assert first_difference(SCHEDULE[member], sent, read, member) is None


@pytest.mark.parametrize(
    ("shapes", "member", "sent", "read", "where"),
    [
        (SCHEDULE, "StartDate", datetime.datetime(2030, 1, 1, tzinfo=UTC),
         datetime.datetime(2030, 1, 1, 0, 0, 1, tzinfo=UTC), "StartDate"),
        (SCHEDULE, "Target", {"Arn": "a", "RoleArn": "r"}, {"Arn": "b", "RoleArn": "r"}, "Target.Arn"),
        (SCHEDULE, "ScheduleExpression", "rate(1 minute)", "rate(5 minutes)", "ScheduleExpression"),
        (CHANNEL, "tags", {"a": "1", "b": "2"}, {"a": "1"}, "tags['b']"),  # a tag lost
        (CHANNEL, "authorized", True, False, "authorized"),
        (CHANNEL, "authorized", True, "true", "authorized"),  # a string is no boolean
    ],
)  # fmt: skip
def test_what_reads_back_otherwise_is_a_difference_where_it_is(
    shapes: dict, member: str, sent: object, read: object, where: str
) -> None:
    found = first_difference(shapes[member], sent, read, member)
    assert found is not None and found[0] == where


def test_an_instant_is_epoch_seconds() -> None:
    assert instant(datetime.datetime(1970, 1, 1, 0, 1, tzinfo=UTC)) == 60.0
    assert instant(datetime.datetime(1970, 1, 1, 0, 1)) == 60.0  # naive: UTC, as botocore reads it
    assert instant("1970") is None


def test_an_unknown_id_keeps_the_shape_of_a_real_one() -> None:
    real = "ws-80445357-03d9-4929-bb6a-05388bfc5cec"
    other = reshaped(real)
    assert other is not None and other != real and len(other) == len(real)
    assert other[:-12] == real[:-12] and other.startswith("ws-")
    assert all(c in "0123456789abcdef-" for c in other[3:])  # hexadecimal stays hexadecimal
    assert reshaped("---") is None  # nothing to change


def test_unique_names_keep_within_each_member_s_constraints() -> None:
    get = load_operation("ivs:GetChannel").member("arn")
    base = "arn:aws:ivs:a:0:channel/a"
    names = {unique_text([get], base) for _ in range(20)}
    assert len(names) == 20 and all(fits(get, name) for name in names)
    name = load_operation("scheduler:CreateSchedule").member("Name")
    assert all(len(unique_text([name], "x" * 64) or "") <= 64 for _ in range(5))
    state = load_operation("scheduler:CreateSchedule").member("State")
    assert unique_text([state], "ENABLED") is None  # an enum takes no token
