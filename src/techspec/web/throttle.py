"""Slowing password guessing without handing anyone a way to lock a colleague out.

OWASP's Authentication Cheat Sheet asks for a limit on failed sign-ins per account, and
warns that a plain lockout lets anyone who knows a user name keep its owner out.  So
failures are counted twice, per client address and per account name, and each count
turns into a wait instead of a lock: after :attr:`SignInThrottle.free` failures, every
further attempt must wait 1 s, then 2, 4 ... up to :data:`MAX_DELAY`; an hour without a
failure forgets them.

* The **address** count stops one client guessing at any account (password spraying
  included).  A guesser's own address is held back; other addresses are not.  An IPv6
  address counts as its /64, which one subscriber usually holds whole.
* The **account** count stops a guesser who spreads attempts over many addresses.  It
  holds back only addresses that are failing themselves: an address with no failures
  in the hour, or one this account signed in from before, is let through to the
  password check, so the right password from the owner's machine still works however
  many times someone else got it wrong.  (So a guesser with many addresses gets one try
  from each per hour; the password-check gate bounds how fast even that can go.)

An attempt counts as a failure from the moment it is admitted (so a burst of parallel
attempts cannot all slip in before the first one fails) and is taken back when the
password proves right or the check never ran; a wait runs from the latest failure.
The counts live in this process, a bounded number of each (the least recently used go
first); with several server processes each keeps its own.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from techspec.api.errors import TooManyRequests

FIRST_DELAY = 1.0
MAX_DELAY = 900.0
"""The longest wait between attempts (15 minutes)."""
FORGET_AFTER = 3600.0
"""Seconds without a failure after which a count starts again from zero."""
REMEMBER_SIGN_INS = 30 * 86400.0
"""How long an address this account signed in from stays trusted for it."""
MAX_KEYS = 10_000
"""Addresses, accounts and trusted (account, address) pairs kept, each."""

K = TypeVar("K")
V = TypeVar("V")


@dataclass(slots=True)
class _Failures:
    count: int = 0
    last: float = 0.0
    """When the latest failure was counted (its wait runs from then)."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One admitted sign-in: where it came from and which account it named."""

    account: str
    address: str


class SignInThrottle:
    """Failed sign-ins per client address and per account, as waits (see the module)."""

    def __init__(
        self,
        free: int = 5,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.free = max(0, free)
        self.clock = clock
        self.max_keys = max_keys
        self._addresses: OrderedDict[str, _Failures] = OrderedDict()
        self._accounts: OrderedDict[str, _Failures] = OrderedDict()
        self._known: OrderedDict[tuple[str, str], float] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, account: str, address: str) -> Attempt:
        """Count an attempt to sign in to ``account`` from ``address``, or refuse it with
        :class:`TooManyRequests` saying how long to wait."""
        account, address = account.strip().casefold(), client_key(address)
        now = self.clock()
        with self._lock:
            by_address = self._entry(self._addresses, address, now)
            by_account = self._entry(self._accounts, account, now)
            wait = self._wait(by_address, now)
            if wait:
                raise _refused("from this address", wait)
            trusted = by_address.count == 0 or self._is_known(account, address, now)
            wait = 0 if trusted else self._wait(by_account, now)
            if wait:
                raise _refused("for this account", wait)
            for failures in (by_address, by_account):
                failures.count += 1
                failures.last = now
        return Attempt(account, address)

    def failed(self, attempt: Attempt) -> None:
        """The password was wrong: the attempt stays counted, and the wait it causes
        runs from now (a check that queued for a while does not shorten it)."""
        now = self.clock()
        with self._lock:
            for table, key in self._keys(attempt):
                failures = table.get(key)
                if failures is not None:
                    failures.last = max(failures.last, now)

    def passed(self, attempt: Attempt) -> None:
        """The password was right: take the attempt back and trust its address for this
        account.  Only this attempt is taken back, so signing in to one's own account
        does not wipe the failures an address ran up against others."""
        with self._lock:
            self._take_back(attempt)
            self._known[(attempt.account, attempt.address)] = self.clock()
            self._known.move_to_end((attempt.account, attempt.address))
            _trim(self._known, self.max_keys)

    def withdrawn(self, attempt: Attempt) -> None:
        """The password was never checked (the server was busy): take the attempt back."""
        with self._lock:
            self._take_back(attempt)

    def _keys(self, attempt: Attempt) -> tuple[tuple[OrderedDict[str, _Failures], str], ...]:
        return ((self._addresses, attempt.address), (self._accounts, attempt.account))

    def _take_back(self, attempt: Attempt) -> None:
        for table, key in self._keys(attempt):
            failures = table.get(key)
            if failures is not None and failures.count > 0:
                failures.count -= 1

    def _entry(self, table: OrderedDict[str, _Failures], key: str, now: float) -> _Failures:
        failures = table.get(key)
        if failures is None:
            failures = table[key] = _Failures()
            _trim(table, self.max_keys)
        elif now - failures.last > FORGET_AFTER:
            failures.count = 0
        table.move_to_end(key)
        return failures

    def _wait(self, failures: _Failures, now: float) -> int:
        """Whole seconds until another attempt may be made (0: now)."""
        over = failures.count - self.free
        if over <= 0:
            return 0
        delay = min(MAX_DELAY, FIRST_DELAY * 2.0 ** min(over - 1, 32))
        remaining = failures.last + delay - now
        return math.ceil(remaining) if remaining > 0 else 0

    def _is_known(self, account: str, address: str, now: float) -> bool:
        since = self._known.get((account, address))
        return since is not None and now - since < REMEMBER_SIGN_INS


def client_key(address: str) -> str:
    """What an address is counted as: itself for IPv4, its /64 for IPv6."""
    try:
        found = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(found, ipaddress.IPv6Address):
        if found.ipv4_mapped is not None:
            return str(found.ipv4_mapped)
        return str(ipaddress.IPv6Network((found, 64), strict=False))
    return str(found)


def _refused(where: str, wait: int) -> TooManyRequests:
    return TooManyRequests(
        f"too many failed sign-ins {where}: try again in {wait} s", retry_after=wait
    )


def _trim(table: OrderedDict[K, V], size: int) -> None:
    while len(table) > size:
        table.popitem(last=False)
