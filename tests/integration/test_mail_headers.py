"""Header-bound values as they leave tocsin (issue #10 items 6, 8 and 9):
- List-Unsubscribe, List-Unsubscribe-Post, Message-ID and X-Tocsin-Delivery are raw on the wire — never RFC
  2047 encoded-words, List-Unsubscribe folded only between its <...> items — in the bytes smtp-sink received
  and in the outbox .eml files, and DKIM (python3-dkim) still verifies;
- a message's subject, from or reply-to with a control character is refused with 400 at create and update;
- a suspended organization's reason is in the send's 422 and in the preflight."""
import re
import time

import dkim

from test_blast import create_message, setup_server, wait_status

LIST_UNSUBSCRIBE = re.compile(
    rb"\r\nList-Unsubscribe: <(https://127\.0\.0\.1:\d+/unsubscribe/[A-Za-z0-9_-]+)>,\r\n"
    rb" <mailto:unsubscribe\+[a-z2-7]+@mail\.example\.org\?subject=unsubscribe>\r\n"
    rb"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
MESSAGE_ID = re.compile(rb"\r\nMessage-Id: <[a-z2-7]+@mail\.example\.org>\r\n")
DELIVERY = re.compile(rb"\r\nX-Tocsin-Delivery: [a-z2-7]+\r\n")


def check_raw(raw: bytes, verify=None):
    head = raw.split(b"\r\n\r\n")[0] + b"\r\n"
    assert LIST_UNSUBSCRIBE.search(head), head.decode()
    assert MESSAGE_ID.search(head), head.decode()
    assert DELIVERY.search(head), head.decode()
    assert b"=?us-ascii" not in head.lower(), head.decode()
    if verify:
        assert verify(raw), head.decode()


def dns_verifier(dns):
    resolver = dns.resolver()

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        return b"".join(b"".join(rr.strings) for rr in resolver.resolve(name.rstrip("."), "TXT"))

    return lambda raw: dkim.verify(raw, dnsfunc=dnsfunc)


def test_unsubscribe_headers_are_raw_in_what_smtp_sink_received_and_dkim_verifies(tmp_path, smtp_sink,
                                                                                  local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=3)
    with srv:
        mid = create_message(c, tag_href)
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        wait_status(c, mid, "sent")
        messages = sink.messages()
        assert len(messages) == 3
        verify = dns_verifier(dns)
        for raw in messages:
            check_raw(raw, verify)


def test_unsubscribe_headers_are_raw_in_the_outbox_files(tmp_path, smtp_sink, local_dns):
    outbox = tmp_path / "outbox"
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=3,
                                                    email={"smtp_host": "", "outbox_dir": str(outbox)})
    with srv:
        mid = create_message(c, tag_href)
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        wait_status(c, mid, "sent")
        files = sorted(outbox.glob("*.eml"))
        assert len(files) == 3, files
        verify = dns_verifier(dns)
        for f in files:
            check_raw(f.read_bytes(), verify)
        assert sink.messages() == []


def test_control_characters_in_header_bound_message_fields_are_refused(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=1)
    with srv:
        mid = create_message(c, tag_href)
        before = c.get(f"messages/{mid}").json()
        for field, value in [("subject", "Hello\r\nBcc: everyone@example.net"), ("subject", "tab\there"),
                             ("from", "Progressive\nAction"), ("from", "NUL\u0000name"),
                             ("reply_to", "team@example.org\r\nX-Evil: 1"),
                             ("tocsin:from_address", "team@example.org\n")]:
            created = c.post("messages", json={"subject": "ok", "from": "ok", "reply_to": "team@example.org",
                                               "targets": [{"href": tag_href}], field: value})
            assert created.status_code == 400, (field, created.text)
            assert field in created.json()["error"] and "control" in created.json()["error"], created.text
            updated = c.put(f"messages/{mid}", json={field: value})
            assert updated.status_code == 400, (field, updated.text)
            assert field in updated.json()["error"], updated.text
        after = c.get(f"messages/{mid}").json()
        assert (after["subject"], after["from"], after["reply_to"]) == (
            before["subject"], before["from"], before["reply_to"]), "nothing of a refused edit was kept"
        assert c.put(f"messages/{mid}", json={"subject": "Fine — now"}).status_code == 200


def test_a_suspended_organizations_reason_is_in_the_refusal_and_the_preflight(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=2)
    reason = "AUP review of complaint 4711: consent proof requested"
    with srv:
        mid = create_message(c, tag_href)
        srv.stop()
        srv.cli("org", "suspend", "--data", str(srv.data_dir), "--org", org["org_id"], "--reason", reason)
        srv.start()
        pre = c.get(f"messages/{mid}/tocsin:preflight").json()
        assert pre["blocked_reason"] == "org_suspended", pre
        assert reason in pre["blocked"], pre
        r = c.post(f"messages/{mid}/send", json={})
        assert r.status_code == 422 and reason in r.json()["error"] and "org_suspended" in r.json()["error"], r.text
        time.sleep(0.3)
        assert sink.messages() == []
