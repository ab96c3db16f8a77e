"""The console's inbox (issue #13) with real Kannel: a supporter texts STOP and a stranger texts HELP from
fakesmsc; the inbox lists both under the number they were sent to, newest first, with what each did (opted
out, HELP answered), the supporter linked to their person page; a viewer may read it; the read is in the
access log; another organization's staff see none of it."""
import re
import time
from html import unescape

from sms_setup import BRAND, HELP_REPLY, SENDER, STOP_CONFIRMATION, kannel_and_tocsin, sms_status, texts_to, wait_until
from test_console_http import Staff, staff_audit, totp
from tocsin_server import an_id, unique_email

PHONE = "+12125550123"


class FakedStaff(Staff):
    """The texting server runs on a faked daytime clock (sms_setup.py): codes for the server's time."""

    offset = 0

    def code(self) -> str:
        step = max(int(time.time() + self.offset) // 30 - 1, self.last_step + 1)
        self.last_step = step
        return totp(self.secret, step)

STRANGER = "+12125550177"


def test_inbox_shows_stop_and_help(tmp_path):
    with kannel_and_tocsin(tmp_path) as (k, srv, org):
        c = srv.client(org["api_key"])
        pid = an_id(c.signup(phone=PHONE[1:], phone_status="subscribed", given="Tess"))
        k.phone(mo=f"{PHONE} {SENDER} text Stop please")
        wait_until("the opt-out", lambda: sms_status(c, pid) == "unsubscribed")
        k.phone(mo=f"{STRANGER} {SENDER} text HELP")
        wait_until("the HELP answer", lambda: texts_to(k, STRANGER) == [HELP_REPLY])

        FakedStaff.offset = srv.offset
        viewer = FakedStaff(srv, org["org_id"], unique_email("viewer"), "viewer")
        assert viewer.login().status_code == 303
        page = viewer.get("/admin/inbox")
        assert page.status_code == 200
        text = unescape(page.text)
        assert f"To {SENDER}" in text
        rows = re.findall(r"<tr><td>[^<]*</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", text, re.S)
        assert len(rows) == 2, rows
        newest, older = rows
        assert STRANGER in newest[0] and newest[1] == "HELP" and newest[2].startswith("HELP answered")
        assert PHONE in older[0] and f'href="/admin/people/{pid}"' in older[0] and "Tess" in older[0]
        assert older[1] == "Stop please" and older[2].startswith("opted out")

        # The read is logged with the person shown (tocsin audit reads the access log).
        audit = srv.cli("audit", "--data", str(srv.data_dir), "--org", org["org_id"], "--person", pid).stdout
        assert "console.inbox" in audit

        other = srv.create_org("Other Org")
        b = FakedStaff(srv, other["org_id"], unique_email("b"), "owner")
        assert b.login().status_code == 303  # (an organization the CLI made since: the console loads it)
        theirs = unescape(b.get("/admin/inbox").text)
        assert "No texts yet." in theirs and PHONE not in theirs and STRANGER not in theirs


ASKER = "+12125550188"


def test_staff_reply_to_a_question_leaves_through_the_gate(tmp_path):
    """A supporter's question gets a Reply form; an organizer's reply reaches the number through Kannel as the
    organization's sender (read from fakesmsc's own log); a reply to someone who opted out is refused with the
    gate's sentence and nothing is sent; a viewer may not reply; another organization cannot reach the text."""
    with kannel_and_tocsin(tmp_path) as (k, srv, org):
        c = srv.client(org["api_key"])
        c.signup(phone=ASKER[1:], phone_status="subscribed", given="Quinn")
        stopper = an_id(c.signup(phone=PHONE[1:], phone_status="subscribed", given="Tess"))
        k.phone(mo=f"{ASKER} {SENDER} text When is the rally?")
        k.phone(mo=f"{PHONE} {SENDER} text Where do I park?")
        FakedStaff.offset = srv.offset
        organizer = FakedStaff(srv, org["org_id"], unique_email("organizer"), "organizer")
        assert organizer.login().status_code == 303

        def inbound_id(sender):
            page = unescape(organizer.get("/admin/inbox").text)
            row = next(r for r in page.split("<tr>") if sender in r)
            return re.search(r'name="inbound" value="([^"]+)"', row).group(1)

        wait_until("both texts in the inbox", lambda: "Where do I park?" in organizer.get("/admin/inbox").text)
        asked = inbound_id(ASKER)
        r = organizer.post("/admin/inbox/reply", inbound=asked, text="Saturday at 10, City Hall steps.")
        assert r.status_code == 200 and "Reply queued for " + ASKER in unescape(r.text), r.text
        # As every text leaves: the brand first and, the number's first text from the organization, the way out.
        reply = f"{BRAND}: Saturday at 10, City Hall steps. Reply STOP to opt out."
        wait_until("the reply", lambda: reply in texts_to(k, ASKER))
        assert texts_to(k, ASKER) == [reply]

        # Tess opts out after asking: the form may still be there, the gate refuses with its sentence.
        parked = inbound_id(PHONE)
        k.phone(mo=f"{PHONE} {SENDER} text STOP")
        wait_until("the opt-out", lambda: sms_status(c, stopper) == "unsubscribed")
        wait_until("the STOP confirmation", lambda: texts_to(k, PHONE) == [STOP_CONFIRMATION])
        before = texts_to(k, PHONE)
        r = organizer.post("/admin/inbox/reply", inbound=parked, text="Lot B.")
        assert r.status_code == 422 and "Not sent:" in unescape(r.text), r.text
        time.sleep(1)
        assert texts_to(k, PHONE) == before and "Lot B." not in before

        # A keyword text (the STOP itself) has no Reply form and is refused if posted anyway.
        page = unescape(organizer.get("/admin/inbox").text)
        stop_row = next(r for r in page.split("<tr>") if ">STOP<" in r)
        assert 'name="inbound"' not in stop_row
        assert organizer.post("/admin/inbox/reply", inbound=asked, text=" ").status_code == 422
        assert organizer.post("/admin/inbox/reply", inbound=asked, text="Hi {{given_name}}").status_code == 422

        viewer = FakedStaff(srv, org["org_id"], unique_email("viewer"), "viewer")
        assert viewer.login().status_code == 303
        assert 'name="inbound"' not in viewer.get("/admin/inbox").text
        assert viewer.post("/admin/inbox/reply", inbound=asked, text="hi").status_code == 403
        other = srv.create_org("Other Org")
        b = FakedStaff(srv, other["org_id"], unique_email("b"), "owner")
        assert b.login().status_code == 303
        assert b.post("/admin/inbox/reply", inbound=asked, text="hi").status_code == 404
        assert texts_to(k, ASKER) == [reply]
        assert len([d for d in staff_audit(srv) if "inbox.reply" in d]) == 1
