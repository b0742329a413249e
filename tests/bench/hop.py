"""One plain aiokafka consume-and-produce hop, for the raw Kafka baseline.

It does per record what a service does at the bus level, without a database: consume, produce
with the idempotent producer and acks=all, wait for the broker, commit the consumed offset.
"""

import argparse
import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def relay(bootstrap: str, source: str, target: str, group: str) -> None:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    print("hop ready", flush=True)
    try:
        async for record in consumer:
            await producer.send_and_wait(target, record.value, key=record.key)
            await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--group", required=True)
    args = parser.parse_args()
    asyncio.run(relay(args.bootstrap, args.source, args.target, args.group))


if __name__ == "__main__":
    main()
