"""The operator's set-up of a cluster: every topic, and the ACLs of `shared.contracts.acls`.

Run as the broker's super user (`orderflow bus setup`). Both steps are idempotent: existing
topics and bindings are left as they are. aiokafka's admin client has no call for ACLs, so the
requests are built from its protocol classes (CreateAcls and DeleteAcls v1, which every broker
since Kafka 2.0 answers).
"""

import asyncio
from collections.abc import Sequence

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import (
    CreateAclsRequest_v1,
    DeleteAclsRequest_v1,
    DescribeAclsRequest_v1,
)
from aiokafka.protocol.api import Request

from shared.contracts.acls import Binding, bindings
from shared.contracts.topics import ALL_TOPICS, COMPACTED_TOPICS
from shared.messaging.access import KafkaAccess
from shared.messaging.kafka import ensure_topics

ANY_HOST = "*"
ALLOW = 3
ANY = 1
EFFECTIVE_WITHIN_SECONDS = 30.0
"""New bindings reach the broker's authorizer through the metadata log, a moment later."""


class NotANamespace(ValueError):
    """A tear-down was asked for without a namespace: the cluster's own topics stay."""


class AclRefused(RuntimeError):
    """The broker refused to create or delete a binding (not a super user, no authorizer)."""


def _on_the_wire(bindings: Sequence[Binding]) -> list[tuple[int, str, int, str, str, int, int]]:
    """CreateAcls creations and DeleteAcls filters have the same fields, in the same order."""
    return [
        (b.resource, b.name, b.pattern, b.kafka_principal, ANY_HOST, b.operation, ALLOW)
        for b in bindings
    ]


class _CreateAcls(Request[CreateAclsRequest_v1]):  # type: ignore[misc]
    API_KEY = 30

    def __init__(self, wanted: Sequence[Binding]) -> None:
        self._wanted = wanted

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(_on_the_wire(self._wanted))


class _DeleteAcls(Request[DeleteAclsRequest_v1]):  # type: ignore[misc]
    API_KEY = 31

    def __init__(self, unwanted: Sequence[Binding]) -> None:
        self._unwanted = unwanted

    def build(self, request_struct_class: type[DeleteAclsRequest_v1]) -> DeleteAclsRequest_v1:
        return request_struct_class(_on_the_wire(self._unwanted))


class _DescribeAllAcls(Request[DescribeAclsRequest_v1]):  # type: ignore[misc]
    API_KEY = 29

    def build(self, request_struct_class: type[DescribeAclsRequest_v1]) -> DescribeAclsRequest_v1:
        return request_struct_class(ANY, None, ANY, None, None, ANY, ANY)


async def _in_force(admin: AIOKafkaAdminClient) -> set[tuple[int, str, int, str, int]]:
    response = await admin._send_request(_DescribeAllAcls())
    if response.error_code != 0:
        raise AclRefused(f"ACLs not readable: error {response.error_code}")
    return {
        (kind, name, pattern, principal, operation)
        for kind, name, pattern, acls in response.resources
        for principal, _host, operation, permission in acls
        if permission == ALLOW
    }


def _refusals(codes: Sequence[tuple[int, str | None]], wanted: Sequence[Binding]) -> list[str]:
    return [
        f"{binding}: error {code} {message or ''}".strip()
        for (code, message), binding in zip(codes, wanted, strict=True)
        if code != 0
    ]


async def apply_acls(access: KafkaAccess, namespace: str = "") -> list[Binding]:
    """Create every binding the system needs under `namespace`; returns them."""
    wanted = bindings(namespace)
    expected = {(b.resource, b.name, b.pattern, b.kafka_principal, b.operation) for b in wanted}
    admin = AIOKafkaAdminClient(**access.client_options())
    await admin.start()
    try:
        response = await admin._send_request(_CreateAcls(wanted))
        codes = [(code, message) for code, message in response.creation_responses]
        if refused := _refusals(codes, wanted):
            raise AclRefused("ACLs not created:\n" + "\n".join(refused[:10]))
        async with asyncio.timeout(EFFECTIVE_WITHIN_SECONDS):
            while not expected <= await _in_force(admin):  # noqa: ASYNC110 (polls the broker)
                await asyncio.sleep(0.05)
    finally:
        await admin.close()
    return wanted


async def remove_acls(access: KafkaAccess, namespace: str) -> None:
    """Delete the bindings `apply_acls` made under `namespace` (a test's, once it is done)."""
    unwanted = bindings(namespace)
    admin = AIOKafkaAdminClient(**access.client_options())
    await admin.start()
    try:
        response = await admin._send_request(_DeleteAcls(unwanted))
    finally:
        await admin.close()
    codes = [(code, message) for code, message, *_ in response.filter_responses]
    if refused := _refusals(codes, unwanted):
        raise AclRefused("ACLs not deleted:\n" + "\n".join(refused[:10]))


async def set_up_bus(
    access: KafkaAccess, namespace: str = "", partitions: int = 3, replication_factor: int = 1
) -> list[Binding]:
    """Every topic, then every binding."""
    await ensure_topics(
        access, ALL_TOPICS, partitions, replication_factor, namespace, COMPACTED_TOPICS
    )
    return await apply_acls(access, namespace)


async def tear_down_bus(access: KafkaAccess, namespace: str) -> list[str]:
    """Undo `set_up_bus` for a namespace (a smoke test's, a trial's): its bindings and its
    topics, those that exist. Refused without a namespace, so the system's own bus is never
    torn down this way. Returns the topics deleted."""
    if not namespace:
        raise NotANamespace("a tear-down needs --namespace; the un-namespaced bus stays")
    await remove_acls(access, namespace)
    admin = AIOKafkaAdminClient(**access.client_options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        doomed = sorted({namespace + topic for topic in ALL_TOPICS} & existing)
        if doomed:
            await admin.delete_topics(doomed)
    finally:
        await admin.close()
    return doomed
