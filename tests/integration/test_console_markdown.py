"""An email body written in Markdown on the console's compose screen (issue #13; docs/CONSOLE.md, Messages):
CommonMark becomes the HTML the blast sends (cmark), merge fields still merge, raw HTML in the source is left
out, the edit screen gives back the Markdown, and an edit over the API as HTML wins over the stale source. Read
from the raw .eml in the outbox, its HTML part decoded only from its transfer encoding."""
import html
import quopri
import re
import time

from test_console_http import Staff
from test_console_messages import DOMAIN, site  # noqa: F401  (the module's site fixture)
from tocsin_server import unique_email

SOURCE = "Hello {{given_name}},\n\nJoin us **tonight** at the [harbour](https://example.org/harbour).\n\n" \
         "<script>alert(1)</script>\n\n- bring a friend\n- bring a sign\n"


def html_part(raw: bytes) -> str:
    """The text/html part of a raw message as sent (quoted-printable or 7bit, as the builder chose)."""
    part = raw.split(b"Content-Type: text/html", 1)[1]
    headers, body = part.split(b"\r\n\r\n", 1)
    body = body.split(b"\r\n--", 1)[0]
    if b"quoted-printable" in headers:
        body = quopri.decodestring(body)
    return body.decode()


def test_a_body_written_in_markdown(site):  # noqa: F811
    srv = site
    api = srv.client(srv.org["api_key"])
    assert api.post("tags", json={"name": "md"}).status_code == 200
    ada = unique_email("ada")
    api.signup(ada, email_status="subscribed", given="Ada", tags=["md"])
    tag = next(t for t in api.get("tags").json()["_embedded"]["osdi:tags"]
               if t["name"] == "md")["identifiers"][0].split(":")[1]
    owner = Staff(srv, srv.org["org_id"], unique_email("owner"), "owner")
    assert owner.login().status_code == 303

    r = owner.post("/admin/messages", channel="email", name="Markdown", subject="Tonight at the harbour",
                   **{"from": "Friends of the Bay"}, from_address="news@" + DOMAIN, reply_to="news@" + DOMAIN,
                   format="markdown", body=SOURCE, target="tags/" + tag)
    assert r.status_code == 303, r.text
    mid = r.headers["Location"].rsplit("/", 1)[1]
    body = api.get(f"messages/{mid}").json()["body"]
    assert "<strong>tonight</strong>" in body and '<a href="https://example.org/harbour">harbour</a>' in body
    assert "<li>bring a friend</li>" in body and "{{given_name}}" in body
    assert "<script" not in body and "alert(1)" not in body, body  # raw HTML is left out

    # The edit screen gives back what was written, with Markdown chosen.
    edit = owner.get(f"/admin/messages/{mid}/edit").text
    assert '<option value="markdown" selected>' in edit and "Join us **tonight**" in edit

    assert owner.post(f"/admin/messages/{mid}/send").status_code == 303
    for _ in range(200):
        if api.get(f"messages/{mid}").json()["status"] == "sent":
            break
        time.sleep(0.1)
    sent = [f.read_bytes() for f in (srv.data_dir / "outbox").glob("*.eml")
            if b"Subject: Tonight at the harbour" in f.read_bytes()]
    assert len(sent) == 1
    sent_html = html_part(sent[0])
    assert re.search(r"Hello Ada,", sent_html) and "<strong>tonight</strong>" in sent_html, sent_html
    assert "<script" not in sent_html

    # Changed over the API as HTML: the console edits that HTML, not the stale Markdown.
    r = owner.post("/admin/messages", channel="email", name="Second", subject="Second",
                   **{"from": "Friends of the Bay"}, from_address="news@" + DOMAIN, reply_to="news@" + DOMAIN,
                   format="markdown", body="*first*", target="tags/" + tag)
    second = r.headers["Location"].rsplit("/", 1)[1]
    assert api.put(f"messages/{second}", json={"body": "<p>rewritten</p>"}).status_code == 200
    edit = owner.get(f"/admin/messages/{second}/edit").text
    textarea = re.search(r'<textarea id="body"[^>]*>(.*?)</textarea>', edit, re.S).group(1)
    assert '<option value="html" selected>' in edit and html.unescape(textarea) == "<p>rewritten</p>", edit


def test_the_message_page_previews_the_email(site):  # noqa: F811
    """The email as the sample supporter gets it, in a sandboxed frame: merge fields filled, the wrapper's
    footer and the organization's postal address, the answer itself sandboxed by its CSP; staff of another
    organization get 404, a viewer may look."""
    srv = site
    owner = Staff(srv, srv.org["org_id"], unique_email("owner"), "owner")
    viewer = Staff(srv, srv.org["org_id"], unique_email("viewer"), "viewer")
    other = srv.create_org("Preview Other")
    stranger = Staff(srv, other["org_id"], unique_email("stranger"), "owner")
    for s in (owner, viewer, stranger):
        assert s.login().status_code == 303
    r = owner.post("/admin/messages", channel="email", name="Preview", subject="For {{given_name}}",
                   **{"from": "Friends of the Bay"}, from_address="news@" + DOMAIN, reply_to="news@" + DOMAIN,
                   format="markdown", body="Hello {{given_name}} from {{locality}}, *see you*.\n\n"
                   "<img src=x onerror=alert(1)>")
    assert r.status_code == 303, r.text
    mid = r.headers["Location"].rsplit("/", 1)[1]

    page = owner.get(f"/admin/messages/{mid}").text
    assert f'<iframe class="preview" id="email-preview" src="/admin/messages/{mid}/preview"' in page
    assert re.search(r'<iframe[^>]*id="email-preview"[^>]*\bsandbox\b', page), page

    preview = viewer.get(f"/admin/messages/{mid}/preview")
    assert preview.status_code == 200, preview.text
    csp = preview.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox;") and "default-src 'none'" in csp and "frame-ancestors 'self'" in csp
    body = preview.text
    assert 'id="preview-subject">Subject: For Sam</p>' in body, body
    assert "Hello Sam from San Francisco, <em>see you</em>." in body, body
    assert "onerror" not in body  # Markdown's raw HTML left out here as in the sent mail
    assert "1 Main St, Springfield, IL" in body and 'href="#unsubscribe">Unsubscribe</a>' in body

    assert stranger.get(f"/admin/messages/{mid}/preview").status_code == 404
    assert owner.post(f"/admin/messages/{mid}/preview").status_code in (403, 405)
