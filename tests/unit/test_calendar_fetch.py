"""A calendar address is not fetched from this machine or its network (D-191): in server mode
no loopback, private, link-local, multicast, reserved or unspecified address, however the
host is written; in local mode no link-local (cloud metadata) one. Every address the host
resolves to is checked and the connection goes to the checked one. No real network: the
literal addresses and ``localhost`` resolve on this machine, other names are monkeypatched,
and no test here lets a socket connect."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from calfcoach.errors import InputError
from calfcoach.services import calendar_fetch
from calfcoach.services.calendar_fetch import (
    LINK_LOCAL_REFUSAL,
    SERVER_REFUSAL,
    fetch_calendar,
    refusal,
)


class _Socket:
    """Stands in for ``socket.socket``: records where it was asked to connect, and fails
    the way ``failure`` says (nothing leaves this machine)."""

    connected: list[Any] = []
    failure: OSError = ConnectionRefusedError(111, "Connection refused")

    def __init__(self, family: int, kind: int, proto: int) -> None:
        pass

    def settimeout(self, value: float) -> None:
        pass

    def connect(self, address: Any) -> None:
        _Socket.connected.append(address)
        raise _Socket.failure

    def close(self) -> None:
        pass


@pytest.fixture(autouse=True)
def no_connection(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    _Socket.connected = []
    _Socket.failure = ConnectionRefusedError(111, "Connection refused")
    monkeypatch.setattr(calendar_fetch, "_open", _Socket)
    return _Socket.connected


def resolving_to(monkeypatch: pytest.MonkeyPatch, *addresses: str) -> list[str]:
    """``getaddrinfo`` answering ``addresses`` for any name; the names asked are recorded."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[Any]:
        asked.append(host)
        return [
            (
                socket.AF_INET6 if ":" in a else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (a, port, 0, 0) if ":" in a else (a, port),
            )
            for a in addresses
        ]

    monkeypatch.setattr(calendar_fetch, "_resolve", resolve)
    return asked


def refused(url: str, *, server: bool) -> InputError:
    with pytest.raises(InputError) as raised:
        fetch_calendar(url, server=server)
    assert raised.value.details[0].field == "calendar"
    return raised.value


INSIDE = [
    "https://localhost/plan.ics",
    "https://LOCALHOST:8443/plan.ics",
    "https://[::1]/plan.ics",
    "https://0x7f000001/plan.ics",  # 127.0.0.1 in hex
    "https://2130706433/plan.ics",  # 127.0.0.1 as one decimal number
    "https://127.1/plan.ics",
    "https://0177.0.0.1/plan.ics",  # octal
    "https://[::ffff:127.0.0.1]/plan.ics",  # IPv4-mapped IPv6
    "https://169.254.169.254/latest/meta-data/",  # the cloud metadata service
    "https://[fe80::1]/plan.ics",
    "https://[64:ff9b::a9fe:a9fe]/plan.ics",  # the metadata address through NAT64
    "https://10.0.0.5/plan.ics",
    "https://192.168.1.20/plan.ics",
    "https://172.16.0.1/plan.ics",
    "https://100.64.0.1/plan.ics",  # carrier-grade NAT
    "https://[fd00::1]/plan.ics",
    "https://0.0.0.0/plan.ics",
    "https://224.0.0.1/plan.ics",
]


@pytest.mark.parametrize("url", INSIDE)
def test_server_mode_refuses_every_address_inside_before_connecting(
    url: str, no_connection: list[Any]
) -> None:
    error = refused(url, server=True)

    assert error.details[0].message == SERVER_REFUSAL
    assert no_connection == []


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://0xa9fea9fe/latest/meta-data/",  # 169.254.169.254 in hex
        "https://[::ffff:169.254.169.254]/",
        "https://[fe80::1]/plan.ics",
        "https://0.0.0.0/plan.ics",
        "https://224.0.0.1/plan.ics",
        "https://240.0.0.1/plan.ics",
    ],
)
def test_local_mode_still_refuses_link_local_and_the_like(
    url: str, no_connection: list[Any]
) -> None:
    error = refused(url, server=False)

    assert error.details[0].message == LINK_LOCAL_REFUSAL
    assert no_connection == []


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://localhost/plan.ics", ("127.0.0.1", 443)),
        ("https://[::1]:8443/plan.ics", ("::1", 8443, 0, 0)),
        ("https://192.168.1.20/plan.ics", ("192.168.1.20", 443)),
    ],
)
def test_local_mode_fetches_from_this_machine_and_its_network(
    url: str, address: tuple[Any, ...], no_connection: list[Any]
) -> None:
    error = refused(url, server=False)

    assert no_connection == [address]  # it tried: the local user owns the machine
    message = error.details[0].message
    assert message.startswith("could not fetch the calendar from ")
    assert "Connection refused" in message  # the local user is told why


def test_a_name_resolving_to_a_private_address_is_refused_in_server_mode(
    monkeypatch: pytest.MonkeyPatch, no_connection: list[Any]
) -> None:
    resolving_to(monkeypatch, "10.1.2.3")

    assert refused("https://intranet.example/plan.ics", server=True).details[0].message == (
        SERVER_REFUSAL
    )
    assert no_connection == []


def test_one_inside_address_among_public_ones_refuses_the_name(
    monkeypatch: pytest.MonkeyPatch, no_connection: list[Any]
) -> None:
    resolving_to(monkeypatch, "93.184.216.34", "127.0.0.1")

    assert refused("https://plan.example/p.ics", server=True).details[0].message == (SERVER_REFUSAL)
    assert no_connection == []


def test_the_connection_goes_to_the_address_checked_not_to_a_second_lookup(
    monkeypatch: pytest.MonkeyPatch, no_connection: list[Any]
) -> None:
    # A DNS rebinding: the name answers a public address, then 127.0.0.1. It is looked up
    # once, and the socket connects to the checked address itself.
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    def resolve(host: str, port: int) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in next(answers)]

    monkeypatch.setattr(calendar_fetch, "_resolve", resolve)

    refused("https://plan.example/p.ics", server=True)

    assert no_connection == [("93.184.216.34", 443)]
    assert next(answers) == ["127.0.0.1"]  # never asked


@pytest.mark.parametrize(
    "failure",
    [
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError("timed out"),
        OSError(113, "No route to host"),
    ],
)
def test_server_mode_says_the_same_whatever_went_wrong(
    monkeypatch: pytest.MonkeyPatch, failure: OSError
) -> None:
    resolving_to(monkeypatch, "93.184.216.34")
    _Socket.failure = failure

    error = refused("https://plan.example:8443/p.ics", server=True)

    assert error.details[0].message == "could not fetch the calendar from plan.example"


def test_server_mode_says_the_same_for_a_name_that_does_not_resolve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def resolve(host: str, port: int) -> list[Any]:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(calendar_fetch, "_resolve", resolve)

    error = refused("https://nowhere.example/p.ics", server=True)

    assert error.details[0].message == "could not fetch the calendar from nowhere.example"


@pytest.mark.parametrize(
    ("address", "server", "reason"),
    [
        ("93.184.216.34", True, None),
        ("2606:2800:220:1:248:1893:25c8:1946", True, None),
        ("127.0.0.1", False, None),
        ("10.0.0.5", False, None),
        ("fe80::1%eth0", False, LINK_LOCAL_REFUSAL),
        ("fe80::1%eth0", True, SERVER_REFUSAL),
        ("2002:a9fe:a9fe::1", False, LINK_LOCAL_REFUSAL),  # 6to4 of 169.254.169.254
        ("2002:7f00:1::1", True, SERVER_REFUSAL),  # 6to4 of 127.0.0.1
        ("64:ff9b::5db8:d822", False, None),  # NAT64 of 93.184.216.34
        ("64:ff9b::5db8:d822", True, None),
        ("::ffff:127.0.0.1", False, None),
        ("::ffff:169.254.169.254", False, LINK_LOCAL_REFUSAL),
        ("not an address", True, SERVER_REFUSAL),
    ],
)
def test_which_addresses_are_refused(address: str, server: bool, reason: str | None) -> None:
    assert refusal(address, server=server) == reason


def test_redirects_are_few_and_stay_on_https() -> None:
    assert calendar_fetch._HttpsOnly.max_redirections == 3
    assert calendar_fetch.CALENDAR_TIMEOUT_S <= 5
    assert calendar_fetch.CALENDAR_DEADLINE_S <= 10
