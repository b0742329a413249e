"""Hostile records for the fuzz test: seeded, repeatable, for any consumed topic.

Each record is built either from scratch (random bytes, deep nesting, huge arrays, ...) or by
mutating a valid message of its topic (the README catalogue's example, or a bulk submission).
Every record is meant to be answered with a rejection or a dead letter, never to have an
effect, so each must be one of:

- invalid under the topic's contract as it is (`MESSAGES[topic]`), or
- outside a bound the messaging core's issue (#6) requires every contract to set: people's
  text with control or bidi-override characters or of 100,000 characters and more, calendar
  dates in the year 0001 or 9999, quantities or amounts of 10^14 and more (past the 16 digits
  with 2 decimals money always had), 2,000 lines and more.

A mutation that happens to leave the message valid and within those bounds is mutated again.
Mutated events name orders, customers and products nobody has (SO-1999-9xxxxx, CUST-9xxx,
FUZZ-xxxx) with fresh event ids, so that even a hostile record a service wrongly accepts
cannot touch a valid order; the Kafka keys are those of the valid flow, so the hostile records
share its partitions.
"""

import copy
import json
import random
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from shared.contracts import topics
from shared.contracts.schemas import MESSAGES
from tests.support.infra import REPO
from tests.support.orders import bulk_submission

BROKER_RECORD_LIMIT = 1_048_576
"""The producer's default max_request_size; the broker's message.max.bytes is 1,048,588."""

OVERSIZE_BYTES = BROKER_RECORD_LIMIT - 1_200
"""An over-large record the broker still takes: its dead letter (same value plus headers that
name its origin and reason) would not fit, unless the dead letter truncates it."""

HUGE_TEXT = 100_000
"""Characters from which a string is beyond any bound a contract sets for it."""

HUGE_NUMBER = 1e14
"""From which a quantity or an amount is beyond any range a contract allows."""

DEEP = 100_000
"""Nesting depth of the deeply nested documents."""

BIDI_AND_CONTROL = ("\u202e", "\u202d", "\u2066", "\u0007", "\u001b", "\u0000", "\u007f")

Json = Any
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Hostile:
    topic: str
    """Without the namespace."""
    key: bytes | None
    value: bytes
    kind: str
    """What is wrong with it, e.g. "scratch:random-bytes" or "mutated:wrong-type"."""


_EXAMPLE = re.compile(r"#### `(?P<topic>[a-z_.]+)`\n\n```json\n(?P<body>.*?)\n```", re.DOTALL)


def catalogue_examples() -> dict[str, Json]:
    """The README's example message of every topic (a unit test keeps each valid)."""
    text = (REPO / "README.md").read_text()
    return {match["topic"]: json.loads(match["body"]) for match in _EXAMPLE.finditer(text)}


def valid_template(topic: str, examples: dict[str, Json]) -> Json:
    if topic == topics.ORDER_SUBMITTED:
        return copy.deepcopy(bulk_submission("TEMPLATE", 0))
    return copy.deepcopy(examples[topic])


def leaves(document: Json, path: Path = ()) -> list[tuple[Path, Json]]:
    """Every scalar of a JSON document with its path (lists and objects too, as containers)."""
    found: list[tuple[Path, Json]] = [(path, document)] if path else []
    if isinstance(document, dict):
        for name, value in document.items():
            found += leaves(value, (*path, name))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += leaves(value, (*path, index))
    return found


def set_at(document: Json, path: Path, value: Json) -> None:
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


def delete_at(document: Json, path: Path) -> None:
    target = document
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]


def is_date(value: Json) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


def is_datetime(value: Json) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T.*", value) is not None


def is_money(value: Json) -> bool:
    return isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value) is not None


class Generator:
    """Hostile records for one topic; `keys` are the keys of the valid flow on it."""

    def __init__(
        self,
        topic: str,
        keys: Sequence[bytes],
        rng: random.Random,
        examples: dict[str, Json],
        serial: Callable[[], int],
    ) -> None:
        self.topic = topic
        self.keys = list(keys)
        self.rng = rng
        self.contract: type[BaseModel] = MESSAGES[topic]
        self.examples = examples
        self._serial = serial

    # -- the valid message a mutation starts from, naming nobody real --------------------------

    def fresh(self) -> Json:
        body = valid_template(self.topic, self.examples)
        n = self._serial()
        if "event_id" in body:
            body["event_id"] = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        if body.get("order_id"):
            body["order_id"] = f"SO-1999-9{n:05d}"
        if self.topic == topics.ORDER_SUBMITTED:
            body["submitter"] = "fuzz"
            body["customer_reference"] = f"FUZZ-{n:05d}"
        if self.topic == topics.PAYMENT_NOTIFIED:
            body["bank_transaction_id"] = f"FUZZ-BANK-{n:05d}"
            body["order_reference"] = f"SO-1999-9{n:05d}"
        payload = body.get("payload")
        if isinstance(payload, dict):
            if "customer_id" in payload:
                payload["customer_id"] = f"CUST-9{n % 1000:03d}"
            if self.topic == topics.PRODUCT_UPDATED:
                payload["product_code"] = f"FUZZ-{n:05d}"
        return body

    def key(self) -> bytes | None:
        roll = self.rng.random()
        if roll < 0.02 and self.topic not in topics.COMPACTED_TOPICS:
            return None  # a compacted topic refuses records without a key
        if roll < 0.04:
            return self.rng.randbytes(self.rng.randint(1, 40))  # not even UTF-8, mostly
        return self.rng.choice(self.keys)

    def record(self, kind: str, value: bytes) -> Hostile:
        return Hostile(self.topic, self.key(), value, kind)

    def invalid(self, value: bytes) -> bool:
        try:
            self.contract.model_validate_json(value)
        except ValidationError:
            return True
        return False

    # -- from scratch -------------------------------------------------------------------------

    def random_bytes(self) -> bytes:
        return self.rng.randbytes(self.rng.randint(0, 600))

    def random_text(self) -> bytes:
        alphabet = "{}[]:,\"'\\ abc019-+.eE\n\tnulltruefalse"
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(1, 300))).encode()

    def not_an_object(self) -> bytes:
        return json.dumps(
            self.rng.choice([None, 0, -1, 1e308, "order", [], [self.fresh()], True, "", {}, [[[]]]])
        ).encode()

    def depth(self) -> int:
        """Mostly past Python's recursion limit (1,000), now and then the full DEEP."""
        return DEEP if self.rng.random() < 0.1 else self.rng.randint(900, 5_000)

    def deep_arrays(self) -> bytes:
        depth = self.depth()
        closed = self.rng.random() < 0.5
        return b"[" * depth + (b"]" * depth if closed else b"")

    def deep_objects(self) -> bytes:
        depth = self.depth() // 2
        return b'{"a":' * depth + b"1" + b"}" * depth

    def deep_in_a_field(self) -> bytes:
        """A valid message whose one field holds a deeply nested array."""
        body = self.fresh()
        path, _ = self.rng.choice(leaves(body))
        marker = "@@DEEP@@"
        set_at(body, path, marker)
        depth = self.depth()
        return json.dumps(body).replace(f'"{marker}"', "[" * depth + "]" * depth).encode()

    def raw_nul(self) -> bytes:
        text = json.dumps(self.fresh()).encode()
        at = self.rng.randint(0, len(text))
        return text[:at] + b"\x00" * self.rng.randint(1, 4) + text[at:]

    def invalid_utf8(self) -> bytes:
        text = json.dumps(self.fresh()).encode()
        at = text.index(b'"', self.rng.randint(0, len(text) // 2)) + 1
        return (
            text[:at]
            + self.rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80"])
            + text[at:]
        )

    def huge_top_array(self) -> bytes:
        return b"[" + b"0," * 400_000 + b"0]"

    # -- by mutation --------------------------------------------------------------------------

    def truncated(self) -> bytes:
        text = json.dumps(self.fresh()).encode()
        return text[: self.rng.randint(1, len(text) - 1)]

    def missing_field(self) -> Json:
        body = self.fresh()
        paths = [path for path, _ in leaves(body) if isinstance(path[-1], str)]
        delete_at(body, self.rng.choice(paths))
        return body

    def wrong_type(self) -> Json:
        body = self.fresh()
        path, value = self.rng.choice(leaves(body))
        others: list[Json] = [[], {}, [value], {"value": value}, True, None, 3.5, "text", 7]
        set_at(body, path, self.rng.choice([other for other in others if other != value]))
        return body

    def unknown_field(self) -> Json:
        body = self.fresh()
        objects: list[Json] = [body] + [
            value for _, value in leaves(body) if isinstance(value, dict)
        ]
        target = self.rng.choice(objects)
        target[self.rng.choice(["extra", "x_unknown", "__proto__", "schema_version2", "é"])] = (
            self.rng.choice([1, "x", None, [], {"nested": True}])
        )
        return body

    def future_version(self) -> Json:
        body = self.fresh()
        body["schema_version"] = self.rng.choice([2, 3, 99, 2**31, 2**63, -1, 0])
        return body

    def _string_leaf(self, body: Json) -> Path:
        paths = [path for path, value in leaves(body) if isinstance(value, str)]
        return self.rng.choice(paths)

    def lone_surrogate(self) -> bytes:
        body = self.fresh()
        path = self._string_leaf(body)
        surrogate = self.rng.choice(["\ud800", "\udfff", "\udbff", "\udc00"])
        set_at(body, path, f"FUZZ{surrogate}")
        return json.dumps(body).encode()  # ensure_ascii: the JSON text holds "\ud800"

    def control_characters(self) -> Json:
        body = self.fresh()
        path = self._string_leaf(body)
        value = next(v for p, v in leaves(body) if p == path)
        set_at(body, path, value + "".join(self.rng.sample(BIDI_AND_CONTROL, 3)))
        return body

    def huge_string(self) -> Json:
        body = self.fresh()
        path = self._string_leaf(body)
        set_at(body, path, "x" * self.rng.randint(HUGE_TEXT, 5 * HUGE_TEXT))
        return body

    def huge_array(self) -> Json:
        body = self.fresh()
        arrays = [
            (path, value) for path, value in leaves(body) if isinstance(value, list) and value
        ]
        if not arrays:
            path = self._string_leaf(body)
            set_at(body, path, ["x"] * 200_000)
            return body
        path, value = self.rng.choice(arrays)
        copies = 700_000 // max(len(json.dumps(value[0])), 1)
        set_at(body, path, [copy.deepcopy(value[0]) for _ in range(max(copies, 2_000))])
        return body

    def extreme_number(self) -> bytes:
        body = self.fresh()
        numeric = [
            path
            for path, value in leaves(body)
            if (isinstance(value, int | float) and not isinstance(value, bool)) or is_money(value)
        ]
        path = self.rng.choice(numeric or [self._string_leaf(body)])
        marker = "@@NUMBER@@"
        set_at(body, path, marker)
        number = self.rng.choice(
            [
                "1e308",
                "-1e308",
                "1e309",
                "1" + "0" * 400,
                "-" + "9" * 30,
                "1e-400",
                "-0.001",
                "NaN",
                "Infinity",
                "-Infinity",
                str(2**63),
                str(2**64 + 1),
                '"1e308"',
                '"NaN"',
                '"99999999999999999999.999"',
                '"-1"',
                "100000000000000",
            ]
        )
        return json.dumps(body).replace(f'"{marker}"', number).encode()

    def extreme_date(self) -> Json:
        body = self.fresh()
        dated = [path for path, value in leaves(body) if is_date(value) or is_datetime(value)]
        if not dated:
            path = self._string_leaf(body)
            set_at(body, path, "9999-12-31")
            return body
        path = self.rng.choice(dated)
        set_at(
            body,
            path,
            self.rng.choice(
                [
                    "9999-12-31",
                    "0001-01-01",
                    "0000-01-01",
                    "10000-01-01",
                    "2026-02-30",
                    "-0001-01-01",
                    "9999-12-31T23:59:59.999999-23:59",
                    "0001-01-01T00:00:00+23:59",
                    "0001-01-01T00:00:00",
                    "2026-13-01T00:00:00Z",
                    "99999-01-01T00:00:00Z",
                ]
            ),
        )
        return body

    def oversize(self) -> Json:
        """A message padded to just under what the broker takes."""
        body = self.fresh()
        path = self._string_leaf(body)
        set_at(body, path, "")
        room = OVERSIZE_BYTES - len(json.dumps(body).encode()) - 64
        set_at(body, path, "x" * room)
        return body

    # -- the whole set ------------------------------------------------------------------------

    BOUNDS_KINDS = ("control-characters", "huge-string", "huge-array", "extreme-number")
    """Mutations that may leave a message valid under today's contract but outside the
    bounds issue #6 requires; see beyond_bounds."""

    def beyond_bounds(self, kind: str, body: Json) -> bool:
        """Whether a contract-valid mutation is outside the bounds every contract must set."""
        for _path, value in leaves(body):
            if isinstance(value, str):
                if len(value) >= HUGE_TEXT or any(ch in value for ch in BIDI_AND_CONTROL):
                    return True
                if is_date(value) and value[:4] in ("0001", "9999"):
                    return True
                if is_money(value) and abs(float(value)) >= HUGE_NUMBER:
                    return True
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and abs(value) >= HUGE_NUMBER
            ):
                return True
            if isinstance(value, list) and len(value) >= 2_000:
                return True
        return kind in ("extreme-date",) and any(
            is_date(v) and v[:4] in ("0001", "9999") for _, v in leaves(body)
        )

    def records(self, count: int) -> list[Hostile]:
        """`count` hostile records: every kind at least once, the huge ones once each."""
        scratch: dict[str, Callable[[], bytes]] = {
            "random-bytes": self.random_bytes,
            "random-text": self.random_text,
            "not-an-object": self.not_an_object,
            "deep-arrays": self.deep_arrays,
            "deep-objects": self.deep_objects,
            "deep-in-a-field": self.deep_in_a_field,
            "raw-nul": self.raw_nul,
            "invalid-utf8": self.invalid_utf8,
            "truncated": self.truncated,
            "lone-surrogate": self.lone_surrogate,
            "extreme-number": self.extreme_number,
        }
        mutations: dict[str, Callable[[], Json]] = {
            "missing-field": self.missing_field,
            "wrong-type": self.wrong_type,
            "unknown-field": self.unknown_field,
            "future-version": self.future_version,
            "control-characters": self.control_characters,
            "extreme-date": self.extreme_date,
        }
        once: dict[str, Callable[[], bytes | Json]] = {
            "huge-top-array": self.huge_top_array,
            "huge-string": self.huge_string,
            "huge-array": self.huge_array,
            "oversize": self.oversize,
        }
        made: list[Hostile] = []
        for kind, make in once.items():
            made.append(self._made(kind, make))
        cheap = list(scratch.items()) + list(mutations.items())
        while len(made) < count:
            kind, make = cheap[len(made) % len(cheap)]
            made.append(self._made(kind, make))
        self.rng.shuffle(made)
        return made

    def _made(self, kind: str, make: Callable[[], bytes | Json]) -> Hostile:
        for _attempt in range(50):
            produced = make()
            if isinstance(produced, bytes):
                value, body = produced, None
            else:
                value, body = json.dumps(produced).encode(), produced
            if len(value) > OVERSIZE_BYTES:
                continue
            if self.invalid(value):
                return self.record(f"invalid:{kind}", value)
            if body is None:
                try:
                    body = json.loads(value)
                except (ValueError, RecursionError):
                    body = None
            if body is not None and self.beyond_bounds(kind, body):
                return self.record(f"beyond-bounds:{kind}", value)
        raise AssertionError(f"{self.topic}: no hostile {kind} in 50 attempts")


def hostile_records(
    seed: int, per_topic: int, keys_by_topic: dict[str, Sequence[bytes]]
) -> list[Hostile]:
    """Hostile records for every topic in keys_by_topic, interleaved across topics; the same
    seed gives the same records."""
    rng = random.Random(seed)
    examples = catalogue_examples()
    counter = iter(range(1, 10**9))

    def serial() -> int:
        return next(counter)

    made: list[Hostile] = []
    for topic in sorted(keys_by_topic):
        generator = Generator(topic, keys_by_topic[topic], rng, examples, serial)
        made += generator.records(per_topic)
    rng.shuffle(made)
    return made
