"""The console's inbox (issue #13) with real Kannel: a supporter texts STOP and a stranger texts HELP from
fakesmsc; the inbox lists both under the number they were sent to, newest first, with what each did (opted
out, HELP answered), the supporter linked to their person page; a viewer may read it; the read is in the
access log; another organization's staff see none of it."""
import re
import time
from html import unescape

from sms_setup import HELP_REPLY, SENDER, kannel_and_tocsin, sms_status, texts_to, wait_until
from test_console_http import Staff, totp
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
