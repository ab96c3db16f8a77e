"""Email addresses are one contact point per case-folded form (issue 10, item 1): an opt-out by one-click from
a message sent to one spelling stops every blast to any other spelling."""
import re
from email import message_from_bytes
from email.policy import default as default_policy

import requests

from test_blast import create_message, setup_server, wait_status


def test_one_click_unsubscribe_of_one_spelling_stops_blasts_to_another(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=0)
    with srv:
        for address in ("Jane.Doe@example.net", "jane.doe@example.net"):
            r = c.post("people", json={"person": {"email_addresses": [{"address": address, "status": "subscribed"}]},
                                       "add_tags": ["volunteers"]})
            assert r.status_code == 200, r.text
        first = create_message(c, tag_href)
        assert c.post(f"messages/{first}/send", json={}).status_code == 200
        wait_status(c, first, "sent")
        sent = [message_from_bytes(raw, policy=default_policy) for raw in sink.messages()]
        assert [str(m["To"]) for m in sent] == ["Jane.Doe@example.net"], "one person, the address as first typed"

        token = re.search(r"/unsubscribe/([^>]+)>", str(sent[0]["List-Unsubscribe"])).group(1)
        r = requests.post(f"{srv.base}/unsubscribe/{token}", data="List-Unsubscribe=One-Click", timeout=10,
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, allow_redirects=False)
        assert r.status_code == 200, r.text

        # Signing up again in the other spelling neither creates a person nor undoes the opt-out.
        r = c.post("people", json={"person": {"email_addresses": [{"address": "JANE.DOE@example.net"}]},
                                   "add_tags": ["volunteers"]})
        assert r.status_code == 200, r.text
        second = create_message(c, tag_href)
        pre = c.get(f"messages/{second}/tocsin:preflight").json()
        assert pre["would_send_now"] == 0, pre
        assert pre["excluded_by_reason"] == {"not_subscribed": 2}, pre  # Jane and gone@example.net
        assert c.post(f"messages/{second}/send", json={}).status_code == 200
        wait_status(c, second, "sent")
        assert len(sink.messages()) == 1, "nothing more was sent"
