"""Sign-in limits: failures per address and per account turn into waits that a guesser
cannot turn against the account's owner, and password checks run a few at a time.

The throttle and the gate are tested directly (with a clock that moves only when told);
one test runs a real ``techspec serve`` and signs in from two loopback addresses, the
guesser's 127.0.0.2 and the owner's 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread
import httpx
import pytest
from web_client import _TOKEN
from web_support import Server, password, serve

from techspec.api.errors import TooManyRequests
from techspec.web.hash_gate import NICER, HashGate, ServerBusy
from techspec.web.throttle import MAX_DELAY, SignInThrottle, client_key

GUESSER, OWNER, OTHER = "127.0.0.2", "127.0.0.1", "127.0.0.3"


class Ticks:
    """Seconds that pass only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


T = TypeVar("T")


def run_apart(function: Callable[..., Awaitable[T]], *args: object) -> T:
    """``anyio.run`` in a thread of its own: the browser tests' Playwright keeps an event
    loop running in the main thread of the same worker process."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, function, *args).result()


def fail(throttle: SignInThrottle, account: str, address: str, times: int = 1) -> None:
    for _ in range(times):
        throttle.admit(account, address)  # admitted and never passed: a failure


def refused(throttle: SignInThrottle, account: str, address: str) -> TooManyRequests:
    with pytest.raises(TooManyRequests) as caught:
        throttle.admit(account, address)
    return caught.value


# -- the throttle -------------------------------------------------------------------------


def test_failures_from_one_address_turn_into_doubling_waits() -> None:
    ticks = Ticks()
    throttle = SignInThrottle(5, clock=ticks)
    fail(throttle, "pat", GUESSER, 6)  # five free, the sixth starts the waits
    waits = []
    for _ in range(5):
        waits.append(refused(throttle, "pat", GUESSER).retry_after)
        ticks.now += waits[-1]
        fail(throttle, "pat", GUESSER)
    assert waits == [1, 2, 4, 8, 16]
    assert "too many failed sign-ins from this address" in str(refused(throttle, "pat", GUESSER))


def test_the_wait_runs_from_when_the_failure_was_known() -> None:
    ticks = Ticks()
    throttle = SignInThrottle(0, clock=ticks)
    attempt = throttle.admit("pat", GUESSER)
    ticks.now += 5  # a slow password check
    throttle.failed(attempt)
    assert refused(throttle, "pat", GUESSER).retry_after == 1


def test_the_wait_never_grows_beyond_fifteen_minutes() -> None:
    ticks = Ticks()
    throttle = SignInThrottle(0, clock=ticks)
    for _ in range(40):
        ticks.now += MAX_DELAY
        fail(throttle, "pat", GUESSER)
    assert refused(throttle, "pat", GUESSER).retry_after == MAX_DELAY


def test_an_hour_without_a_failure_forgets_them() -> None:
    ticks = Ticks()
    throttle = SignInThrottle(5, clock=ticks)
    fail(throttle, "pat", GUESSER, 6)
    refused(throttle, "pat", GUESSER)
    ticks.now += 3601
    fail(throttle, "pat", GUESSER, 6)
    refused(throttle, "pat", GUESSER)


def test_a_guessers_failures_do_not_keep_the_owner_out() -> None:
    ticks = Ticks()
    throttle = SignInThrottle(5, clock=ticks)
    fail(throttle, "pat", GUESSER, 6)
    for _ in range(20):  # the guesser keeps trying, as soon as allowed
        ticks.now += refused(throttle, "pat", GUESSER).retry_after
        fail(throttle, "pat", GUESSER)
    throttle.passed(throttle.admit("Pat ", OWNER))  # the owner, from an address not failing


def test_the_account_count_holds_back_other_addresses_that_are_failing() -> None:
    throttle = SignInThrottle(5, clock=Ticks())
    for guesser in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        fail(throttle, "pat", guesser, 2)  # few enough per address to pass unnoticed
    fail(throttle, "somebody", "10.0.0.4")
    error = refused(throttle, "pat", "10.0.0.4")  # failing itself, and pat is over
    assert "for this account" in str(error)
    throttle.admit("pat", OWNER)  # an address with no failures is still let through


def test_an_address_the_account_signed_in_from_stays_trusted_after_typos() -> None:
    ticks = Ticks()
    throttle = SignInThrottle(5, clock=ticks)
    throttle.passed(throttle.admit("pat", OWNER))  # yesterday
    fail(throttle, "pat", GUESSER, 6)
    fail(throttle, "pat", OWNER, 2)  # the owner mistypes twice
    ticks.now += 30
    throttle.passed(throttle.admit("pat", OWNER))


def test_signing_in_to_ones_own_account_does_not_wipe_an_addresses_failures() -> None:
    throttle = SignInThrottle(5, clock=Ticks())
    fail(throttle, "pat", GUESSER, 6)
    with pytest.raises(TooManyRequests):
        throttle.passed(throttle.admit("mallory", GUESSER))


def test_attempts_in_flight_count_before_they_fail() -> None:
    throttle = SignInThrottle(5, clock=Ticks())
    started = [throttle.admit(f"user-{n}", GUESSER) for n in range(6)]
    refused(throttle, "user-6", GUESSER)
    for attempt in started:  # the server was too busy to check them
        throttle.withdrawn(attempt)
    throttle.admit("user-6", GUESSER)


def test_an_ipv6_address_counts_as_its_slash_64() -> None:
    throttle = SignInThrottle(5, clock=Ticks())
    for n in range(6):  # one subscriber's network holds 2**64 addresses
        throttle.admit("pat", f"2001:db8:1:2::{n + 1:x}")
    assert "from this address" in str(refused(throttle, "pat", "2001:db8:1:2:ffff::1"))
    throttle.admit("someone", "2001:db8:1:3::1")  # the next /64 is someone else
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("testclient") == "testclient"


def test_the_throttle_remembers_a_bounded_number_of_addresses_and_accounts() -> None:
    throttle = SignInThrottle(5, clock=Ticks(), max_keys=100)
    for n in range(300):
        throttle.passed(throttle.admit(f"name-{n}", f"10.1.{n // 250}.{n % 250}"))
    kept = (throttle._addresses, throttle._accounts, throttle._known)
    assert [len(table) for table in kept] == [100, 100, 100]


# -- the password-check gate --------------------------------------------------------------


def test_the_gate_runs_at_most_its_concurrency_of_checks_at_once() -> None:
    gate = HashGate(2, queue=10)
    running, most = [0], [0]
    lock = threading.Lock()

    def check() -> int:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return 7

    async def main() -> list[int]:
        results: list[int] = []

        async def one() -> None:
            results.append(await gate.run(check))

        async with anyio.create_task_group() as group:
            for _ in range(8):
                group.start_soon(one)
        return results

    assert run_apart(main) == [7] * 8
    assert most[0] == 2
    assert gate.inside == 0


def test_sign_ins_beyond_the_queue_are_turned_away_with_a_retry_after() -> None:
    gate = HashGate(1, queue=1)
    release = threading.Event()

    async def main() -> list[object]:
        outcomes: list[object] = []

        async def one() -> None:
            try:
                outcomes.append(await gate.run(lambda: release.wait(5)))
            except ServerBusy as error:
                outcomes.append(error)
                release.set()

        async with anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(one)
                await anyio.sleep(0.05)
        return outcomes

    first, *rest = run_apart(main)
    assert isinstance(first, ServerBusy)  # the third, refused before the others finished
    assert first.http_status == 503 and first.retry_after >= 1
    assert "try again in" in str(first)
    assert rest == [True, True]


def test_a_sign_in_that_waits_too_long_for_its_turn_is_turned_away() -> None:
    gate = HashGate(1, queue=5, wait_seconds=0.1)
    release = threading.Event()

    async def main() -> object:
        outcome: object = None
        async with anyio.create_task_group() as group:
            group.start_soon(gate.run, lambda: release.wait(5))
            await anyio.sleep(0.02)
            try:
                outcome = await gate.run(lambda: "never")
            except ServerBusy as error:
                outcome = error
            finally:
                release.set()
        return outcome

    assert isinstance(run_apart(main), ServerBusy)


def test_password_checks_leave_the_request_thread_pool_free() -> None:
    gate = HashGate(2, queue=2)
    release = threading.Event()

    async def main() -> int:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 1
        async with anyio.create_task_group() as group:
            for _ in range(2):
                group.start_soon(gate.run, lambda: release.wait(5))
            await anyio.sleep(0.05)
            with anyio.fail_after(2):  # /healthz and pages still get a thread
                answer = await anyio.to_thread.run_sync(lambda: 42)
            release.set()
        return answer

    assert run_apart(main) == 42


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a nice value per thread")
def test_password_checks_run_at_a_lower_cpu_priority_than_requests() -> None:
    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert run_apart(HashGate(1, queue=0).run, nice) == min(19, nice() + NICER)


# -- a real server, two client addresses --------------------------------------------------


@pytest.fixture(scope="module")
def limits_server(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("limits-server")
    shutil.copyfile(template_db, base / "techspec.db")
    settings = {"TECHSPEC_SIGN_IN_FREE_FAILURES": "5"}
    with serve(f"sqlite:///{base / 'techspec.db'}", base / "server.log", settings=settings) as up:
        yield up


def client_at(server: Server, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, transport=transport, timeout=60)


def csrf_of(client: httpx.Client) -> str:
    found = _TOKEN.search(client.get("/login").text)
    assert found is not None
    return found.group(1)


def post_sign_in(client: httpx.Client, name: str, secret: str, csrf: str) -> httpx.Response:
    form = {"username": name, "password": secret, "csrf": csrf, "next": "/"}
    return client.post("/login", data=form)


def guess(client: httpx.Client, csrf: str, times: int) -> list[httpx.Response]:
    """``times`` wrong passwords for pat at once, as a script would send them."""
    with ThreadPoolExecutor(times) as pool:
        return list(
            pool.map(lambda n: post_sign_in(client, "pat", f"guess-{n}", csrf), range(times))
        )


def test_ten_wrong_passwords_from_one_address_do_not_keep_the_owner_out(
    limits_server: Server,
) -> None:
    with client_at(limits_server, GUESSER) as guesser, client_at(limits_server, OWNER) as owner:
        csrf = csrf_of(guesser)
        answers = guess(guesser, csrf, 10)
        answers += guess(guesser, csrf, 3)  # and keeps at it while the owner signs in
        statuses = [answer.status_code for answer in answers]
        assert set(statuses) == {401, 429}
        assert statuses.count(429) >= 5  # five free failures, then waits for this address
        held = [answer for answer in answers if answer.status_code == 429]
        assert all(answer.headers["retry-after"] for answer in held)
        assert all("from this address" in answer.text for answer in held)

        signed_in = post_sign_in(owner, "pat", password("pat"), csrf_of(owner))
        assert signed_in.status_code == 303, signed_in.text
        assert owner.get("/").status_code == 200
