"""Print an order's history from the command line (P7.6):

    python -m services.sales.cli history SO-2026-000001 [--url http://127.0.0.1:8001]

The token is read from ORDERFLOW_TOKEN (or --token); the history comes from sales'
`GET /orders/{id}/history`, one line per step: when, what, who (role), department, summary.
"""

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8001"


def fetch_history(url: str, order_id: str, token: str, timeout: float = 10.0) -> dict[str, Any]:
    path = f"{url.rstrip('/')}/orders/{urllib.parse.quote(order_id, safe='')}/history"
    request = urllib.request.Request(path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: dict[str, Any] = json.load(response)
    return body


def who(step: dict[str, Any]) -> str:
    people = step.get("by") or []
    if not people:
        return f"{step['producer']} (rule)"
    return ", ".join(f"{person['user']} ({person['role']})" for person in people)


def render(history: dict[str, Any]) -> str:
    """The history as aligned text lines, oldest first."""
    lines = [f"History of {history['order_id']}"]
    for step in history["steps"]:
        lines.append(
            f"{step['at']:<32} {step['what']:<28} {who(step):<40} {step['producer']:<10} "
            f"{step['summary']}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.sales.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    history = commands.add_parser("history", help="print an order's history")
    history.add_argument("order_id")
    history.add_argument("--url", default=os.environ.get("ORDERFLOW_SALES_URL", DEFAULT_URL))
    history.add_argument("--token", default=os.environ.get("ORDERFLOW_TOKEN", ""))
    history.add_argument("--json", action="store_true", help="print the raw JSON")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("a token is needed: --token or ORDERFLOW_TOKEN")
    try:
        body = fetch_history(args.url, args.order_id, args.token)
    except urllib.error.HTTPError as error:
        print(
            f"sales answered {error.code}: {error.read().decode(errors='replace')}", file=sys.stderr
        )
        return 1
    except (urllib.error.URLError, TimeoutError) as error:
        print(f"cannot reach sales at {args.url}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(body, indent=2) if args.json else render(body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
