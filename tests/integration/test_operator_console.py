"""The platform operator works the review queue, the abuse cases and the organizations' standing from the
console (issue 15), over real HTTP: a blast held by content screening is listed with its reason code and the
exact span, the organization's own message page says why it waits; the operator approves it (the organization's
next send goes: the raw .eml in the outbox) or rejects one with a note (nothing leaves; the organization reads
the note); each decision is the same record the CLI writes (a `content_review` document, `review.approve` /
`review.reject` in the staff audit); trust and untrust; an abuse case closed by stopping the message it
names; a pause of bulk email by the unknown-user breaker (real hard bounces 5.1.1 through `tocsin
ingest-mail`) shown with its figures on the operator's screen and the organization's dashboard, and resumed.
Every form needs its CSRF token; an organization's owner gets 403 for every operator form; one
organization's staff cannot see another's held message. Media in a message is refused with 422, never
dropped."""
import json
from html import unescape

import pytest
import requests

from test_console_http import Staff, staff_audit
from test_console_platform import operator
from test_mail_feedback import DOMAIN, Blast
from test_mail_feedback import SECRET as INGEST_SECRET
from tocsin_server import TocsinServer, unique_email, wait_until


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("operator")
    srv = TocsinServer(tmp / "data")
    org = srv.init("Friends of the Bay")
    srv.make_ready_to_send(org, tmp)
    other = srv.create_org("Other Org")
    srv.write_config(sections={"trust": {"review_first_blasts": 0}})
    srv.start()
    srv.org, srv.other = org, other
    yield srv
    srv.stop()


def docs(srv, org_id, kind):
    db = srv.db()
    try:
        return [json.loads(srv.unseal(d, "org_docs.doc")) for (d,) in db.execute(
            "SELECT doc FROM org_docs WHERE org_id = ? AND kind = ?", (org_id, kind))]
    finally:
        db.close()


def outbox_for(srv, address):
    return [f.read_bytes() for f in (srv.data_dir / "outbox").glob("*.eml") if address.encode() in f.read_bytes()]


def wait(check, what, seconds=15):
    return wait_until(what, check, seconds)


def blast(api, tag_href, body):
    r = api.post("messages", json={"subject": "Donor night", "body": body, "from": "Friends of the Bay",
                                   "reply_to": "n@example.org", "targets": [{"href": tag_href}]})
    assert r.status_code == 200, r.text
    return r.json()["identifiers"][0].split(":")[1]


def test_review_queue_trust_and_cases_from_the_console(site):
    srv = site
    a, b = srv.org["org_id"], srv.other["org_id"]
    api = srv.client(srv.org["api_key"])
    supporter = unique_email("supporter")
    assert api.post("tags", json={"name": "donors"}).status_code == 200
    assert api.post("people", json={"person": {"email_addresses": [{"address": supporter, "status": "subscribed"}]},
                                    "add_tags": ["donors"]}).status_code == 200
    tag = next(t for t in api.get("tags").json()["_embedded"]["osdi:tags"] if t["name"] == "donors")
    tag_href = tag["_links"]["self"]["href"]

    approved = blast(api, tag_href, "<p>Donor night: open bar and bourbon tasting!</p>")
    rejected = blast(api, tag_href, "<p>This is the IRS. You owe back taxes.</p>")
    for mid in (approved, rejected):
        assert api.post(f"messages/{mid}/send", json={}).status_code == 202
        wait(lambda: api.get(f"messages/{mid}").json()["status"] == "held", "held")

    ops = operator(srv, unique_email("ops"))
    assert ops.login().status_code == 303
    page = unescape(ops.get("/admin/platform").text)
    assert f'id="held-{approved}"' in page and f'id="held-{rejected}"' in page
    held = page[page.index(f'id="held-{approved}"'):page.index("</article>", page.index(f'id="held-{approved}"'))]
    assert "shaft_alcohol" in held and "“open bar”" in held.replace("<mark>", "").replace("</mark>", "")
    assert "held for review: content_held" in held and "Friends of the Bay" in held
    assert '<dd class="held-recipients">1</dd>' in held  # the one supporter it would reach

    # The organization's own message page says why it waits, with the span.
    owner = Staff(srv, a, unique_email("owner"), "owner")
    assert owner.login().status_code == 303
    own = unescape(owner.get(f"/admin/messages/{approved}").text)
    assert "Waiting for the platform operator's review" in own and "shaft_alcohol" in own and "open bar" in own
    # Another organization's staff see nothing of it.
    outsider = Staff(srv, b, unique_email("outsider"), "owner")
    assert outsider.login().status_code == 303
    assert outsider.get(f"/admin/messages/{approved}").status_code == 404
    assert "Donor night" not in outsider.get("/admin/messages").text

    # Operator-only, with CSRF: the owner gets 403 for every form, a post without the token 403.
    for path, form in (("/admin/platform/review", {"org": a, "message": approved, "decision": "approve"}),
                       (f"/admin/platform/orgs/{a}/trust", {"reason": "x"}),
                       (f"/admin/platform/orgs/{a}/resume-email", {"reason": "x"}),
                       ("/admin/platform/abuse/nothing/close", {"reason": "x"})):
        assert owner.post(path, **form).status_code == 403, path
    no_token = ops.http.post(f"{srv.base}/admin/platform/review", allow_redirects=False,
                             data={"org": a, "message": approved, "decision": "approve"})
    assert no_token.status_code == 403
    assert api.get(f"messages/{approved}").json()["status"] == "held"

    # Reject needs a note; then the message is stopped and the organization reads it.
    r = ops.post(csrf_from="/admin/platform", path="/admin/platform/review", org=a, message=rejected,
                 decision="reject", note=" ")
    assert r.status_code == 422 and "note is required" in r.text
    r = ops.post(csrf_from="/admin/platform", path="/admin/platform/review", org=a, message=rejected,
                 decision="reject", note="impersonates a government agency")
    assert r.status_code == 200 and "Rejected" in r.text
    wait(lambda: api.get(f"messages/{rejected}").json()["status"] == "stopped", "rejected message stopped")
    own = unescape(owner.get(f"/admin/messages/{rejected}").text)
    assert "Rejected by the platform operator's review:" in own and "impersonates a government agency" in own
    assert api.post(f"messages/{rejected}/send", json={}).status_code in (400, 409, 422)

    # Approve: a draft approved for exactly this content; the organization's send goes, the raw .eml shows it.
    r = ops.post(csrf_from="/admin/platform", path="/admin/platform/review", org=a, message=approved,
                 decision="approve", note="a ticketed 21+ event")
    assert r.status_code == 200 and "Approved" in r.text
    assert f'id="held-{approved}"' not in r.text
    wait(lambda: api.get(f"messages/{approved}").json()["status"] == "draft", "approved message a draft")
    assert "Approved by the platform operator's review" in unescape(owner.get(f"/admin/messages/{approved}").text)
    assert api.post(f"messages/{approved}/send", json={}).status_code in (200, 202)
    sent = wait(lambda: outbox_for(srv, supporter), "the approved blast in the outbox")
    assert len(sent) == 1 and b"bourbon tasting" in sent[0]
    assert not any(b"back taxes" in m for m in sent)

    # The decisions are the CLI's records: content_review documents and the staff audit.
    reviews = {d["message_id"]: d for d in docs(srv, a, "content_review")}
    assert reviews[approved]["decision"] == "approved" and reviews[approved]["note"] == "a ticketed 21+ event"
    assert reviews[rejected]["decision"] == "rejected" and reviews[rejected]["by"] == ops.email
    assert reviews[approved]["findings"][0]["code"] == "shaft_alcohol"
    audit = staff_audit(srv)
    assert any("review.approve" in d and approved in d for d in audit)
    assert any("review.reject" in d and rejected in d for d in audit)
    # The CLI's queue is empty too: one queue.
    assert srv.cli("review", "list", "--data", srv.data_dir).stdout.strip() == ""

    # Trust and untrust, audited.
    assert ops.post(csrf_from="/admin/platform", path=f"/admin/platform/orgs/{b}/trust", reason=" ").status_code == 422
    r = ops.post(csrf_from="/admin/platform", path=f"/admin/platform/orgs/{b}/trust", reason="coalition partner")
    assert r.status_code == 200
    row = unescape(r.text)[unescape(r.text).index(f'id="org-{b}"'):]
    assert "Trusted: coalition partner" in row[:row.index("</tr>")]
    assert docs(srv, b, "messaging_settings")[0]["trusted"] is True
    r = ops.post(csrf_from="/admin/platform", path=f"/admin/platform/orgs/{b}/untrust", reason="partnership ended")
    assert r.status_code == 200 and docs(srv, b, "messaging_settings")[0]["trusted"] is False
    audit = staff_audit(srv)
    assert any("org.trust" in d and "coalition partner" in d for d in audit)
    assert any("org.untrust" in d for d in audit)

    # An abuse case about a message, closed by stopping it.
    draft = blast(api, tag_href, "<p>Rally at city hall on Saturday.</p>")
    case = requests.post(srv.base + "/abuse", json={"about": "message", "target": draft, "text": "a scam"}).json()
    page = unescape(ops.get("/admin/platform").text)
    assert f'id="case-{case["case_id"]}"' in page and '<option value="stop-message">' in page
    r = ops.post(csrf_from="/admin/platform", path=f"/admin/platform/abuse/{case['case_id']}/close", action="stop-message",
                 reason="confirmed scam")
    assert r.status_code == 200 and "stopped: confirmed scam" in unescape(r.text)
    wait(lambda: api.get(f"messages/{draft}").json()["status"] == "stopped", "the reported message stopped")
    assert "abuse case" in api.get(f"messages/{draft}").json()["tocsin:status_reason"]
    closed = next(c for c in map(json.loads, srv.cli("abuse", "list", "--data", srv.data_dir, "--all").stdout.splitlines())
                  if c["case_id"] == case["case_id"])
    assert closed["status"] == "closed" and closed["closed_by"] and not closed["closed_by"].startswith("cli:")
    audit = staff_audit(srv)
    assert any("message.stop" in d for d in audit) and any("abuse.close" in d for d in audit)
    r = ops.post(csrf_from="/admin/platform", path=f"/admin/platform/abuse/{case['case_id']}/close", reason="again")
    assert r.status_code == 422 and "closed already" in r.text


def test_media_is_refused_not_dropped(site):
    srv = site
    api = srv.client(srv.org["api_key"])
    r = api.post("messages", json={"type": "tocsin:sms", "body": "Rally Saturday", "media_urls": ["https://x.test/a.jpg"]})
    assert r.status_code == 422 and "tocsin sends no media" in r.json()["error"], r.text
    r = api.post("messages", json={"subject": "s", "body": "<p>b</p>", "attachments": [{"name": "a.pdf"}]})
    assert r.status_code == 422 and r.json()["error"].startswith("attachments:"), r.text
    owner = Staff(srv, srv.org["org_id"], unique_email("composer"), "owner")
    assert owner.login().status_code == 303
    r = owner.post("/admin/messages", csrf_from="/admin/messages/new?channel=sms", channel="sms", name="n",
                   body="Rally Saturday", media_url="https://x.test/a.jpg")
    assert r.status_code == 422 and "tocsin sends no media" in unescape(r.text)


def test_a_pause_with_its_figures_is_shown_and_resumed(tmp_path):
    b = Blast(tmp_path, people=3, extra_deliveries=7)  # 10 handed over
    b.srv.write_config(server={"listen": f"127.0.0.1:{b.srv.port}"},
                       sections={"email": {"mail_domain": DOMAIN, "ingest_secret": INGEST_SECRET},
                                 "trust": {"unknown_user_pause_percent": 20, "email_pause_min_handed_over": 10}})
    outs = [b.ingest(b.fixture("postfix-hard-5.1.1.eml", seq)) for seq in range(2)]
    assert [o["bulk_email_paused"] for o in outs] == [False, True]
    figures = (f"unknown-user rate 20.00% (2 hard bounces 5.1.1 of 10 handed over) on message {b.message_id} "
               "passed 20.0%")
    srv, a = b.srv, b.org["org_id"]
    srv.start()
    try:
        ops = operator(srv, unique_email("ops"))
        assert ops.login().status_code == 303
        page = unescape(ops.get("/admin/platform").text)
        row = page[page.index(f'id="org-{a}"'):]
        row = row[:row.index("</tr>")]
        assert "Bulk email paused:" in row and figures in row and "Resume email" in row
        owner = Staff(srv, a, unique_email("owner"), "owner")
        assert owner.login().status_code == 303
        dash = unescape(owner.get("/admin").text)
        assert "Bulk email is paused: " + figures in dash and "ask the platform operator to resume it" in dash
        assert owner.post(f"/admin/platform/orgs/{a}/resume-email", reason="x").status_code == 403
        assert ops.post(csrf_from="/admin/platform", path=f"/admin/platform/orgs/{a}/resume-email",
                        reason=" ").status_code == 422
        r = ops.post(csrf_from="/admin/platform", path=f"/admin/platform/orgs/{a}/resume-email", reason="list cleaned")
        assert r.status_code == 200 and "org.resume" in r.text
        s = docs(srv, a, "messaging_settings")[0]
        assert s["bulk_email_paused"] is False and s["bulk_email_paused_reason"] == ""
        assert any("org.resume" in d and figures in d and "list cleaned" in d for d in staff_audit(srv))
        wait(lambda: "Bulk email is paused" not in owner.get("/admin").text, "the dashboard to clear")
        r = ops.post(csrf_from="/admin/platform", path=f"/admin/platform/orgs/{a}/resume-email", reason="again")
        assert r.status_code == 422 and "not paused" in r.text
    finally:
        srv.stop()

