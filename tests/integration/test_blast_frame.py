"""A blast composed from its MIME frame (issue 16, messaging/compose.h ComposeFrame): every raw message that
reached smtp-sink verifies on its own (python3-dkim on the raw bytes, the key from a local dnsmasq), carries
its own recipient's To, Message-ID and unsubscribe token (in List-Unsubscribe and in the body's footer, the
same token), and shares the frame: one boundary for the blast, the same From, Reply-To and Subject fields.
The footer's per-recipient link makes each body, and so each DKIM body hash, the recipient's own."""
import re
from email import message_from_bytes
from email.policy import default as default_policy

import dkim

from test_blast import setup_server, wait_status


def test_every_message_of_a_framed_blast_verifies_and_is_its_recipients_own(tmp_path, smtp_sink, local_dns):
    people = 40
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=people)
    with srv:
        r = c.post("messages", json={"subject": "Town hall on Saturday \u2014 bring a friend",
                                     "body": "<p>Join us <b>Saturday</b> at the town hall.</p>",
                                     "from": "Progressive Action", "reply_to": "team@example.org",
                                     "targets": [{"href": tag_href}]})
        assert r.status_code == 200, r.text
        mid = r.json()["identifiers"][0].split(":")[1]
        assert c.post(f"messages/{mid}/send", json={}).status_code == 200
        m = wait_status(c, mid, "sent")
        assert m["statistics"]["sent"] == people, str(m["statistics"]) + srv.log_tail()

        raws = sink.messages()
        assert len(raws) == people
        resolver = dns.resolver()

        def dnsfunc(name, timeout=5):
            name = name.decode() if isinstance(name, bytes) else name
            return b"".join(b"".join(rr.strings) for rr in resolver.resolve(name.rstrip("."), "TXT"))

        tos, tokens, message_ids, boundaries, body_hashes, shared_lines = set(), set(), set(), set(), set(), set()
        for raw in raws:
            assert dkim.verify(raw, dnsfunc=dnsfunc), raw[:400]
            head = raw.split(b"\r\n\r\n", 1)[0].decode()
            msg = message_from_bytes(raw, policy=default_policy)
            tos.add(str(msg["To"]))
            message_ids.add(str(msg["Message-ID"]))
            unsub = re.search(r"<https://127\.0\.0\.1:\d+/unsubscribe/([^>]+)>", msg["List-Unsubscribe"])
            assert unsub, msg["List-Unsubscribe"]
            token = unsub.group(1)
            tokens.add(token)
            # The footer's link is the recipient's own, the same token as the header's.
            assert f"/unsubscribe/{token}" in msg.get_body(("plain",)).get_content()
            assert f"/unsubscribe/{token}" in msg.get_body(("html",)).get_content()
            boundaries.add(msg.get_content_type() + ";" + msg.get_param("boundary"))
            body_hashes.add(re.search(r"bh=([^;]+);", head.replace("\r\n\t", "")).group(1))
            shared_lines.add("\n".join(line for line in head.split("\r\n")
                                       if line.startswith(("From:", "Reply-To:", "Subject:"))))
            assert str(msg["Subject"]) == "Town hall on Saturday \u2014 bring a friend"
        assert tos == {f"p{i}@example.net" for i in range(people)}
        assert len(tokens) == people and len(message_ids) == people
        assert len(boundaries) == 1 and boundaries.pop().startswith("multipart/alternative;=-"), boundaries
        assert len(shared_lines) == 1, shared_lines
        assert len(body_hashes) == people, "each body carries its recipient's links, so bh= is per recipient"
