"""The port check before `plantrack serve`/`demo` agrees with how waitress binds."""

from __future__ import annotations

import socket

import pytest

from plantrack.lib.ports import port_problem


def _time_wait_port() -> int:
    """A loopback port whose server side closed a connection first, so TIME_WAIT remains."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Like waitress's own listening socket (its connections inherit the option).
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = listener.accept()
    accepted.close()  # the server closes first: its end goes to TIME_WAIT
    listener.close()
    client.recv(1)  # wait for the server's FIN, then close the client end
    client.close()
    return port


def test_a_port_left_in_time_wait_by_a_stopped_server_is_free():
    port = _time_wait_port()
    # Given: a plain bind (the old probe) is refused, which shows TIME_WAIT is really there.
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind(("127.0.0.1", port))
    # Then: the probe says what waitress (SO_REUSEADDR) will find: the port is free.
    assert port_problem("127.0.0.1", port) is None


def test_a_port_with_a_listening_server_is_in_use(english):
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        problem = port_problem("127.0.0.1", port)
    assert problem is not None
    assert "already in use" in problem


def test_a_port_out_of_range_is_refused_with_the_range(english):
    assert "1 to 65535" in (port_problem("127.0.0.1", 70000) or "")
