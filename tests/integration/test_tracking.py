"""Open and click tracking end to end: a blast to smtp-sink with tracking on rewrites the body's links to signed
redirects and adds an open pixel; following them moves the message's statistics; forged or altered links are
404 (no open redirect); an organization that marks GDPR as applicable gets neither by default."""
import base64
import re
from email import message_from_bytes
from email.policy import default as default_policy

import requests

from test_blast import setup_server, wait_status

LINK = "https://example.com/news?id=7&src=mail"
BODY = '<p>Read <a href="https://example.com/news?id=7&amp;src=mail">the news</a>, {{given_name}}.</p>'
CLICK_RE = re.compile(r'href="(https://127\.0\.0\.1:\d+(/t/c/[a-z2-7]{50}\.[A-Za-z0-9_-]+))"')
PIXEL_RE = re.compile(r'<img src="(https://127\.0\.0\.1:\d+(/t/o/[a-z2-7]{50}\.gif))"')


def blast(c, tag_href):
    r = c.post("messages", json={"subject": "News", "body": BODY, "from": "Progressive Action",
                                 "reply_to": "team@example.org", "targets": [{"href": tag_href}]})
    assert r.status_code == 200, r.text
    mid = r.json()["identifiers"][0].split(":")[1]
    assert c.post(f"messages/{mid}/send", json={}).status_code == 200
    wait_status(c, mid, "sent")
    return mid


def html_parts(sink):
    out = {}
    for raw in sink.messages():
        msg = message_from_bytes(raw, policy=default_policy)
        out[str(msg["To"])] = (msg.get_body(("html",)).get_content(), msg.get_body(("plain",)).get_content(), msg)
    return out


def stats(c, mid):
    return c.get(f"messages/{mid}").json()["statistics"]


def test_tracked_blast_redirects_counts_and_refuses_forgeries(tmp_path, smtp_sink, local_dns):
    # Tracking is unset, so on: the organization does not mark GDPR as applicable.
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=2)
    with srv:
        mid = blast(c, tag_href)
        mails = html_parts(sink)
        assert set(mails) == {"p0@example.net", "p1@example.net"}
        html, text, msg = mails["p0@example.net"]
        clicks = CLICK_RE.findall(html)
        assert len(clicks) == 1, html
        assert 'href="https://example.com' not in html, "the body link is rewritten"
        assert re.search(r'<a href="https://127\.0\.0\.1:\d+/unsubscribe/[^"]+">Unsubscribe</a>', html), \
            "the footer's unsubscribe link is never rewritten"
        assert "/t/" not in str(msg["List-Unsubscribe"])
        assert clicks[0][0] in text, "the plain-text part carries the same tracked link"
        pixel = PIXEL_RE.search(html)
        assert pixel, html
        before = stats(c, mid)
        assert (before["opened"], before["clicked"]) == (0, 0), before

        click_path = clicks[0][1]
        r = requests.get(srv.base + click_path, allow_redirects=False, timeout=10)
        assert r.status_code == 302, r.text
        assert r.headers["Location"] == LINK
        assert "no-store" in r.headers["Cache-Control"]
        after = stats(c, mid)
        assert (after["opened"], after["clicked"]) == (1, 1), after
        assert requests.get(srv.base + click_path, allow_redirects=False, timeout=10).status_code == 302
        assert stats(c, mid)["clicked"] == 1, "a person clicking twice counts once"

        other_html = mails["p1@example.net"][0]
        other_pixel = PIXEL_RE.search(other_html).group(2)
        r = requests.get(srv.base + other_pixel, timeout=10)
        assert r.status_code == 200 and r.headers["Content-Type"] == "image/gif"
        assert r.content.startswith(b"GIF89a") and len(r.content) == 43
        assert "no-store" in r.headers["Cache-Control"]
        s = stats(c, mid)
        assert (s["opened"], s["clicked"]) == (2, 1), s

        # Forgeries: another URL beside a valid token, an altered token, an altered link, a made-up pixel.
        token, link_b64 = click_path.rsplit("/", 1)[1].split(".")
        evil = base64.urlsafe_b64encode(b"https://evil.example/phish").decode().rstrip("=")
        altered_token = ("b" if token[0] != "b" else "c") + token[1:]
        altered_link = link_b64[:-2] + ("A" if link_b64[-2] != "A" else "B") + link_b64[-1]
        for path in (f"/t/c/{token}.{evil}", f"/t/c/{altered_token}.{link_b64}", f"/t/c/{token}.{altered_link}",
                     f"/t/c/{token}", "/t/c/", f"/t/o/{token}.gif", "/t/x/" + token):
            r = requests.get(srv.base + path, allow_redirects=False, timeout=10)
            assert r.status_code == 404, (path, r.status_code, r.headers)
            assert "Location" not in r.headers
        assert stats(c, mid)["clicked"] == 1 and stats(c, mid)["opened"] == 2


def test_gdpr_organization_gets_no_tracking_by_default(tmp_path, smtp_sink, local_dns):
    srv, org, c, sink, dns, tag_href = setup_server(tmp_path, smtp_sink, local_dns, people=2, init_flags=("--gdpr",))
    with srv:
        blast(c, tag_href)
        mails = html_parts(sink)
        assert len(mails) == 2
        for html, text, msg in mails.values():
            assert "/t/c/" not in html and "/t/o/" not in html and "<img" not in html, html
            assert 'href="https://example.com/news?id=7&amp;src=mail"' in html
            assert "/t/c/" not in text and "/t/o/" not in text and f"({LINK})" in text
