"""Check a TCP port before a server tries it, so the user gets a message, not a traceback."""

from __future__ import annotations

import os
import socket


def port_problem(host: str, port: int) -> str | None:
    if not 0 < port < 65536:
        return f"Port {port} is not a valid port number; use 1 to 65535."
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        # Bind the way waitress does: with SO_REUSEADDR, so connections left in TIME_WAIT by
        # a server that just stopped do not count, while a listening program still does.
        # (On Windows the option would let two servers share a port, and waitress does not
        # need it there.)
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except PermissionError:
            return f"Port {port} needs administrator rights on this machine; use one above 1023."
        except OSError:
            return (
                f"Port {port} on {host} is already in use by another program. "
                f"Stop that program, or choose another port, e.g. --port {port + 1}."
            )
    return None
