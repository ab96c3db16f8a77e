"""An acknowledged opt-out is never followed by a send (issue 10, item 0; messaging/opt_out_fence.h).

A 3,000-recipient email blast to a loopback SMTP server that records when each transaction's MAIL FROM arrived
and for whom; meanwhile ~150 recipients just ahead of the blast's progress opt out, half by the one-click
POST /unsubscribe/{token}, half by PUT /people/{id} with status unsubscribed. Once the client has the 200 of an
opt-out, no SMTP transaction for that recipient may begin. Run unpaced and with [email] smtp_max_per_second
(the pacing wait used to sit between the gate's last look and the transaction)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

import delivery_plan
from mail_servers import RecordingSmtpSink
from test_blast import create_message, setup_server, wait_status
from tocsin_server import an_id

PEOPLE = 3000
OPT_OUTS = 150


def mint_unsubscribe_token(data_dir, org_id: str, person_id: str, message_id: str) -> str:
    """The one-click token tocsin puts in the recipient's List-Unsubscribe URL (email/unsubscribe_token.cc:
    version 1, key id, org, person, message as UUID bytes, then 16 bytes of HMAC-SHA-256), computed here from
    the installation's token.keys (35-byte records: id, retired flag, secret) because the recipients who race
    have not received their message yet."""
    raw = (data_dir / "token.keys").read_bytes()
    keys = [(int.from_bytes(raw[i:i + 2], "big"), raw[i + 2], raw[i + 3:i + 35]) for i in range(0, len(raw), 35)]
    key_id, _, secret = max((k for k in keys if not k[1]), key=lambda k: k[0])
    body = bytes([1]) + key_id.to_bytes(2, "big") + b"".join(uuid.UUID(x).bytes for x in (org_id, person_id,
                                                                                            message_id))
    mac = hmac.new(secret, body, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(body + mac).rstrip(b"=").decode()


def add_people(srv, key: str, n: int) -> dict[str, str]:
    """n subscribed people tagged for the blast, added concurrently (a client per thread); person id -> email."""
    local = threading.local()

    def add(i):
        if not hasattr(local, "c"):
            local.c = srv.client(key)
        email = f"r{i}@example.net"
        r = local.c.post("people", json={"person": {"email_addresses": [{"address": email, "status": "subscribed"}]},
                                   "add_tags": ["volunteers"]})
        assert r.status_code == 200, r.text
        return an_id(r.json()), email

    with ThreadPoolExecutor(8) as pool:
        return dict(pool.map(add, range(n)))


class AheadPicker:
    """Hands the racing threads distinct plan positions just ahead of the blast's progress: `progress()` (how
    many hand-overs the recipient side has seen) plus a random step up to `spread`, skipping positions taken or
    refused by `eligible`; None once `limit` were handed out or the blast is within `tail` of its end."""

    def __init__(self, order: list, progress, spread: int, limit: int, tail: int, eligible=lambda seq: True,
                 seed: int = 10):
        self.order, self.progress, self.spread, self.limit, self.tail = order, progress, spread, limit, tail
        self.eligible = eligible
        self.taken: set[int] = set()
        self.lock = threading.Lock()
        self.rng = random.Random(seed)

    def next(self) -> int | None:
        with self.lock:
            frontier = self.progress()
            if len(self.taken) >= self.limit or frontier >= len(self.order) - self.tail:
                return None
            seq = frontier + self.rng.randint(1, self.spread)
            while seq < len(self.order) and (seq in self.taken or not self.eligible(seq)):
                seq += 1
            if seq >= len(self.order):
                return None
            self.taken.add(seq)
            return seq


@pytest.mark.parametrize("per_second", [0, 600])
def test_no_transaction_begins_for_a_recipient_after_their_opt_out_was_acknowledged(tmp_path, smtp_sink, local_dns,
                                                                                    per_second):
    sink = RecordingSmtpSink().start()
    try:
        # 3000 recipients: over the new-organization review's size, which this race is not about
        srv, org, c, _, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=0, sink=sink,
                                                     per_second=per_second,
                                                     sections={"trust": {"review_first_blasts": 0}})
        with srv:
            people = add_people(srv, org["api_key"], PEOPLE)
            mid = create_message(c, tag_href)
            assert c.post(f"messages/{mid}/send", json={}).status_code == 200
            db = srv.db()
            entries, _ = delivery_plan.plan(db, mid)
            db.close()
            order = [e["person_id"] for e in entries]  # plan order: the blast's progress through it
            assert len(order) == PEOPLE + 1

            acked: dict[str, float] = {}  # email -> when the client had the opt-out's 200
            picker = AheadPicker(order, sink.count, spread=10, limit=OPT_OUTS, tail=20,
                                 eligible=lambda seq: order[seq] in people)

            def opt_out_ahead(worker: int):
                session_client = srv.client(org["api_key"])
                while (seq := picker.next()) is not None:
                    pid = order[seq]
                    email = people[pid]
                    if seq % 2:
                        token = mint_unsubscribe_token(srv.data_dir, org["org_id"], pid, mid)
                        r = session_client.session.post(f"{srv.base}/unsubscribe/{token}",
                                                        data={"List-Unsubscribe": "One-Click"}, timeout=30)
                    else:
                        r = session_client.put(f"people/{pid}", json={
                            "email_addresses": [{"address": email, "status": "unsubscribed"}]}, timeout=30)
                    assert r.status_code == 200, (r.status_code, r.text[:300])
                    acked[email] = time.time()

            threads = [threading.Thread(target=opt_out_ahead, args=(w,)) for w in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            m = wait_status(c, mid, "sent", timeout=180)
            assert len(acked) >= 50, f"only {len(acked)} opt-outs happened during the blast"

            late = []
            sent_to: dict[str, int] = {}
            for at, rcpts, _ in sink.transactions():
                for rcpt in rcpts:
                    sent_to[rcpt] = sent_to.get(rcpt, 0) + 1
                    if rcpt in acked and at > acked[rcpt]:
                        late.append((rcpt, round((at - acked[rcpt]) * 1000, 3)))
            assert late == [], f"{len(late)} of {len(acked)} opt-outs were followed by a transaction (ms after): " \
                               f"{late[:20]}"
            # Nobody else was held back or sent twice.
            for email in people.values():
                if email not in acked:
                    assert sent_to.get(email) == 1, (email, sent_to.get(email))
                else:
                    assert sent_to.get(email, 0) <= 1, email
            stats = m["statistics"]
            assert stats["sent"] == len(sent_to), (stats, len(sent_to))
    finally:
        sink.stop()


class SendsmsRecorder:
    """An HTTP pass-through in front of Kannel's sendsms interface that records when each request arrived and
    for which number: the instant a text was handed to the gateway. Forwards the request and Kannel's answer
    unchanged."""

    def __init__(self, target: str):
        self.target = target
        self.port = 0
        self.lock = threading.Lock()
        self.requests: list[tuple[float, str, str]] = []  # (arrived, to, text)
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/sendsms"

    def start(self) -> "SendsmsRecorder":
        import http.server
        import urllib.error
        import urllib.parse
        import urllib.request

        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                at = time.time()
                query = urllib.parse.urlsplit(self.path).query
                fields = urllib.parse.parse_qs(query)
                with rec.lock:
                    rec.requests.append((at, fields.get("to", [""])[0], fields.get("text", [""])[0]))
                try:
                    with urllib.request.urlopen(f"{rec.target}?{query}", timeout=30) as r:
                        status, body = r.status, r.read()
                except urllib.error.HTTPError as e:
                    status, body = e.code, e.read()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def count(self) -> int:
        with self.lock:
            return len(self.requests)

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()


TEXTERS = 600


def test_no_text_goes_to_the_gateway_for_a_number_after_its_stop_was_answered(tmp_path):
    from fixtures.kannel import Kannel
    from sms_setup import STOP_CONFIRMATION, kannel_get_url, kannel_sections, texting_server, wait_until
    from test_sms_blast import create_text, number, stop_like_smsbox, tag_href
    from tocsin_server import free_port

    port = free_port()
    with Kannel(tmp_path / "kannel", get_url=kannel_get_url(port)) as k:
        recorder = SendsmsRecorder(k.sendsms_url).start()
        try:
            sections = kannel_sections(k)
            sections["sms"]["kannel_sendsms_url"] = recorder.url
            srv, org = texting_server(tmp_path, port, sections, mps=40)
            with srv.start():
                k.phone()
                c = srv.client(org["api_key"])
                assert c.post("tags", json={"name": "texters"}).status_code == 200

                local = threading.local()

                def add(i):
                    if not hasattr(local, "c"):
                        local.c = srv.client(org["api_key"])
                    local.c.signup(phone=number(i)[1:], phone_status="subscribed", tags=["texters"])

                with ThreadPoolExecutor(8) as pool:
                    list(pool.map(add, range(TEXTERS)))
                mid = create_text(c, tag_href(c, "texters"))
                assert c.post(f"messages/{mid}/send", json={}).status_code == 200
                db = srv.db()
                entries, _ = delivery_plan.plan(db, mid)
                phones = {pid: json.loads(srv.unseal(doc, "people.doc")).get("p", "")
                          for pid, doc in db.execute("SELECT id, doc FROM people")}
                db.close()
                order = [phones[e["person_id"]] for e in entries]

                acked: dict[str, float] = {}
                picker = AheadPicker(order, recorder.count, spread=40, limit=OPT_OUTS, tail=45, seed=13)

                def stop_ahead(worker: int):
                    while (seq := picker.next()) is not None:
                        phone = order[seq]
                        r = stop_like_smsbox(srv.port, phone, f"mo-race-{seq}")
                        assert r.status_code == 200, r.text
                        acked[phone] = time.time()
                        time.sleep(0.02)

                threads = [threading.Thread(target=stop_ahead, args=(w,)) for w in range(3)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                wait_until("the blast to finish", lambda: c.get(f"messages/{mid}").json()["status"] == "sent",
                           timeout=120, log=srv.log_tail)
                assert len(acked) >= 50, f"only {len(acked)} STOPs happened during the blast"
                # The blast's text (not the STOP confirmation, which the person asked for) may have gone to the
                # gateway before the STOP was answered, never after.
                late = [(to, round((at - acked[to]) * 1000, 3)) for at, to, text in recorder.requests
                        if to in acked and text != STOP_CONFIRMATION and at > acked[to]]
                assert late == [], f"{len(late)} of {len(acked)} STOPs were followed by a blast text (ms after): " \
                                   f"{late[:20]}"
                sent_to: dict[str, int] = {}
                for _, to, text in recorder.requests:
                    if text != STOP_CONFIRMATION:
                        sent_to[to] = sent_to.get(to, 0) + 1
                for phone in order:
                    assert sent_to.get(phone, 0) == (sent_to.get(phone, 0) if phone in acked else 1), phone
                    assert sent_to.get(phone, 0) <= 1, phone
        finally:
            recorder.stop()
