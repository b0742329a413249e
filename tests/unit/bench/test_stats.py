"""The benchmark's arithmetic: percentiles, figures, pacing and CPU accounting."""

import pytest

from tests.bench.stats import (
    ProcStat,
    busy_share,
    figures,
    first_arrivals,
    machine_cpu_ticks,
    paced,
    parse_proc_stat,
    per_order,
    percentile,
    postgres_ticks,
    process_cpu_ticks,
    send_offsets,
    share,
    table,
)


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(value) for value in range(100, 0, -1)]  # 1..100, unordered
    assert percentile(values, 0.50) == 50
    assert percentile(values, 0.95) == 95
    assert percentile(values, 0.99) == 99
    assert percentile(values, 1.0) == 100
    assert percentile([7.0], 0.99) == 7
    assert percentile([1.0, 2.0], 0.0) == 1


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_figures_span_from_the_first_send_to_the_last_arrival() -> None:
    sent = {f"k{index}": 100.0 + index for index in range(10)}  # one a second
    arrived = {key: at + 0.5 for key, at in sent.items()}  # each 500 ms later
    result = figures(sent, arrived)
    assert result.messages == 10
    assert result.seconds == 9.5
    assert result.per_second == round(10 / 9.5, 1)
    assert result.p50_ms == result.p95_ms == result.p99_ms == 500.0


def test_figures_refuse_keys_that_never_arrived() -> None:
    with pytest.raises(ValueError, match="1 keys never arrived"):
        figures({"a": 1.0, "b": 1.0}, {"a": 2.0})


def test_figures_ignore_arrivals_of_keys_not_sent() -> None:
    result = figures({"a": 1.0}, {"a": 2.0, "stray": 50.0})
    assert result.seconds == 1.0


def test_a_redelivered_record_counts_at_its_first_arrival() -> None:
    assert first_arrivals([("a", 1.0), ("b", 2.0), ("a", 3.0)]) == {"a": 1.0, "b": 2.0}


def test_send_offsets_without_a_rate_send_everything_at_once() -> None:
    assert send_offsets(3, None) == [0.0, 0.0, 0.0]


def test_send_offsets_space_sends_evenly_at_the_rate() -> None:
    assert send_offsets(4, 50) == [0.0, 0.02, 0.04, 0.06]


def test_send_offsets_need_a_positive_rate() -> None:
    with pytest.raises(ValueError):
        send_offsets(1, 0)


class FakeTime:
    """A clock that moves only when slept on or when a send takes time."""

    def __init__(self, send_cost: float = 0.0) -> None:
        self.now = 1000.0
        self.send_cost = send_cost
        self.sent_at: list[float] = []
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def send(self, key: str) -> None:
        self.sent_at.append(self.now)
        self.now += self.send_cost


async def test_paced_sends_on_an_absolute_schedule() -> None:
    fake = FakeTime(send_cost=0.005)
    sent = await paced(["a", "b", "c"], 10, fake.send, fake.clock, fake.clock, fake.sleep)
    assert fake.sent_at == pytest.approx([1000.0, 1000.1, 1000.2])
    # the time a send took is taken off the next pause: no drift
    assert fake.sleeps == pytest.approx([0.095, 0.095])
    assert sent == dict(zip("abc", fake.sent_at, strict=True))


async def test_paced_does_not_sleep_when_behind_schedule() -> None:
    fake = FakeTime(send_cost=0.5)  # slower than the rate allows
    await paced(["a", "b", "c"], 10, fake.send, fake.clock, fake.clock, fake.sleep)
    assert fake.sleeps == []
    assert fake.sent_at == pytest.approx([1000.0, 1000.5, 1001.0])


async def test_paced_without_a_rate_never_sleeps() -> None:
    fake = FakeTime()
    await paced(["a", "b"], None, fake.send, fake.clock, fake.clock, fake.sleep)
    assert fake.sleeps == []


def test_process_cpu_ticks_adds_user_and_system_time() -> None:
    # a command name with spaces and parentheses must not shift the fields
    stat = "4242 (python (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 3 4 20 0 1 0"
    assert process_cpu_ticks(stat) == 325
    assert parse_proc_stat(stat) == ProcStat(4242, "python (x) y", 1, 250, 75, 3, 4)


def stat(pid: int, command: str, parent: int, own: int, children: int = 0) -> ProcStat:
    return ProcStat(pid, command, parent, own, 0, children, 0)


def test_postgres_ticks_count_the_postmaster_its_live_and_its_ended_children() -> None:
    processes = [
        stat(1, "systemd", 0, 999, 999),
        stat(10, "postgres", 1, 5, children=100),  # postmaster: ended backends in children
        stat(11, "postgres", 10, 7, children=50),  # a backend's own children do not count
        stat(12, "postgres", 10, 3),
        stat(20, "java", 1, 500),
    ]
    assert postgres_ticks(processes) == 5 + 100 + 7 + 3


def test_busy_share_of_the_machine() -> None:
    before = machine_cpu_ticks("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4\n")
    after = machine_cpu_ticks("cpu  250 0 150 800 100 0 0 0 0 0\ncpu0 1 2 3 4\n")
    assert before == (200, 1000)
    assert after == (400, 1300)
    assert busy_share(before, after) == round(200 / 300, 3)
    assert busy_share(after, after) is None


def test_cpu_per_order_with_a_total_when_several() -> None:
    assert per_order({"sales": 2.0, "review": 1.0}, 1000) == {
        "sales": 2.0,
        "review": 1.0,
        "total": 3.0,
    }
    assert per_order({"hops": 0.5}, 100) == {"hops": 5.0}


def test_share_of_nothing_is_none() -> None:
    assert share(25.0, 100.0) == 0.25
    assert share(1.0, 0.0) is None


def test_table_aligns_columns() -> None:
    assert table([["", "per second"], ["pipeline", "1.5"]]).splitlines() == [
        "          per second",
        "pipeline  1.5",
    ]
