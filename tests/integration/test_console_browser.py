"""The console in real Chromium (issue #13): the owner is created with the CLI, logs in with TOTP (computed in
the browser test's own RFC 6238 function), sees the dashboard; a viewer cannot reach the owner-only team page;
five wrong passwords lock an account, after which the right password is refused too. axe-core reports no
serious or critical violation on the screens; the dashboard fits 375 px. Screenshots go to the test's
temporary directory (TOCSIN_SHOTS to keep them elsewhere).

Node packages are locked in tests/browser/console (package.json, package-lock.json) and installed with
`npm ci` into a copy; Chromium is the system's (/usr/bin/chromium)."""
import json
import os
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import requests

from tocsin_server import TocsinServer

PROJECT = Path(__file__).resolve().parents[1] / "browser" / "console"
PASSWORD = "a long password"


@pytest.fixture(scope="module")
def node_project(tmp_path_factory):
    npm = shutil.which("npm")
    assert npm and shutil.which("node"), "node and npm are needed (scripts/install-deps test)"
    assert os.path.exists("/usr/bin/chromium"), "chromium is needed (scripts/install-deps test)"
    d = tmp_path_factory.mktemp("console-browser")
    for f in ("package.json", "package-lock.json", "console_support.mjs", "console_journey.mjs",
              "campaign_journey.mjs"):
        shutil.copy(PROJECT / f, d / f)
    r = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=d, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"npm ci failed:\n{r.stderr[-2000:]}"
    return d


def staff(srv, org, email, role):
    r = srv.cli("user", "create", "--data", srv.data_dir, "--org", org, "--email", email, "--role", role,
                input=PASSWORD + "\n")
    uri = srv.json_line(r.stdout)["totp_uri"]
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    return {"email": email, "password": PASSWORD, "secret": secret}


def test_console_journey_in_chromium(tmp_path, node_project):
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("A")
    srv.start()
    try:
        r = requests.post(srv.api + "/people", headers={"OSDI-API-Token": org["api_key"]},
                          json={"person": {"given_name": "Sam", "family_name": "Signer",
                                           "email_addresses": [{"address": "s@example.org", "status": "subscribed"}]}})
        assert r.status_code == 200
        person_id = r.json()["identifiers"][0].split(":", 1)[1]
        assert requests.post(srv.api + "/tags", headers={"OSDI-API-Token": org["api_key"]},
                             json={"name": "Volunteers"}).status_code == 200
        shots = Path(os.environ.get("TOCSIN_SHOTS", tmp_path / "shots"))
        shots.mkdir(parents=True, exist_ok=True)
        cfg = {"base": srv.base, "shots": str(shots), "personName": "Sam Signer", "tagName": "Volunteers",
               "owner": staff(srv, org["org_id"], "owner@example.org", "owner"),
               "viewer": staff(srv, org["org_id"], "viewer@example.org", "viewer"),
               "locked": staff(srv, org["org_id"], "locked@example.org", "organizer")}
        run = subprocess.run(["node", "console_journey.mjs", json.dumps(cfg)], cwd=node_project,
                             capture_output=True, text=True, timeout=240)
        assert run.stdout.strip(), run.stderr[-3000:]
        out = json.loads(run.stdout.strip().splitlines()[-1])
    finally:
        srv.stop()
    assert "error" not in out, out.get("error")
    assert out["ownerUrl"] == srv.base + "/admin"
    assert out["ownerHeading"] == "Dashboard" and out["peopleCount"] == "1" and out["blocked"] == 1
    assert out["ownerTeamStatus"] == 200
    assert out["inviteError"].startswith("The invitation could not be sent: The From domain is not verified"), out
    assert out["sessionCookie"] == {"httpOnly": True, "sameSite": "Strict", "path": "/admin"}
    assert out["scriptCanReadSession"] is False
    assert out["afterLogout"].endswith("/admin/login") and out["afterLogoutDashboard"].endswith("/admin/login")
    assert out["viewerTeamLinks"] == 0 and out["viewerTeamStatus"] == 403
    assert "does not allow" in out["viewerTeamText"]
    assert out["wrongStatuses"] == [401, 401, 401, 401, 429]
    assert out["lockedRightStatus"] == 429 and "locked" in out["lockedText"]
    assert out["peopleUrl"] == srv.base + "/admin/people" and out["peopleResult"] == "1 found"
    # the person page, opened from the search results: the timeline, then Verify
    assert out["personUrl"] == f"{srv.base}/admin/people/{person_id}"
    assert out["personHeading"] == "Sam Signer" and out["timelineHeadings"] == 1
    assert out["timelineEntries"] == 1 and "none → subscribed" in out["timelineText"]
    assert out["verifyUrl"] == f"{srv.base}/admin/people/{person_id}/verify#consent"
    assert out["chainResult"].startswith("Chain intact: 1 entry, head "), out["chainResult"]
    assert out["personOverflow"] is False
    assert out["taggedUrl"] == f"{srv.base}/admin/people/{person_id}#fields"
    assert out["tagsText"] == ["Volunteers"] and out["tagFormsLeft"] == 0
    assert out["tagsAfterRemove"] == "None." and out["tagFormsAfterRemove"] == 1
    assert out["customFieldValue"] == "L"
    assert out["renamedHeading"] == "Samuel Signer"
    for screen in ("loginAxe", "dashboardAxe", "teamAxe", "inviteAxe", "forbiddenAxe", "peopleAxe", "personAxe", "verifyAxe"):
        assert out[screen] == [], f"{screen}: {out[screen]}"
    assert out["narrowOverflow"] is False
    for name in ("login", "dashboard", "dashboard-375", "team", "team-invite", "people", "person", "person-verified", "locked"):
        assert (shots / f"{name}.png").stat().st_size > 0


def test_campaign_journey_in_chromium(tmp_path, node_project):
    """Petition created in the console, signed on its hosted page, a blast to its signers with the preflight's
    exclusion and drill-down, sent and watched to the end; the email read from the outbox as raw bytes."""
    srv = TocsinServer(tmp_path / "data")
    org = srv.init("Friends of the Bay")
    srv.make_ready_to_send(org, tmp_path)
    srv.write_config()
    srv.start()
    try:
        shots = Path(os.environ.get("TOCSIN_SHOTS", tmp_path / "shots"))
        shots.mkdir(parents=True, exist_ok=True)
        signers = [{"name": "Rosa Parker", "email": "rosa@example.net"},
                   {"name": "Stop Please", "email": "stop@example.net"}]
        cfg = {"base": srv.base, "shots": str(shots), "signers": signers, "fromAddress": "news@example.org",
               "subject": "Clean water: thank you",
               # The brand "Friends of the Bay: " is 20 septets and " Reply STOP to opt out." 23: 58 in one
               # segment; 193 in two of 153; with an emoji the whole text is UCS-2, 195 units in three of 67
               # (the pair never split); a text that says STOP itself gets no opt-out line: 36, one segment.
               "smsBodies": ["Rally at noon.", "a" * 150, "a" * 150 + "\U0001F600", "Text STOP to end"],
               "owner": staff(srv, org["org_id"], "owner@example.org", "owner")}
        run = subprocess.run(["node", "campaign_journey.mjs", json.dumps(cfg)], cwd=node_project,
                             capture_output=True, text=True, timeout=300)
        assert run.stdout.strip(), run.stderr[-3000:]
        out = json.loads(run.stdout.strip().splitlines()[-1])
        mails = [f.read_bytes() for f in (srv.data_dir / "outbox").glob("*.eml")]
        new_key_works = out.get("newKey") and requests.get(
            srv.api + "/people", headers={"OSDI-API-Token": out["newKey"]}).status_code == 200
    finally:
        srv.stop()
    assert "error" not in out, out.get("error")
    assert re.fullmatch(re.escape(srv.base) + r"/admin/actions/[0-9a-f-]{36}", out["actionUrl"]), out["actionUrl"]
    assert out["actionHeading"] == "Clean Water Now"
    assert out["pageLink"].endswith("/o/friends-of-the-bay/petitions/clean-water-now")
    assert out["previewHeading"] == "Clean Water Now" and out["previewSignButtons"] == 1
    assert all(u.endswith("/clean-water-now/thanks") for u in out["signedUrls"]), out["signedUrls"]
    assert out["recordCount"] == "2"
    assert out["targeted"] == "2" and out["sendable"] == "1"
    # The preview frame, as Chromium rendered it: merge field filled for the sample supporter, the footer there.
    assert "Thank you for signing, Sam." in out["previewText"] and "Unsubscribe" in out["previewText"], out["previewText"]
    assert "not_subscribed" in out["excludedRow"] and "1" in out["excludedRow"]
    assert "Stop Please" in out["drilled"] and "Rosa Parker" not in out["drilled"]
    assert out["status"].startswith("sent"), out["status"]
    assert out["statSent"] == "1"
    for screen, violations in out["axe"].items():
        assert violations == [], f"{screen}: {violations}"
    assert out["narrowOverflow"] is False
    assert out["brand"] == "Friends of the Bay"
    assert out["segmentCounts"] == ["1", "2", "3", "1"], out["segmentCounts"]
    assert out["segmentText"].startswith("As a first text: 1 segment, GSM-7"), out["segmentText"]
    assert re.fullmatch(r"[0-9a-f]{48}", out["newKey"]), out["newKey"]
    assert new_key_works  # the key the console showed works on the API at once
    # The one email that left, as bytes on the wire: to Rosa only.
    sent = [m for m in mails if b"Subject: Clean water: thank you" in m]
    assert len(sent) == 1, len(sent)
    assert re.search(rb"^To: rosa@example.net\r?$", sent[0], re.M), sent[0][:400]
    assert b"stop@example.net" not in sent[0]
    for name in ("actions", "action", "compose", "preflight", "preflight-drill", "statistics", "messages",
                 "compose-text", "settings"):
        assert (shots / f"{name}.png").stat().st_size > 0
