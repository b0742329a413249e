"""`orderflow`: the operators' command-line tool (installed with the package).

    orderflow submit order.json           publish a submission on order.submitted
    orderflow trace SO-2026-000001        the order's timeline across every topic: when, what,
                                          which service, who decided (role)
    orderflow dlq list [--service S]      dead letters: id, service, where from, why
    orderflow dlq replay ID [ID ...]      publish dead-lettered records again to their topic,
                                          once their cause is fixed
    orderflow status                      per service: consumer lag, outbox backlog
    orderflow bus setup                   create every topic and the ACLs of every principal
                                          (as the broker's super user, `admin`)
    orderflow --namespace N bus teardown  delete namespace N's topics and ACLs (a trial's);
                                          refused without a namespace

Kafka is `--bootstrap` (or ORDERFLOW_KAFKA_BOOTSTRAP_SERVERS, default 127.0.0.1:9092), reached
over SASL_SSL as `--user` (ORDERFLOW_KAFKA_USERNAME, default operations) with the password in
`--password-file` (ORDERFLOW_KAFKA_PASSWORD_FILE, or ORDERFLOW_KAFKA_PASSWORD) and the broker's
CA in `--ca-file` (ORDERFLOW_KAFKA_CA_FILE); `--security-protocol PLAINTEXT` for a broker
without security. `operations` may read only: `submit` needs the submitter, `dlq replay` and
`bus` the admin. Topics carry `--namespace` (ORDERFLOW_TOPIC_NAMESPACE). `status` reads each
service's backlog from its `/metrics` (`--url sales=http://127.0.0.1:8001`, defaults: ports
8001 to 8005).

A replay publishes the original key and bytes with the header `orderflow.replay` naming the
dead letter. The service takes it only if it holds that dead letter of that very message, and
claims it in its inbox as a replay: replaying it twice has its effect once. A truncated dead
letter (over the broker's size) is not replayed.
"""

import argparse
import asyncio
import json
import os
import sys
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from shared.contracts import OrderSubmission, topics
from shared.contracts.acls import OPERATIONS, consumer_group
from shared.contracts.catalogue import SERVICES, read_from_bus
from shared.messaging.access import KafkaAccess, KafkaAccessError, read_secret
from shared.messaging.bus_setup import NotANamespace, set_up_bus, tear_down_bus
from shared.messaging.kafka import REPLAY_HEADER

DEFAULT_PORTS = {
    "sales": 8001,
    "review": 8002,
    "production": 8003,
    "logistics": 8004,
    "finance": 8005,
}


def signatures(value: object, depth: int = 0) -> list[dict[str, Any]]:
    """Every person's signature (user, role, at) in an event's payload, 12 levels deep at most
    (anyone can publish anything: a record nested without end is not followed down)."""
    if depth > 12:
        return []
    if isinstance(value, dict):
        if {"user", "role", "at"} <= set(value):
            return [value]
        return [found for item in value.values() for found in signatures(item, depth + 1)]
    if isinstance(value, list):
        return [found for item in value for found in signatures(item, depth + 1)]
    return []


@dataclass(frozen=True)
class Bus:
    access: KafkaAccess
    namespace: str

    def client(self) -> dict[str, Any]:
        return self.access.client_options()

    def topic(self, name: str) -> str:
        return self.namespace + name


async def partitions_of(bus: Bus, names: Sequence[str]) -> list[TopicPartition]:
    """The partitions of the (namespaced) topics that exist."""
    admin = AIOKafkaAdminClient(**bus.client())
    await admin.start()
    try:
        described = await admin.describe_topics([bus.topic(name) for name in names])
    finally:
        await admin.close()
    return [
        TopicPartition(topic["topic"], partition["partition"])
        for topic in described
        if topic["error_code"] == 0
        for partition in sorted(topic["partitions"], key=lambda p: int(p["partition"]))
    ]


async def read_all(bus: Bus, names: Sequence[str]) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record now on the topics, from their beginning to their current end."""
    partitions = await partitions_of(bus, names)
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(**bus.client(), group_id=None)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[ConsumerRecord[bytes, bytes]] = []
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for batch in (await consumer.getmany(timeout_ms=1000)).values():
                records.extend(batch)
        return records
    finally:
        await consumer.stop()


async def submit(bus: Bus, path: str, out: TextIO) -> int:
    body = Path(path).read_bytes()  # noqa: ASYNC240 (a small file, read once)
    submission = OrderSubmission.model_validate_json(body)
    producer = AIOKafkaProducer(**bus.client(), acks="all")
    await producer.start()
    try:
        metadata = await producer.send_and_wait(
            bus.topic(topics.ORDER_SUBMITTED), body, key=submission.customer_reference.encode()
        )
    finally:
        await producer.stop()
    print(
        f"submitted {submission.customer_reference} at {metadata.partition}:{metadata.offset}",
        file=out,
    )
    return 0


async def trace(bus: Bus, order_id: str, out: TextIO) -> int:
    names = [name for name in topics.ALL_TOPICS if name != topics.DEAD_LETTER]
    steps: dict[str, dict[str, Any]] = {}  # by event id: a replayed or repeated event is one
    for record in await read_all(bus, names):
        if record.key != order_id.encode():
            continue
        try:
            event = json.loads(record.value or b"")
        except (ValueError, RecursionError):  # not an event: anyone can publish anything
            continue
        if isinstance(event, dict) and event.get("order_id") == order_id:
            steps.setdefault(str(event.get("event_id")), event)
    if not steps:
        print(f"nothing on the bus about {order_id}", file=out)
        return 1
    timeline = sorted(
        steps.values(),
        key=lambda event: (str(event.get("occurred_at")), str(event.get("event_id"))),
    )
    print(f"Timeline of {order_id}: {len(timeline)} events", file=out)
    for event in timeline:
        people = ", ".join(f"{p['user']} ({p['role']})" for p in signatures(event.get("payload")))
        print(
            f"{event.get('occurred_at')}  {event.get('event_type', '?'):<22} "
            f"{event.get('producer', '?'):<11} {people or '-'}",
            file=out,
        )
    return 0


def _headers(record: ConsumerRecord[bytes, bytes]) -> dict[str, str]:
    return {name: value.decode(errors="replace") for name, value in record.headers or ()}


async def dead_letters(bus: Bus) -> list[ConsumerRecord[bytes, bytes]]:
    return await read_all(bus, [topics.DEAD_LETTER])


async def dlq_list(bus: Bus, service: str | None, out: TextIO) -> int:
    shown = 0
    for record in await dead_letters(bus):
        headers = _headers(record)
        if service and headers.get("dlq.service") != service:
            continue
        shown += 1
        origin = ":".join(
            headers.get(f"dlq.source.{part}", "?") for part in ("topic", "partition", "offset")
        )
        print(
            f"{headers.get('dlq.id', '?')}  {headers.get('dlq.service', '?'):<11} {origin}  "
            f"{headers.get('dlq.failed_at', '?')}  {headers.get('dlq.reason', '')[:160]}",
            file=out,
        )
    print(f"{shown} dead letters", file=out)
    return 0


async def dlq_replay(bus: Bus, ids: Sequence[str], out: TextIO) -> int:
    wanted = set(ids)
    found: dict[str, ConsumerRecord[bytes, bytes]] = {}
    for record in await dead_letters(bus):
        dead_letter = _headers(record).get("dlq.id")
        if dead_letter in wanted:
            found[dead_letter] = record
    failures = 0
    producer = AIOKafkaProducer(**bus.client(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for dead_letter in ids:
            record = found.get(dead_letter)
            headers = _headers(record) if record else {}
            if record is None or headers.get("dlq.truncated") == "true":
                print(
                    f"{dead_letter}: {'truncated' if record else 'no such dead letter'}", file=out
                )
                failures += 1
                continue
            source = headers["dlq.source.topic"].removeprefix(bus.namespace)
            metadata = await producer.send_and_wait(
                bus.topic(source),
                record.value,
                key=record.key,
                headers=[(REPLAY_HEADER, dead_letter.encode())],
            )
            print(
                f"{dead_letter}: replayed to {source} at {metadata.partition}:{metadata.offset}",
                file=out,
            )
    finally:
        await producer.stop()
    return 1 if failures else 0


async def status(bus: Bus, urls: dict[str, str], out: TextIO) -> int:
    admin = AIOKafkaAdminClient(**bus.client())
    await admin.start()
    consumer = AIOKafkaConsumer(**bus.client(), group_id=None)
    await consumer.start()
    try:
        await consumer.topics()  # a round trip: aiokafka's stop right after start can fail
        print(f"{'service':<11} {'lag':>8} {'outbox':>8}", file=out)
        for service in SERVICES:
            committed = await admin.list_consumer_group_offsets(
                bus.namespace + consumer_group(service)
            )
            partitions = await partitions_of(bus, read_from_bus(service))
            ends = await consumer.end_offsets(partitions) if partitions else {}
            lag = sum(
                end - max(committed[tp].offset, 0) if tp in committed else end
                for tp, end in ends.items()
            )
            print(f"{service:<11} {lag:>8} {backlog(urls[service]):>8}", file=out)
    finally:
        await consumer.stop()
        await admin.close()
    return 0


def backlog(url: str) -> str:
    """The service's outbox backlog from its metrics, or `?` if it does not answer."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/metrics", timeout=5) as answer:
            text = answer.read().decode()
    except OSError:
        return "?"
    for line in text.splitlines():
        if line.startswith("orderflow_outbox_backlog "):
            return str(int(float(line.split()[1])))
    return "?"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="orderflow", description=__doc__.split("\n\n")[0])
    top.add_argument(
        "--bootstrap",
        default=os.environ.get("ORDERFLOW_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
    )
    top.add_argument(
        "--security-protocol",
        choices=("SASL_SSL", "PLAINTEXT"),
        default=os.environ.get("ORDERFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
    )
    top.add_argument("--user", default=os.environ.get("ORDERFLOW_KAFKA_USERNAME", OPERATIONS))
    top.add_argument(
        "--password-file", type=Path, default=os.environ.get("ORDERFLOW_KAFKA_PASSWORD_FILE")
    )
    top.add_argument("--ca-file", type=Path, default=os.environ.get("ORDERFLOW_KAFKA_CA_FILE"))
    top.add_argument("--namespace", default=os.environ.get("ORDERFLOW_TOPIC_NAMESPACE", ""))
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("submit", help="publish a submission file").add_argument("file")
    commands.add_parser("trace", help="an order's timeline").add_argument("order_id")
    dlq = commands.add_parser("dlq", help="dead letters").add_subparsers(dest="dlq", required=True)
    dlq.add_parser("list").add_argument("--service", choices=SERVICES)
    dlq.add_parser("replay").add_argument("ids", nargs="+")
    status_command = commands.add_parser("status", help="consumer lag and outbox backlog")
    status_command.add_argument("--url", action="append", default=[], metavar="SERVICE=URL")
    bus_command = commands.add_parser("bus", help="the operator's set-up of the cluster")
    bus_commands = bus_command.add_subparsers(dest="bus", required=True)
    bus_commands.add_parser(
        "setup", help="every topic and every principal's ACLs (idempotent)"
    ).add_argument("--partitions", type=int, default=3)
    bus_commands.add_parser("teardown", help="delete a namespace's topics and ACLs")
    return top


def access_from(args: argparse.Namespace) -> KafkaAccess:
    password = os.environ.get("ORDERFLOW_KAFKA_PASSWORD")
    if args.password_file is not None:
        password = read_secret(args.password_file)
    return KafkaAccess(args.bootstrap, args.security_protocol, args.user, password, args.ca_file)


async def bus_setup(bus: Bus, partitions: int, out: TextIO) -> int:
    made = await set_up_bus(bus.access, bus.namespace, partitions)
    print(f"topics ready; {len(made)} ACL bindings in place", file=out)
    return 0


async def bus_teardown(bus: Bus, out: TextIO) -> int:
    try:
        deleted = await tear_down_bus(bus.access, bus.namespace)
    except NotANamespace as refusal:
        print(f"orderflow: {refusal}", file=sys.stderr)
        return 2
    print(f"namespace {bus.namespace!r}: its ACLs and {len(deleted)} topics deleted", file=out)
    return 0


async def run(argv: Sequence[str], out: TextIO = sys.stdout) -> int:
    args = parser().parse_args(argv)
    try:
        bus = Bus(access_from(args), args.namespace)
    except KafkaAccessError as error:
        print(f"orderflow: {error}", file=sys.stderr)
        return 2
    if args.command == "bus":
        if args.bus == "teardown":
            return await bus_teardown(bus, out)
        return await bus_setup(bus, args.partitions, out)
    if args.command == "submit":
        return await submit(bus, args.file, out)
    if args.command == "trace":
        return await trace(bus, args.order_id, out)
    if args.command == "dlq":
        if args.dlq == "list":
            return await dlq_list(bus, args.service, out)
        return await dlq_replay(bus, args.ids, out)
    urls = {name: f"http://127.0.0.1:{port}" for name, port in DEFAULT_PORTS.items()}
    urls |= dict(item.split("=", 1) for item in args.url)
    return await status(bus, urls, out)


def main() -> None:
    try:
        sys.exit(asyncio.run(run(sys.argv[1:])))
    except BrokenPipeError:  # `orderflow trace ... | head`: the reader has what it wanted
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":
    main()
