"""A training calendar fetched from an https address (``calfcoach calendar import URL``, the
API's and the calendar page's ``url``) without letting the address reach into this machine or
its network (D-191).

    fetch_calendar(url, server=...) -> bytes     at most MAX_CALENDAR_BYTES, one InputError

The host is resolved once and every address it resolves to is checked; the connection is
then made to those checked addresses (TLS still verifies the certificate against the host's
name), so a name that resolves elsewhere a moment later (DNS rebinding) reaches nothing new.
Each redirect's host is checked the same way. Refused everywhere: link-local addresses
(169.254.0.0/16, where cloud metadata services answer, and fe80::/10), unspecified,
multicast and reserved ones. Refused in server mode too: loopback, private and any other
address that is not globally reachable. In local single-user mode the user owns the machine,
and a calendar served on it or on the home network is theirs to import.

Every failure to fetch reads "could not fetch the calendar from HOST"; in server mode nothing
of the low-level reason is added (refused, reset, certificate, time-out), so the answers do
not map which ports of which hosts answer. Each network step waits at most
``CALENDAR_TIMEOUT_S`` seconds and the whole fetch at most ``CALENDAR_DEADLINE_S``.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from calfcoach.errors import InputError

__all__ = [
    "CALENDAR_DEADLINE_S",
    "CALENDAR_TIMEOUT_S",
    "MAX_REDIRECTS",
    "SERVER_REFUSAL",
    "fetch_calendar",
    "refusal",
]

CALENDAR_TIMEOUT_S = 5.0
"""Seconds a network step (resolve aside: the system's resolver has its own) may wait."""
CALENDAR_DEADLINE_S = 10.0
"""Seconds the whole fetch may take, connections, redirects and the body together."""
MAX_REDIRECTS = 3
SERVER_REFUSAL = "addresses on this machine or a private network are not fetched in server mode"
LINK_LOCAL_REFUSAL = (
    "link-local, multicast and reserved addresses (such as the cloud metadata address "
    "169.254.169.254) are not fetched"
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _meanings(address: IPAddress) -> list[IPAddress]:
    """The addresses a connection to ``address`` may reach: itself, or the IPv4 address an
    IPv6 one carries (mapped, 6to4, Teredo: both; NAT64: only the IPv4 one, the IPv6
    address being its translation)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return [address]
    if address in _NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    found: list[IPAddress] = [address]
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def _inside(address: IPAddress) -> bool:
    """Not a public address: loopback, private, link-local, shared (100.64.0.0/10),
    reserved, documentation, unspecified; or multicast."""
    return not address.is_global or address.is_multicast


def _never(address: IPAddress) -> bool:
    """Never fetched, whatever the mode: link-local (the cloud metadata service's
    169.254.169.254), unspecified, multicast, and IPv4's reserved 240.0.0.0/4 (IPv6's
    "reserved" ::/8 holds ::1 and the mapped addresses, judged by what they carry)."""
    return (
        address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or (address.version == 4 and address.is_reserved)
    )


def refusal(address: str, *, server: bool) -> str | None:
    """Why a connection to ``address`` (an IP address, as resolved) is refused, or None."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return SERVER_REFUSAL if server else LINK_LOCAL_REFUSAL
    meanings = _meanings(ip)
    if server and any(_inside(m) for m in meanings):
        return SERVER_REFUSAL
    if any(_never(m) for m in meanings):
        return LINK_LOCAL_REFUSAL
    return None


class _Refused(Exception):
    """A host resolved to an address that is not fetched (``refusal``); not an OSError, so
    urllib passes it through as it is."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(reason)
        self.host = host
        self.reason = reason


class _OutOfTime(OSError):
    """The fetch's ``CALENDAR_DEADLINE_S`` is spent."""


def _resolve(host: str, port: int) -> list[Any]:
    """The addresses of ``host`` (``socket.getaddrinfo``; the tests replace it)."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def _open(family: int, kind: int, proto: int) -> socket.socket:
    """A new socket (the tests replace it: nothing of theirs connects)."""
    return socket.socket(family, kind, proto)


def _checked_connection(
    host: str, port: int, timeout: float, deadline: float, *, server: bool
) -> socket.socket:
    """A TCP connection to ``host`` made to the addresses just resolved and checked."""
    found = _resolve(host, port)
    for *_, sockaddr in found:
        reason = refusal(str(sockaddr[0]), server=server)
        if reason is not None:  # every address: a mixed answer is refused whole
            raise _Refused(host, reason)
    error: OSError = OSError(f"{host} resolves to no address")
    for family, kind, proto, _, sockaddr in found:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _OutOfTime("the fetch took too long")
        sock = _open(family, kind, proto)
        try:
            sock.settimeout(min(timeout, left))
            sock.connect(sockaddr)
        except OSError as failed:
            sock.close()
            error = failed
            continue
        sock.settimeout(timeout)
        return sock
    raise error


def _connection_class(deadline: float, *, server: bool) -> Any:
    class CheckedHTTPSConnection(http.client.HTTPSConnection):
        """urllib's HTTPS connection, connected by ``_checked_connection``."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = self._connect_checked

        def _connect_checked(
            self, address: tuple[str, int], timeout: Any = None, source: Any = None
        ) -> socket.socket:
            step = timeout if isinstance(timeout, (int, float)) else CALENDAR_TIMEOUT_S
            return _checked_connection(address[0], address[1], step, deadline, server=server)

    return CheckedHTTPSConnection


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: float, *, server: bool) -> None:
        super().__init__()
        self._connection = _connection_class(deadline, server=server)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)


class _HttpsOnly(urllib.request.HTTPRedirectHandler):
    """Redirects are followed to https addresses only, at most ``MAX_REDIRECTS`` of them."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: object,
        newurl: str,
    ) -> urllib.request.Request | None:
        if _scheme(newurl) != "https":
            raise InputError.about(
                "calendar",
                f"the address redirects to {newurl[:200]!r}, which is not https",
                value=newurl[:200],
                allowed="an https address",
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)  # type: ignore[arg-type]


def _scheme(url: str) -> str | None:
    """The address's scheme; None for one the URL parser refuses ("https://[::1/x")."""
    try:
        return urllib.parse.urlsplit(url).scheme
    except ValueError:
        return None


def _host(url: str) -> str | None:
    """The address's host; None without one, or with a port that is not a number or out of
    range, or when the URL parser refuses the address."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018  (a port that is not a number, or out of range, raises)
    except ValueError:
        return None
    return parts.hostname


def _printable(text: str, limit: int = 100) -> str:
    return "".join(c if " " <= c <= "~" else "?" for c in text)[:limit]


def fetch_calendar(url: str, *, server: bool = False, timeout: float = CALENDAR_TIMEOUT_S) -> bytes:
    """The calendar at an https address: at most ``MAX_CALENDAR_BYTES``, each network step
    within ``timeout`` seconds and the whole within ``CALENDAR_DEADLINE_S``; the address's
    host (and each redirect's) must not resolve to an address refused by ``refusal``
    (``server``: server mode's wider refusal). One clear ``InputError`` otherwise."""
    from calfcoach.formats.calendar_import import MAX_CALENDAR_BYTES

    host = _host(url)
    if _scheme(url) != "https" or not host:
        raise InputError.about(
            "calendar",
            f"{url[:200]!r} is not an https address",
            value=url[:200],
            allowed="an https:// address or a calendar file",
        )
    shown = _printable(host)
    allowed = f"an https address that serves the calendar within {CALENDAR_DEADLINE_S:g} s"
    deadline = time.monotonic() + CALENDAR_DEADLINE_S
    opener = urllib.request.build_opener(
        _HttpsOnly(),
        _CheckedHTTPSHandler(deadline, server=server),
        urllib.request.ProxyHandler({}),  # connected directly: the check is of the host itself
    )
    request = urllib.request.Request(url, headers={"User-Agent": "calfcoach"})
    chunks: list[bytes] = []
    size = 0
    try:
        with opener.open(request, timeout=timeout) as answer:
            read = getattr(answer, "read1", answer.read)
            while size <= MAX_CALENDAR_BYTES:
                chunk: bytes = read(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() > deadline:
                    raise _OutOfTime("the fetch took too long")
    except InputError:
        raise
    except _Refused as refused:
        raise InputError.about(
            "calendar",
            refused.reason,
            value=url[:200],
            allowed="a calendar on a public https address, or its file",
        ) from None
    except urllib.error.HTTPError as error:
        raise InputError.about(
            "calendar",
            f"could not fetch the calendar from {shown} (it answered HTTP {error.code})",
            value=url[:200],
            allowed=allowed,
        ) from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, _Refused):  # urllib wrapped it (it does not, today)
            raise InputError.about(
                "calendar", reason.reason, value=url[:200], allowed="a public https address"
            ) from None
        said = "" if server else f" ({_printable(str(reason), 200) or type(reason).__name__})"
        raise InputError.about(
            "calendar",
            f"could not fetch the calendar from {shown}{said}",
            value=url[:200],
            allowed=allowed,
        ) from None
    if size > MAX_CALENDAR_BYTES:
        raise InputError.about(
            "calendar",
            f"the calendar at {shown} is larger than {MAX_CALENDAR_BYTES:,} bytes",
            value=url[:200],
            allowed=f"at most {MAX_CALENDAR_BYTES:,} bytes",
        )
    return b"".join(chunks)
