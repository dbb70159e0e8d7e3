"""`bilat serve`: the compiled database in Datasette, read-only, with bilat's metadata.

Datasette is an optional extra (`pip install 'bilat[web]'`); it is imported here only, when the command runs.
The database is opened immutable: bilat never changes a built database in place (a rebuild writes a new file
and swaps it in), so SQLite may skip its locks and Datasette may cache counts.  bilat binds the socket itself,
so `--port 0` picks a free port and the first line on stdout is the address actually served.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from pathlib import Path

from bilat import __version__
from bilat.problems import UsageError
from bilat.publish.datasette_metadata import DATABASE, metadata

INSTALL_HINT = "serve: Datasette is not installed; install the web extra: pip install 'bilat[web]'"


def check_installed() -> None:
    """A UsageError (exit 2) with the line that says how to install Datasette, when it is not."""
    import importlib.util

    if importlib.util.find_spec("datasette") is None or importlib.util.find_spec("uvicorn") is None:
        raise UsageError(INSTALL_HINT)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one); a UsageError naming why not."""
    if not 0 <= port <= 65535:
        raise UsageError(f"serve: --port {port} is not a port (0 to 65535; 0 picks a free one)")
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise UsageError(f"serve: --host {host!r}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"serve: cannot listen on {host}:{port}: {exc.strerror} (choose another --host or --port)"
        ) from None
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(db: Path, sock: socket.socket, *, say: Callable[[str], None]) -> None:
    """Serve `db` on `sock` until interrupted: Datasette under uvicorn, no access log.

    Ctrl-C is how a server is meant to stop, so it ends with exit 0 once uvicorn has shut down cleanly
    (SIGTERM ends it as SIGTERM does).
    """
    import asyncio

    import uvicorn
    from datasette.app import Datasette
    from datasette.database import Database

    ds = Datasette(metadata=metadata(version=__version__), settings={"default_page_size": 50})
    ds.add_database(Database(ds, path=str(db), is_mutable=False), name=DATABASE)
    if "_memory" in ds.databases:  # Datasette adds an empty in-memory database when given no files
        ds.remove_database("_memory")
    asyncio.run(ds.invoke_startup())
    sys.stdout.write(address(sock) + "\n")
    sys.stdout.flush()
    say(f"serving {db} read-only at {address(sock)}{DATABASE}; Ctrl-C stops it")
    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on", access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shut down, then raised the Ctrl-C it caught again
        say("stopped")
