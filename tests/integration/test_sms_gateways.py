"""The SMS drivers against real gateways: Kannel (bearerbox + smsbox, fakesmsc as the phone network) and a
Twilio stand-in that checks the exact request. Texts go through tests/tools/send_test_sms, which passes
each one through the real gate before the driver gets it."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
from pathlib import Path

import pytest

from fixtures.http_capture import CaptureServer
from fixtures.kannel import SENDSMS_PASSWORD, SENDSMS_USER, Kannel, reassemble
from fixtures.twilio_standin import TwilioStandIn

REPO = Path(__file__).resolve().parents[2]
SENDER = "+12025550100"
PHONE = "+12125550123"
DLR_SECRET = "dlr-secret-for-tests"


def tool() -> str:
    return os.environ.get("TOCSIN_SEND_TEST_SMS") or str(REPO / "build" / "send_test_sms")


def send(*args: str) -> tuple[int, list[dict], dict]:
    p = subprocess.run([tool(), *args], capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert lines, p.stderr
    return p.returncode, lines[:-1], lines[-1]


@pytest.fixture
def kannel(tmp_path):
    with CaptureServer() as dlr:
        k = Kannel(tmp_path / "kannel")
        k.dlr = dlr
        try:
            k.start()
            k.phone()
            yield k
        except Exception:
            print(k.logs())
            raise
        finally:
            k.stop()


def kannel_args(k: Kannel, password: str = SENDSMS_PASSWORD) -> list[str]:
    return ["--driver", "kannel", "--sendsms-url", k.sendsms_url, "--username", SENDSMS_USER,
            "--password", password, "--dlr-url", k.dlr.url("/sms/kannel/dlr"), "--dlr-secret", DLR_SECRET,
            "--from", SENDER, "--to", PHONE]


def test_kannel_delivers_each_text_to_the_phone_network_and_reports_back(kannel):
    rc, texts, summary = send(*kannel_args(kannel), "--count", "5", "--threads", "2", "--delivery-prefix", "mt-")
    assert rc == 0, texts
    assert summary["accepted"] == 5
    assert all(t["outcome"] == "accepted" and t["detail"] == "Kannel answered 202: 0: Accepted for delivery"
               for t in texts)

    got = kannel.wait_for_mt(5)
    assert sorted(m.text for m in got) == sorted(f"Tocsin Test: message {n}. Reply STOP to opt out." for n in range(1, 6))
    assert {(m.sender, m.receiver) for m in got} == {(SENDER, PHONE)}

    # fakesmsc's connection reports SMSC acceptance (8) and handset delivery (1) for each text; the driver asks
    # for final reports only (dlr-mask 19), so smsbox calls the dlr-url once per text, with tocsin's delivery
    # id and the shared secret.
    reports = kannel.dlr.wait_for(5)
    assert len(reports) == 5, [r.raw_target for r in reports]
    assert {r.path for r in reports} == {"/sms/kannel/dlr"}
    assert {r.q("secret") for r in reports} == {DLR_SECRET}
    by_id: dict[str, set[str]] = {}
    for r in reports:
        by_id.setdefault(r.q("delivery"), set()).add(r.q("type"))
        assert r.q("ts").isdigit()
    assert by_id == {f"mt-{n}": {"1"} for n in range(1, 6)}
    assert kannel.dlr.wait_for(6, timeout=1)[5:] == [], "no report of the non-final kinds (8: SMSC accepted)"


def test_kannel_carries_non_gsm_text_as_ucs2(kannel):
    body = "Tocsin Test: марш в субботу — приходите. Reply STOP to opt out."
    rc, texts, _ = send(*kannel_args(kannel), "--body", body)
    assert rc == 0, texts
    got = kannel.wait_for_mt(1)
    assert [m.text for m in got] == [body]
    assert "ucs-2" in kannel._phone_out.read_text()


def test_kannel_long_text_goes_as_concatenated_parts(kannel):
    body = "Tocsin Test: " + "the hearing moved to room 4B at city hall, please come early. " * 4 + "Reply STOP to opt out."
    rc, texts, _ = send(*kannel_args(kannel), "--body", body)
    assert rc == 0, texts
    got = kannel.wait_for_mt(2)
    assert len(got) == 2  # 285 GSM-7 characters: two parts of 153
    assert {p.udh[:3] for p in got} == {b"\x05\x00\x03"} and {p.udh[4:] for p in got} == {b"\x02\x01", b"\x02\x02"}
    assert reassemble(got) == body


def test_kannel_wrong_password_is_rejected_and_not_echoed(kannel):
    rc, texts, summary = send(*kannel_args(kannel, password="not-the-password-xyz"))
    assert rc == 1
    assert summary["rejected"] == 1
    assert texts[0]["outcome"] == "rejected"
    assert "403" in texts[0]["detail"]
    assert "not-the-password-xyz" not in json.dumps(texts)
    assert kannel.wait_for_mt(1, timeout=1) == []


def test_kannel_down_is_a_temporary_failure(kannel):
    kannel.stop()
    rc, texts, summary = send(*kannel_args(kannel))
    assert rc == 1
    assert summary["temporary"] == 1
    assert texts[0]["detail"].startswith("Kannel unreachable:")


def test_kannel_passes_an_mo_to_the_get_url(tmp_path):
    # The get-url tocsin configures (sms::kannel_get_url), aimed at a capture server.
    with CaptureServer() as mo:
        get_url = mo.url("/sms/kannel/mo") + "?secret=mo-secret&from=%p&to=%P&text=%b&charset=%C&coding=%c&smsc=%i&id=%I&ts=%T"
        with Kannel(tmp_path / "kannel", get_url=get_url) as k:
            k.phone(mo=f"{PHONE} {SENDER} text Stop texting me")
            got = mo.wait_for(1)
            assert len(got) == 1, k.logs()
            r = got[0]
            assert (r.path, r.q("secret"), r.q("from"), r.q("to"), r.q("text")) == (
                "/sms/kannel/mo", "mo-secret", PHONE, SENDER, "Stop texting me")
            assert r.q("charset") == "UTF-8" and r.q("smsc") == "fake"
            assert len(r.q("id")) == 36 and r.q("ts").isdigit()

            # A UCS-2 MO arrives recoded to UTF-8 (mo-recode).
            k.phone(mo=f"{PHONE} {SENDER} ucs2 " + urllib.parse.quote("СТОП".encode("utf-16-be")))
            got = mo.wait_for(2)
            assert got[1].q("text") == "СТОП" and got[1].q("charset") == "UTF-8"


ACCOUNT = "AC" + "0123456789abcdef" * 2
TOKEN = "twilio-auth-token-for-tests"


def twilio_args(tw: TwilioStandIn, token: str = TOKEN) -> list[str]:
    return ["--driver", "twilio", "--base-url", tw.base_url, "--account-sid", ACCOUNT, "--auth-token", token,
            "--status-callback", "https://tocsin.example/sms/twilio/status", "--from", SENDER, "--to", PHONE]


def test_twilio_request_is_exactly_what_the_api_takes():
    with TwilioStandIn(ACCOUNT, TOKEN) as tw:
        rc, texts, summary = send(*twilio_args(tw), "--count", "3", "--delivery-prefix", "tw-")
        assert rc == 0, texts
        assert tw.problems == []
        assert sorted(a["Body"] for a in tw.accepted) == [f"Tocsin Test: message {n}. Reply STOP to opt out." for n in (1, 2, 3)]
        for a in tw.accepted:
            assert (a["To"], a["From"]) == (PHONE, SENDER)
            n = a["Body"].split("message ")[1].split(".")[0]
            assert a["StatusCallback"] == f"https://tocsin.example/sms/twilio/status?delivery=tw-{n}"
        # The driver reports Twilio's message sid.
        assert sorted(t["gateway_id"] for t in texts) == sorted(a["sid"] for a in tw.accepted)
        assert all(t["detail"] == "status queued" for t in texts)


def test_twilio_throttling_and_errors_map_to_outcomes():
    with TwilioStandIn(ACCOUNT, TOKEN, throttle_every=3) as tw:
        rc, texts, summary = send(*twilio_args(tw), "--count", "9")
        assert rc == 1
        assert (summary["accepted"], summary["throttled"]) == (6, 3)
        throttled = [t for t in texts if t["outcome"] == "throttled"]
        assert {t["detail"] for t in throttled} == {"HTTP 429, error 20429: Too Many Requests"}
        assert tw.problems == []

    with TwilioStandIn(ACCOUNT, TOKEN) as tw:
        rc, texts, summary = send(*twilio_args(tw, token="wrong-token-abc"))
        assert summary["rejected"] == 1
        assert texts[0]["detail"] == "HTTP 401, error 20003: Authenticate"
        assert "wrong-token-abc" not in json.dumps(texts)


def test_twilio_messaging_service_replaces_from():
    with TwilioStandIn(ACCOUNT, TOKEN) as tw:
        rc, texts, _ = send(*twilio_args(tw), "--messaging-service-sid", "MG" + "a" * 32)
        assert rc == 0, texts
        assert tw.problems == []
        assert tw.accepted[0]["MessagingServiceSid"] == "MG" + "a" * 32 and "From" not in tw.accepted[0]


def test_outbox_driver_writes_json_lines(tmp_path):
    out = tmp_path / "outbox.jsonl"
    rc, texts, summary = send("--driver", "outbox", "--outbox", str(out), "--count", "4", "--threads", "2")
    assert rc == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(line["delivery_id"] for line in lines) == ["test-1", "test-2", "test-3", "test-4"]
    # The encoding is spelled as preflight spells it.
    assert {(line["from"], line["to"], line["encoding"], line["segments"]) for line in lines} == {(SENDER, PHONE, "GSM-7", 1)}
