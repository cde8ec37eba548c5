"""An open-loop load generator that plays Meta, for `make bench` and `make fault`.

Inbound messages are POSTed on a schedule (Poisson arrivals at `rate` per second, spread over
`contacts` simulated customers) whatever the replies do — a slow server sees requests pile
up exactly as it would from Meta. Each customer alternates "oi" (the menu, with buttons) and
a tap on "Ver catálogo" (a text), so the kind of each reply says whether it came in order.
For every reply the fake Graph API accepts, the generator later POSTs the `sent`,
`delivered` and `read` status webhooks Meta would (each its own POST, echoing
`biz_opaque_callback_data`).

In `meta_retries` mode a refused POST (non-200, connection error) is retried with backoff
until accepted, as Meta does, and a customer's later messages wait behind it (Meta does not
deliver a customer's messages out of order); `triplicate` sends that share of inbound POSTs
three times (the copies after the first answer, as Meta's re-deliveries come). Counting is
done on what the fake Graph received: lost, duplicated and out-of-order replies per
customer, where "in order" means in the order the server accepted the customer's messages
(a message refused and retried reaches the server after the ones sent behind it).
"""

from __future__ import annotations

import asyncio
import heapq
import os
import random
import sys
import time
from collections import deque
from dataclasses import dataclass, field

from ylada_app.channels.whatsapp_cloud import samples

STATUS_DELAYS_S = {"sent": (0.02, 0.08), "delivered": (0.15, 0.4), "read": (1.0, 3.0)}


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class RawHttp:
    """A minimal keep-alive HTTP/1.1 client: httpx costs the driver more CPU per request
    than the server under test spends, on a 2-core machine that matters."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def post(self, path: str, body: bytes, headers: dict[str, str],
                   written=None, timeout: float = 30.0) -> int:
        """POST and return the status; `written()` is called once the request is on the
        wire (the caller's order of writes is the order the server sees)."""
        fresh = self.writer is None
        try:
            return await asyncio.wait_for(self._post(path, body, headers, written), timeout)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            self.close()
            if fresh:
                raise
            # The server closed an idle keep-alive connection: reconnect once.
            return await asyncio.wait_for(self._post(path, body, headers, written), timeout)
        except TimeoutError:
            self.close()
            raise

    async def _post(self, path: str, body: bytes, headers: dict[str, str], written) -> int:
        fresh = self.writer is None
        if fresh:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
            f"{head}\r\n".encode() + body)
        if written is not None and not fresh:
            # (on a new connection the server may read it after an older one's next request:
            # the caller then keeps its order until the answer instead)
            written()
        status_line = await self.reader.readline()
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if length:
            await self.reader.readexactly(length)
        return int(status_line.split()[1])


class Pool:
    """A fixed set of keep-alive connections, opened before the run, as a load generator (and
    Meta) keeps them; a POST waits for a free one. Its wait counts in the latencies, which
    are measured from when the message was due (no coordinated omission). Connections opened
    mid-run under overload would sit in the server's accept backlog while older ones are
    served, reordering a customer's messages before the server could see them."""

    # uvicorn closes a keep-alive connection idle for 5 s; one reused just then fails and is
    # written again later, behind the customer's next message — so retire them earlier.
    MAX_IDLE_S = 3.0

    def __init__(self, host: str, port: int, size: int = 256) -> None:
        self.host, self.port, self.size = host, port, size
        self.idle: deque[tuple[float, RawHttp]] = deque()
        self.free = asyncio.Semaphore(size)
        self.opened = 0

    async def open(self) -> None:
        conns = [RawHttp(self.host, self.port) for _ in range(self.size)]
        for conn in conns:
            conn.reader, conn.writer = await asyncio.open_connection(self.host, self.port)
            self.idle.append((time.monotonic(), conn))
        self.opened += len(conns)

    async def post(self, path: str, body: bytes, headers: dict[str, str],
                   written=None) -> int:
        async with self.free:
            conn = None
            while self.idle and conn is None:
                since, conn = self.idle.popleft()
                if time.monotonic() - since > self.MAX_IDLE_S:
                    conn.close()  # reconnected below, on this POST
            if conn is None:
                conn = RawHttp(self.host, self.port)
                self.opened += 1
            try:
                status = await conn.post(path, body, headers, written)
            except BaseException:
                conn.close()
                self.idle.append((time.monotonic(), conn))  # reconnects when next used
                raise
            self.idle.append((time.monotonic(), conn))
            return status

    def close(self) -> None:
        for _, conn in self.idle:
            conn.close()
        self.idle.clear()


@dataclass
class Customer:
    index: int
    wa_id: str
    next_seq: int = 0
    expected: list[str] = field(default_factory=list)  # reply kinds, in send order
    accepted: list[int] = field(default_factory=list)  # sequences, in the order acked 200
    refused: set[int] = field(default_factory=set)  # sequences refused at least once
    replies: list[str] = field(default_factory=list)
    sent_at: dict[int, float] = field(default_factory=dict)  # seq -> first POST
    reply_at: list[float] = field(default_factory=list)
    backlog: deque = field(default_factory=deque)  # meta_retries: waiting behind a retry
    last_offer: float = 0.0
    retrying: bool = False
    # A customer's POSTs go on the wire in the order they were sent (one may need a new
    # connection while the next finds an idle one); they may be in flight together.
    writing: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class Totals:
    offered: int = 0  # inbound messages scheduled
    accepted: int = 0
    refused: int = 0  # non-200 answers and connection errors (inbound)
    server_errors: int = 0  # 500s (any POST)
    statuses_posted: int = 0
    statuses_refused: int = 0
    acks: list[tuple[float, float]] = field(default_factory=list)  # (t0, ms) inbound
    status_acks: list[float] = field(default_factory=list)
    first_refused: float | None = None
    last_refused: float | None = None


class MetaSimulator:
    def __init__(self, api: str, path: str, secret: str, pnid: str, graph, *,
                 contacts: int = 200, rate: float = 350.0, statuses: bool = True,
                 meta_retries: bool = False, triplicate: float = 0.0, seed: int = 7,
                 connections: int = 256, min_gap_s: float = 0.0) -> None:
        host, port = api.removeprefix("http://").split(":")
        self.pool = Pool(host, int(port), connections)
        self.path, self.secret, self.pnid, self.graph = path, secret, pnid, graph
        self.rate, self.statuses = rate, statuses
        # a customer's next message no sooner than this after the previous (0: any time)
        self.min_gap_s = min_gap_s
        self.meta_retries, self.triplicate = meta_retries, triplicate
        self.rng = random.Random(seed)
        self.customers = [Customer(i, f"55119{7000000 + i:08d}") for i in range(contacts)]
        self.by_wa = {c.wa_id: c for c in self.customers}
        self.totals = Totals()
        self.sends_at: list[float] = []  # when the fake Graph got each reply
        self.tasks: set[asyncio.Task] = set()
        self.status_heap: list[tuple[float, int, bytes, dict]] = []
        self._n = 0

    # --- inbound ---------------------------------------------------------------------------
    def _message(self, c: Customer) -> tuple[bytes, dict, int]:
        seq = c.next_seq
        c.next_seq += 1
        wamid = f"wamid.bench.{c.index}.{seq}"
        if seq % 2 == 0:
            msg, kind = samples.text_message(c.wa_id, "oi", wamid=wamid), "interactive"
        else:
            msg, kind = samples.button_reply(c.wa_id, "catalogo", "Ver catálogo",
                                             wamid=wamid), "text"
        raw, headers = samples.signed(samples.inbound_webhook(self.pnid, [msg]), self.secret)
        c.expected.append(kind)
        c.sent_at[seq] = time.time()
        return raw, headers, seq

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _post(self, raw: bytes, headers: dict, c: Customer | None = None) -> int | None:
        lock = c.writing if c is not None else None
        if lock is not None:
            await lock.acquire()
        released = False

        def written() -> None:
            nonlocal released
            if lock is not None and not released:
                released = True
                lock.release()
        try:
            return await self.pool.post(self.path, raw, headers, written)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError, TimeoutError):
            return None
        finally:
            written()

    async def _deliver(self, c: Customer, raw: bytes, headers: dict, seq: int) -> None:
        t0 = time.time()
        answer = await self._post(raw, headers, c)
        self.totals.acks.append((t0, (time.time() - t0) * 1000))
        self.totals.server_errors += answer == 500
        if answer == 200:
            c.accepted.append(seq)
            self.totals.accepted += 1
        else:  # whatever happens next, it reaches the server after what was sent behind it
            c.refused.add(seq)
        if self.triplicate and self.rng.random() < self.triplicate:
            # Meta delivers the same webhook again (it missed our answer): twice more
            for again in await asyncio.gather(self._post(raw, headers),
                                              self._post(raw, headers)):
                self.totals.server_errors += again == 500
                if again == 200 and answer != 200:
                    answer = 200
                    c.accepted.append(seq)
                    self.totals.accepted += 1
        if answer == 200:
            return
        self.totals.refused += 1
        now = time.time()
        self.totals.first_refused = self.totals.first_refused or now
        self.totals.last_refused = now
        if not self.meta_retries:
            return
        # Meta retries with growing pauses; the customer's later messages wait behind.
        c.retrying = True
        pause = 0.25
        while True:
            await asyncio.sleep(pause)
            pause = min(pause * 2, 4.0)
            answer = await self._post(raw, headers, c)
            self.totals.server_errors += answer == 500
            if answer == 200:
                break
            self.totals.last_refused = time.time()
        c.accepted.append(seq)
        self.totals.accepted += 1
        c.retrying = False
        while c.backlog and not c.retrying:
            await self._deliver(c, *c.backlog.popleft())

    def _offer(self, c: Customer) -> None:
        raw, headers, seq = self._message(c)
        self.totals.offered += 1
        if self.meta_retries and (c.retrying or c.backlog):
            c.backlog.append((raw, headers, seq))
            return
        self._spawn(self._deliver(c, raw, headers, seq))

    async def send_for(self, seconds: float, warmup: float = 0.0) -> float:
        """Offer inbound traffic for `warmup` (ramping up from a quarter of the rate) plus
        `seconds`; returns when the measured part began."""
        await self.pool.open()
        start = time.time()
        t_measure = start + warmup
        stop = t_measure + seconds
        at = start
        while at < stop:
            ramp = 1.0 if at >= t_measure else max(0.25, (at - start) / max(warmup, 1e-9))
            at += self.rng.expovariate(self.rate * ramp)
            delay = at - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self._offer(self._pick())
        return t_measure

    def _pick(self) -> Customer:
        c = self.rng.choice(self.customers)
        for _ in range(20):  # someone who has not just written
            if time.time() - c.last_offer >= self.min_gap_s:
                break
            c = self.rng.choice(self.customers)
        c.last_offer = time.time()
        return c

    # --- replies and statuses --------------------------------------------------------------
    async def watch_graph(self) -> None:
        seen = 0
        while True:
            sent, sent_at = self.graph.sent, self.graph.sent_at
            now = time.time()
            while seen < len(sent):
                m = sent[seen]
                at = sent_at[seen] if seen < len(sent_at) else now
                seen += 1
                c = self.by_wa.get(m.get("to"))
                if c is None:
                    continue
                c.replies.append(m.get("type", ""))
                c.reply_at.append(now)
                self.sends_at.append(at)  # Graph's own clock
                if self.statuses and m.get("wamid"):
                    self._schedule_statuses(m, c, now)
            await asyncio.sleep(0.002)

    def _schedule_statuses(self, m: dict, c: Customer, now: float) -> None:
        for name, (low, high) in STATUS_DELAYS_S.items():
            body = samples.status_webhook(self.pnid, [samples.status(
                m["wamid"], name, c.wa_id, callback_data=m.get("biz_opaque_callback_data"))])
            raw, headers = samples.signed(body, self.secret)
            self._n += 1
            heapq.heappush(self.status_heap, (now + self.rng.uniform(low, high), self._n,
                                              raw, headers))

    async def post_statuses(self) -> None:
        while True:
            now = time.time()
            while self.status_heap and self.status_heap[0][0] <= now:
                _, _, raw, headers = heapq.heappop(self.status_heap)
                self._spawn(self._status(raw, headers))
            await asyncio.sleep(0.005)

    async def _status(self, raw: bytes, headers: dict) -> None:
        pause = 0.25
        while True:
            t0 = time.time()
            answer = await self._post(raw, headers)
            self.totals.status_acks.append((time.time() - t0) * 1000)
            self.totals.server_errors += answer == 500
            if answer == 200:
                self.totals.statuses_posted += 1
                return
            self.totals.statuses_refused += 1
            if not self.meta_retries:
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, 4.0)

    # --- the count ---------------------------------------------------------------------------
    async def settle(self, timeout: float) -> None:
        """Wait for outstanding POSTs and replies (up to `timeout`), then a second more for
        late duplicates."""
        deadline = time.time() + timeout
        while time.time() < deadline and (
                any(len(c.replies) < len(c.expected) for c in self.customers)
                or any(c.retrying or c.backlog for c in self.customers)):
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)

    def count(self) -> dict:
        lost = sum(max(0, len(c.expected) - len(c.replies)) for c in self.customers)
        duplicated = sum(max(0, len(c.replies) - len(c.expected)) for c in self.customers)
        # The bot's replies depend on the order it saw: comparable only for customers none
        # of whose messages was refused (a refused and retried message reaches the server
        # after the ones sent behind it — and is rightly answered after them).
        out_of_order = sum(1 for c in self.customers if not c.refused
                           for exp, got in zip(c.expected, c.replies, strict=False)
                           if exp != got)
        if os.environ.get("BENCH_DEBUG"):
            for c in [c for c in self.customers if c.expected[:len(c.replies)] != c.replies][:3]:
                print(f"# {c.wa_id} expected {''.join(k[0] for k in c.expected)} got "
                      f"{''.join(k[0] for k in c.replies)}", file=sys.stderr)
        return {"lost": lost, "duplicated": duplicated, "out_of_order": out_of_order}

    def stored_inversions(self, stored: dict[int, list[int]]) -> list[tuple[int, int]]:
        """(customer, sequence) of each message the database holds after a later message
        of the same customer (`stored`: customer index → sequences in id order) — unless it
        was refused at first, and so reached the server only when Meta tried again."""
        out = []
        for c in self.customers:
            highest = -1
            for seq in stored.get(c.index, []):
                if seq < highest and seq not in c.refused:
                    out.append((c.index, seq))
                highest = max(highest, seq)
        return out

    def reply_latencies(self, since: float) -> list[float]:
        return [(r - c.sent_at[i]) * 1000 for c in self.customers
                for i, r in enumerate(c.reply_at) if i in c.sent_at and c.sent_at[i] >= since]

    def busiest_second(self, since: float = 0.0) -> int:
        """The most replies the fake Graph took within any one second from `since` on
        (per-number rate)."""
        times = sorted(t for t in self.sends_at if t >= since)
        best, j = 0, 0
        for i, t in enumerate(times):
            while times[j] < t - 1.0:
                j += 1
            best = max(best, i - j + 1)
        return best

    def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        self.pool.close()
