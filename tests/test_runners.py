"""The runner contract (`marsad.runner.Runner`), one conformance test that every runner passes:
in-process, the process pool, a Dask cluster started by its runner, and a Dask cluster joined by
its scheduler's address (whose workers are taken not to share this machine's files)."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Iterable, Iterator

import pytest

from marsad.runner import InlineRunner, ProcessRunner, Runner
from marsad.runner.dask import DaskRunner

KINDS = ["inline", "process", "dask", "dask-remote"]


@pytest.fixture(params=KINDS)
def runner(request: pytest.FixtureRequest) -> Iterator[Runner]:
    """A runner of each kind; the session's local cluster stays up for the next tests."""
    if request.param == "dask":
        yield request.getfixturevalue("dask_runner")
        return
    made: Runner
    if request.param == "inline":
        made = InlineRunner()
    elif request.param == "process":
        made = ProcessRunner(2)
    else:
        made = DaskRunner(scheduler=request.getfixturevalue("dask_runner").address)
    yield made
    made.close()


class Counted:
    """An input that counts the items pulled from it and, at each pull, how many items were
    pulled and not yet handed back by the runner."""

    def __init__(self, items: Iterable[int]) -> None:
        self.items = items
        self.pulled = 0
        self.received = 0
        self.most_in_flight = 0

    def __iter__(self) -> Iterator[int]:
        for item in self.items:
            self.pulled += 1
            self.most_in_flight = max(self.most_in_flight, self.pulled - self.received)
            yield item

    def take(self, results: Iterator[int], count: int | None = None) -> list[int]:
        taken = []
        for result in itertools.islice(results, count):
            self.received += 1
            taken.append(result)
        return taken


def square_after(item: tuple[int, float]) -> int:
    """A task whose cost is its second part (seconds of sleep)."""
    value, delay = item
    time.sleep(delay)
    return value * value


def square(value: int) -> int:
    return value * value


def fail_on_three(value: int) -> int:
    if value == 3:
        raise ValueError("three is not welcome")
    return value


def test_results_come_in_input_order_whatever_each_costs(runner: Runner) -> None:
    costs = [0.002 * step for step in range(12)]
    random.Random(7).shuffle(costs)  # early items are often the slow ones
    items = list(enumerate(costs))
    assert list(runner.map(square_after, items)) == [value * value for value, _ in items]


def test_the_input_is_pulled_only_as_results_are_taken(runner: Runner) -> None:
    counted = Counted(range(40))
    assert counted.take(runner.map(square, counted)) == [value * value for value in range(40)]
    assert counted.pulled == 40
    assert 1 <= counted.most_in_flight <= runner.in_flight


def test_an_exception_comes_out_at_its_item(runner: Runner) -> None:
    results = runner.map(fail_on_three, range(10))
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="three is not welcome"):
        next(results)


def test_a_consumer_may_stop_early_on_an_endless_input(runner: Runner) -> None:
    counted = Counted(itertools.count())
    results = runner.map(square, counted)
    assert counted.take(results, 5) == [0, 1, 4, 9, 16]
    del results  # what a loop that breaks does with it
    assert counted.pulled <= 5 + runner.in_flight
    assert list(runner.map(square, range(3))) == [0, 1, 4]  # nothing left over from the first map


def test_close_is_clean_and_final(runner: Runner, dask_runner: DaskRunner) -> None:
    """A runner closes without error once used; the cluster a joined runner used is not its own
    and keeps serving. (The session's own cluster is checked as it closes: see conftest.)"""
    if runner is dask_runner:
        pytest.skip("the session's cluster closes at the end of the session")
    assert list(runner.map(square, range(3))) == [0, 1, 4]
    runner.close()
    if isinstance(runner, ProcessRunner):
        with pytest.raises(RuntimeError):
            runner.map(square, [1]).__next__()
    assert list(dask_runner.map(square, range(3))) == [0, 1, 4]


def test_each_runner_says_whether_its_workers_share_this_machine_s_files(
    runner: Runner, request: pytest.FixtureRequest
) -> None:
    kind = request.node.callspec.params["runner"]
    assert runner.shares_files == (kind != "dask-remote")
