"""An organization that texts through a real gateway, for the SMS suites (tests/integration/test_sms_*.py).

    with kannel_and_tocsin(tmp_path) as (k, srv, org):
        k.phone()
        ...

Quiet hours: the gate defers texts outside 08:00-21:00 at the recipient's location (SMS-Q1), and at some
hours of the day no North American zone is inside that window. So that these suites pass whenever they run,
`tocsin serve` runs under libfaketime (Debian package faketime) with its clock moved ahead to the next 18:00
UTC: 13:00 in New York (14:00 in summer), 10:00 in Los Angeles. The recipients' numbers are New York
numbers (212), a state without a stricter window or holiday rule. Only the server's wall clock moves (its
monotonic clock does not); `offset` converts between the test's clock and the server's.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import urllib.parse
from pathlib import Path

from fixtures.kannel import SENDSMS_PASSWORD, SENDSMS_USER, Kannel, MtText, parse_fakesmsc_line
from tocsin_server import TocsinServer, free_port, wait_until  # noqa: F401 (wait_until: suites import it from here)

FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
SENDER = "+12025550100"  # a registered 10DLC number of the organization
SECRET = "kannel-callback-secret-for-tests"
BRAND = "Tocsin Action"
SUPPORT = "help@tocsin.example"
FREQUENCY = "Up to 4 msgs/mo"
STOP_CONFIRMATION = f"{BRAND}: You are unsubscribed and will receive no more messages. Reply START to resubscribe."
HELP_REPLY = (f"{BRAND}: Help: {SUPPORT}. {FREQUENCY}. Msg & data rates may apply. Reply STOP to cancel.")
RESUBSCRIBED = (f"{BRAND}: You are subscribed again. {FREQUENCY}. Msg & data rates may apply. "
                "Reply HELP for help, STOP to cancel.")


def daytime_offset() -> int:
    """Seconds from now to the next 18:00 UTC."""
    now = datetime.datetime.now(datetime.timezone.utc)
    target = now.replace(hour=18, minute=0, second=0, microsecond=0)
    if target <= now + datetime.timedelta(minutes=1):
        target += datetime.timedelta(days=1)
    return int((target - now).total_seconds())


def kannel_get_url(port: int, secret: str = SECRET) -> str:
    """smsbox's get-url for tocsin's MO endpoint: the same fields as sms::kannel_get_url (docs/SMS.md)."""
    return (f"http://127.0.0.1:{port}/sms/kannel/mo?secret={urllib.parse.quote(secret)}"
            "&from=%p&to=%P&text=%b&charset=%C&coding=%c&smsc=%i&id=%I&ts=%T")


def kannel_sections(k: Kannel) -> dict:
    return {"sms": {"gateway": "kannel", "kannel_sendsms_url": k.sendsms_url, "kannel_username": SENDSMS_USER,
                    "kannel_password": SENDSMS_PASSWORD, "kannel_secret": SECRET}}


def texting_server(tmp_path: Path, port: int, sections: dict, mps: float = 10, max_segments: int = 6,
                   daily_cap: int = 0) -> tuple[TocsinServer, dict]:
    """A data directory with one organization, its texting program settings and a registered 10DLC sender,
    configured (not started) to serve on `port` with the given gateway sections, under a daytime clock."""
    srv = TocsinServer(tmp_path / "data")
    org = srv.init()
    d = str(srv.data_dir)
    srv.cli("settings", "--data", d, "--org", org["org_id"], "--brand", BRAND, "--support", SUPPORT,
            "--frequency", FREQUENCY, "--max-segments", str(max_segments))
    srv.cli("sender", "add", "--data", d, "--org", org["org_id"], SENDER, "--type", "10dlc", "--registered",
            "--campaign", "CTEST001", "--mps", str(mps), "--daily-cap", str(daily_cap))
    srv.port = port
    srv.write_config(sections=sections)
    srv.offset = daytime_offset()
    # Under AddressSanitizer (make test-sanitize) the preloaded library comes before ASan's runtime.
    asan = ":".join(o for o in (os.environ.get("ASAN_OPTIONS", ""), "verify_asan_link_order=0") if o)
    srv.env = {"LD_PRELOAD": FAKETIME_LIB, "FAKETIME": f"+{srv.offset}", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
               "ASAN_OPTIONS": asan}
    return srv, org


@contextlib.contextmanager
def kannel_and_tocsin(tmp_path: Path, mps: float = 10, **settings):
    """Real Kannel whose get-url calls a running tocsin server that texts through it: (kannel, server, org).
    The phone network (fakesmsc) is not connected yet: k.phone(). `settings`: texting_server's max_segments,
    daily_cap."""
    port = free_port()
    with Kannel(tmp_path / "kannel", get_url=kannel_get_url(port)) as k:
        srv, org = texting_server(tmp_path, port, kannel_sections(k), mps=mps, **settings)
        with srv.start():
            yield k, srv, org


def phone_texts(k: Kannel) -> list[MtText]:
    """Every text the phone network received, across all of its connections, in order."""
    out = []
    for f in sorted(k.dir.glob("fakesmsc-*.out"), key=lambda p: int(p.stem.split("-")[1])):
        for line in f.read_text(errors="replace").splitlines():
            t = parse_fakesmsc_line(line)
            if t:
                out.append(t)
    return out


def texts_to(k: Kannel, number: str) -> list[str]:
    return [t.text for t in phone_texts(k) if t.receiver == number]


def sms_status(client, person_id: str) -> str:
    p = client.person(person_id)
    return next(ph["status"] for ph in p["phone_numbers"])


def sms_ledger(client, person_id: str) -> list[dict]:
    proof = client.ok("GET", f"people/{person_id}/consent")
    return next(cp for cp in proof["contact_points"] if cp["channel"] == "sms")["entries"]
