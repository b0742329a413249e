"""The operators' tool reads whatever is on the bus: hostile records do not stop it."""

import json

from shared.cli import parser, signatures


def test_signatures_are_found_anywhere_in_a_payload_but_not_down_a_bottomless_one() -> None:
    signed = {"user": "li.wang", "role": "finance_clerk", "at": "2026-12-01T09:00:00Z"}
    deep: object = signed
    for _ in range(50):
        deep = {"inner": [deep]}

    assert signatures({"approved": signed, "lines": [{"checked": signed}]}) == [signed, signed]
    assert signatures(deep) == []
    assert signatures(json.loads("[" * 500 + "]" * 500)) == []


def test_the_commands_parse_as_documented() -> None:
    args = parser().parse_args(["--namespace", "t.", "dlq", "replay", "a", "b"])

    assert (args.command, args.dlq, args.ids, args.namespace) == ("dlq", "replay", ["a", "b"], "t.")
