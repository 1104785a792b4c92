"""Check a TCP port before a server tries it, so the user gets a message, not a traceback."""

from __future__ import annotations

import os
import socket

from django.utils.translation import gettext as _


def port_problem(host: str, port: int) -> str | None:
    if not 0 < port < 65536:
        return _("Port %(port)s is not a valid port number; use 1 to 65535.") % {"port": port}
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
            return _(
                "Port %(port)s needs administrator rights on this machine; use one above 1023."
            ) % {"port": port}
        except OSError:
            return _(
                "Port %(port)s on %(host)s is already in use by another program. "
                "Stop that program, or choose another port, e.g. --port %(next)s."
            ) % {"port": port, "host": host, "next": port + 1}
    return None
