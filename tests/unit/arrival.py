"""An amended confirmation and its change's decision come on two topics that keep no order
between them (P7.3): what a department's tests share to consume the two in either order."""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

Consume = Callable[[AsyncEngine, Any, Any], Awaitable[list[Any]]]
"""A department's test helper: one message through one of its handlers, what it publishes."""
Step = tuple[Any, Any]
"""A handler and the message it consumes."""


async def in_either_order(
    consume: Consume, engine: AsyncEngine, first: str, confirmation: Step, decision: Step
) -> list[Any]:
    """The confirmation's step and the decision's, the decision's first where `first` says
    "decision"; the events the two publish, in that order."""
    steps = [confirmation, decision]
    if first == "decision":
        steps.reverse()
    return [event for handler, body in steps for event in await consume(engine, handler, body)]
