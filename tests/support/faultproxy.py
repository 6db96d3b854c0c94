"""A TCP proxy for the sync tests that breaks connections on purpose, on 127.0.0.1 only.

Between the sync client and a real central store it forwards bytes both ways and, when a
request line matches a planned `Fault`, breaks that exchange: resets the connection (RST),
truncates it (FIN) after some bytes, stalls it, flips a byte of a request body, or lets
the request reach the server and drops the answer. `slice` and `slow` change how every
connection is forwarded: in pieces of a few bytes, or at a limited rate.

Faults are one-shot and consumed in order by the requests that match them; `heal()` drops
the rest and releases stalled connections. No sleeping for synchronisation: stalls wait
on events that healing or closing sets, bounded by a timeout.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
from dataclasses import dataclass, field
from typing import Literal

Direction = Literal["up", "down"]
Kind = Literal["reset", "truncate", "stall", "corrupt", "drop_response"]

#: How long a stalled connection is held at most when nothing heals it.
STALL_LIMIT = 20.0


@dataclass
class Fault:
    """Break the next request whose first bytes contain `match`.

    `after` counts bytes of the exchange in `direction` (up: the request, down: the answer)
    before the fault strikes. `corrupt` flips the first body byte of the request;
    `drop_response` forwards the request and throws the answer away.
    """

    kind: Kind
    match: bytes
    direction: Direction = "up"
    after: int = 0


@dataclass
class _Exchange:
    fault: Fault
    counted: dict[str, int] = field(default_factory=lambda: {"up": 0, "down": 0})
    body_seen: bool = False
    corrupted: bool = False


class _Connection:
    def __init__(self, proxy: FaultProxy, client: socket.socket, server: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.server = server
        self.exchange: _Exchange | None = None
        self.wake = threading.Event()
        self.lock = threading.Lock()
        self.closed = False

    def start(self) -> None:
        for source, target, direction in (
            (self.client, self.server, "up"),
            (self.server, self.client, "down"),
        ):
            threading.Thread(
                target=self.pump, args=(source, target, direction), daemon=True
            ).start()

    def close(self, reset: bool) -> None:
        with self.lock:
            if self.closed:
                return
            self.closed = True
        if reset:
            # Linger 0: closing sends RST instead of FIN, as a dropped mobile link does.
            with contextlib.suppress(OSError):
                self.client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        self.wake.set()

    def pump(self, source: socket.socket, target: socket.socket, direction: Direction) -> None:
        try:
            while True:
                try:
                    data = source.recv(65536)
                except OSError:
                    break
                if not data:
                    with contextlib.suppress(OSError):
                        target.shutdown(socket.SHUT_WR)
                    break
                if direction == "up":
                    fault = self.proxy.take_fault(data)
                    if fault is not None:
                        self.exchange = _Exchange(fault)
                struck = self.strike(data, direction)
                if struck is None:
                    return
                data = struck
                if not self.send(target, data):
                    break
        finally:
            self.close(reset=False)

    def strike(self, data: bytes, direction: Direction) -> bytes | None:
        """Apply the exchange's fault to a chunk; None when the connection is done for."""
        exchange = self.exchange
        if exchange is None:
            return data
        fault = exchange.fault
        if fault.kind == "drop_response":
            if direction == "down":
                self.proxy.fired.append(fault)
                self.close(reset=True)
                return None
            return data
        if fault.direction != direction:
            return data
        if fault.kind == "corrupt":
            return self.corrupt(exchange, data)
        position = exchange.counted[direction]
        exchange.counted[direction] += len(data)
        if position + len(data) <= fault.after:
            return data
        keep = max(0, fault.after - position)
        target = self.server if direction == "up" else self.client
        if keep:
            self.send(target, data[:keep])
        self.proxy.fired.append(fault)
        if fault.kind == "stall":
            # Hold the line open and silent until healed, closed, or the limit.
            self.wake.wait(STALL_LIMIT)
        self.close(reset=fault.kind != "truncate")
        return None

    def corrupt(self, exchange: _Exchange, data: bytes) -> bytes:
        if exchange.corrupted:
            return data
        start = 0
        if not exchange.body_seen:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                return data
            exchange.body_seen = True
            start = end + 4
        if start >= len(data):
            return data
        exchange.corrupted = True
        self.proxy.fired.append(exchange.fault)
        flipped = bytearray(data)
        flipped[start] ^= 0xFF
        return bytes(flipped)

    def send(self, target: socket.socket, data: bytes) -> bool:
        proxy = self.proxy
        try:
            if proxy.slice_bytes:
                view = memoryview(data)
                while view:
                    size = proxy.rng.randint(1, proxy.slice_bytes)
                    target.sendall(view[:size])
                    view = view[size:]
            elif proxy.bytes_per_second:
                for start in range(0, len(data), 4096):
                    piece = data[start : start + 4096]
                    target.sendall(piece)
                    # Pacing, not synchronisation: a slow link.
                    if self.wake.wait(len(piece) / proxy.bytes_per_second):
                        return False
            else:
                target.sendall(data)
        except OSError:
            return False
        return True


class FaultProxy:
    """Listens on 127.0.0.1 (a free port) and forwards to `target_port` on 127.0.0.1."""

    def __init__(self, target_port: int, seed: int = 7) -> None:
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = int(self.listener.getsockname()[1])
        self.faults: list[Fault] = []
        self.fired: list[Fault] = []
        self.slice_bytes = 0
        self.bytes_per_second = 0
        self.rng = random.Random(seed)
        self.connections: list[_Connection] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def plan(self, *faults: Fault) -> None:
        with self._lock:
            self.faults.extend(faults)

    def take_fault(self, data: bytes) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self.faults):
                if fault.match in data:
                    return self.faults.pop(index)
        return None

    def heal(self) -> None:
        """Forward faithfully from now on; release every stalled connection."""
        with self._lock:
            self.faults.clear()
            self.slice_bytes = 0
            self.bytes_per_second = 0
            connections = list(self.connections)
        for connection in connections:
            connection.wake.set()

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        # close() alone does not wake a thread blocked in accept(); a last connection does.
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 5):
            pass
        with contextlib.suppress(OSError):
            self.listener.close()
        with self._lock:
            connections = list(self.connections)
        for connection in connections:
            connection.close(reset=False)
        self._thread.join(10)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self._stopped.is_set():
                client.close()
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection = _Connection(self, client, server)
            with self._lock:
                self.connections = [c for c in self.connections if not c.closed]
                self.connections.append(connection)
            connection.start()
