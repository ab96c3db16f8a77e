"""The console's CSV import (issue #13; docs/CONSOLE.md "Import") over real HTTP: a multipart upload with the
consent basis, the import running in the background through the server's committer, its progress as the
script polls it, the report's counts and rejected rows compared with what `tocsin import` prints for the same
file on a fresh installation, the rejected rows as CSV, the raw ledger rows' evidence, the people through the
API, the audit lines, roles (a viewer cannot import), CSRF, the upload's bound, and another organization's
staff finding nothing."""
import csv
import io
import re
import time

import requests

from test_console_http import Staff, srv, staff_audit  # noqa: F401  (srv: the fixture, organizations A and B)
from tocsin_server import TocsinServer

SUBSCRIBED, UNSUBSCRIBED = 1, 2  # consent::Status as stored in ledger.new_status

CSV = (
    "email,phone,given_name,family_name,sms_opt_in,birthdate,city\r\n"
    "ann@example.org,+12025550143,Ann,Lee,yes,,Springfield\r\n"  # 1: email and phone subscribed
    "not-an-address,,Bad,Row,,,\r\n"                             # 2: invalid email
    "bob@example.org,,Bob,,,,\r\n"                                # 3: email subscribed
    "short,row\r\n"                                               # 4: wrong column count
    "opted@example.org,,Opted,Out,,,\r\n"                         # 5: kept unsubscribed (opted out before)
    "cy@example.org,,Cy,,,1990-13-45,\r\n"                        # 6: bad birthdate
    ",,No,Contact,,,\r\n"                                         # 7: neither email nor phone
    "dee@example.org,,Dee,,,,Shelbyville\r\n"                     # 8: email subscribed
)
BASIS = {"source": "Spring fair sign-up sheet", "consent_date": "2024-05-01",
         "consent_method": "paper form", "disclosure_text": "Yes, keep me posted about the campaign."}


def people(srv, org):
    """The organization's people through the API (a handful in these tests: one page)."""
    r = requests.get(srv.api + "/people", headers={"OSDI-API-Token": org["api_key"]})
    assert r.status_code == 200, r.text
    return r.json()["_embedded"]["osdi:people"]


def upload(staff, data: bytes, name="people.csv", csrf=None, **fields):
    token = csrf if csrf is not None else staff.csrf("/admin/people")
    return staff.http.post(staff.srv.base + "/admin/people/import", allow_redirects=False,
                           data={"csrf": token, **fields}, files={"file": (name, data, "text/csv")})


def wait_done(staff, job_path, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        p = staff.get(job_path + "/progress")
        assert p.status_code == 200 and p.headers["Content-Type"].startswith("application/json")
        if p.json()["done"]:
            return p.json()
        time.sleep(0.2)
    raise AssertionError("the import did not finish")


def cli_import(tmp_path, data: bytes):
    """What `tocsin import` reports for the same file and basis on a fresh installation that has the same
    opted-out address: the CLI is the oracle for the console's counts and rejected rows."""
    cli = TocsinServer(tmp_path / "cli")
    org = cli.init("A")
    cli.start()
    r = requests.post(cli.api + "/people", headers={"OSDI-API-Token": org["api_key"]},
                      json={"person": {"email_addresses": [{"address": "opted@example.org",
                                                            "status": "unsubscribed"}]}})
    assert r.status_code == 200, r.text
    cli.stop()
    f = tmp_path / "people.csv"
    f.write_bytes(data)
    errors = tmp_path / "errors.txt"
    out = cli.cli("import", "--data", cli.data_dir, "--org", org["org_id"], str(f), "--source", BASIS["source"],
                  "--consent-date", BASIS["consent_date"], "--consent-method", BASIS["consent_method"],
                  "--disclosure-text", BASIS["disclosure_text"], "--errors", str(errors))
    return cli.json_line(out.stdout), errors.read_text().splitlines()


def test_import_journey(srv, tmp_path):
    a, b = srv.orgs["A"], srv.orgs["B"]
    hdr = {"OSDI-API-Token": a["api_key"]}
    r = requests.post(srv.api + "/people", headers=hdr, json={
        "person": {"email_addresses": [{"address": "opted@example.org", "status": "unsubscribed"}]}})
    assert r.status_code == 200, r.text
    organizer = Staff(srv, a["org_id"], "org@example.org", "organizer")
    viewer = Staff(srv, a["org_id"], "viewer@example.org", "viewer")
    other = Staff(srv, b["org_id"], "owner-b@example.org", "owner")
    for s in (organizer, viewer, other):
        assert s.login().status_code == 303

    # A viewer reads people but cannot import: the form and the upload are 403.
    assert viewer.get("/admin/people/import").status_code == 403
    assert upload(viewer, CSV.encode(), **BASIS).status_code == 403
    # The form: the upload's bound is said; the people screen links to it for those who may import.
    form = organizer.get("/admin/people/import")
    assert form.status_code == 200 and "Up to 16 MiB" in form.text and 'enctype="multipart/form-data"' in form.text
    assert 'href="/admin/people/import"' in organizer.get("/admin/people").text
    assert 'href="/admin/people/import"' not in viewer.get("/admin/people").text

    # CSRF: the multipart form's own token is checked.
    assert upload(organizer, CSV.encode(), csrf="0" * 32, **BASIS).status_code == 403
    # The basis: all three parts, or an explicit "none here"; a bad date is refused before anything starts.
    r = upload(organizer, CSV.encode(), source="fair", consent_method="paper")
    assert r.status_code == 400 and "all three" in r.text and 'value="fair"' in r.text
    r = upload(organizer, CSV.encode())
    assert r.status_code == 400 and "tick the box" in r.text
    r = upload(organizer, CSV.encode(), **{**BASIS, "consent_date": "May 1st"})
    assert r.status_code == 400 and "ISO-8601" in r.text
    # The bound: a body over 16 MiB is refused by the server before the console reads it.
    r = upload(organizer, b"email\r\n" + b"x" * (16 << 20), **BASIS)
    assert r.status_code == 413
    assert len(people(srv, a)) == 1  # nothing imported yet

    r = upload(organizer, CSV.encode(), **BASIS)
    assert r.status_code == 303, r.text
    job = r.headers["Location"]
    assert re.fullmatch(r"/admin/people/import/[0-9a-f]{32}", job)
    page = organizer.get(job)
    assert page.status_code == 200
    if "Import finished" not in page.text:  # still running: the bar, the script, the refresh without scripts
        assert '<progress id="bar"' in page.text and "/admin/static/import.js" in page.text
        assert '<noscript><meta http-equiv="refresh"' in page.text
        assert "connect-src 'self'" in page.headers["Content-Security-Policy"]
    progress = wait_done(organizer, job)
    assert progress == {"done": True, "percent": 100, "rows": 8, "imported": 4, "errors": 4}

    # The report equals what `tocsin import` prints for the same file and basis.
    summary, cli_errors = cli_import(tmp_path, CSV.encode())
    page = organizer.get(job).text
    for key in ("rows", "imported", "created", "updated", "subscribed", "kept_suppressed",
                "without_consent_basis", "opted_out", "errors"):
        shown = re.search(rf'data-count="{key}">(\d+)<', page).group(1)
        assert int(shown) == summary[key], (key, shown, summary)
    assert summary["kept_suppressed"] == 1 and summary["subscribed"] == 3
    from html import unescape
    table = [(int(row), unescape(reason)) for row, reason in
             re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", page)]
    assert [f"row {n}: {why}" for n, why in table] == cli_errors
    assert [n for n, _ in table] == [2, 4, 6, 7]
    # The same rows as CSV.
    dl = organizer.get(job + "/errors")
    assert dl.status_code == 200 and dl.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in dl.headers["Content-Disposition"] and dl.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(dl.text)))
    assert rows[0] == ["row", "error"]
    assert [f"row {n}: {why}" for n, why in rows[1:]] == cli_errors

    # The people are there, through the API; ann's phone subscribed by the sms_opt_in attestation.
    emails = sorted(p["email_addresses"][0]["address"] for p in people(srv, a))
    assert emails == ["ann@example.org", "bob@example.org", "dee@example.org", "opted@example.org"]
    ann = next(p for p in people(srv, a) if p["email_addresses"][0]["address"] == "ann@example.org")
    assert ann["phone_numbers"][0]["status"] == "subscribed" and ann["postal_addresses"][0]["locality"] == "Springfield"
    batch = re.search(r"<dt>Batch[^<]*<code>[^<]*</code>\)</dt><dd>([0-9a-f-]{36})</dd>", page).group(1)
    with srv.db() as db:
        rows = db.execute("SELECT channel, new_status, actor, source, method, consent_time FROM ledger "
                          "WHERE org_id = ? AND actor = ? ORDER BY seq", (a["org_id"], f"import:{batch}")).fetchall()
    # ann (email + phone), bob, dee: four subscriptions with the import's evidence; opted@ untouched.
    assert len(rows) == 4, rows
    sha = re.search(r"sha256 ([0-9a-f]{16})", srv.unseal(rows[0][3], "ledger.source")).group(1)
    import hashlib
    assert sha == hashlib.sha256(CSV.encode()).hexdigest()[:16]  # the file the organizer uploaded
    for channel, status, actor, source, method, consent_time in rows:
        assert status == SUBSCRIBED
        source = srv.unseal(source, "ledger.source")
        assert re.fullmatch(rf"Spring fair sign-up sheet \(file people\.csv, sha256 {sha}, row [138]\)", source)
        assert srv.unseal(method, "ledger.method") == "paper form"
        assert consent_time == 1714521600 * 1_000_000  # 2024-05-01, when they agreed
    with srv.db() as db:
        (n,) = db.execute("SELECT count(*) FROM ledger WHERE org_id = ? AND new_status = ?",
                          (a["org_id"], SUBSCRIBED)).fetchone()
    assert n == 4

    # Audited: who started it and what it did, with the batch the ledger names.
    audit = [e for e in staff_audit(srv) if '"people.import' in e]
    assert any('"people.import_started"' in e for e in audit)
    assert any('"people.import"' in e and batch in e and "4 imported" in e and "4 errors" in e for e in audit)

    # Another organization's staff find nothing: the job, its progress and its errors are 404; their
    # import screen lists none of A's imports.
    for path in (job, job + "/progress", job + "/errors"):
        assert other.get(path).status_code == 404
    assert job.rsplit("/", 1)[1] not in other.get("/admin/people/import").text
    assert job.rsplit("/", 1)[1] in organizer.get("/admin/people/import").text
    # A viewer cannot read the report either (it names rows of supporters).
    assert viewer.get(job).status_code == 403

    # Re-importing the same file matches the people it created: nobody new.
    r = upload(organizer, CSV.encode(), **BASIS)
    progress = wait_done(organizer, r.headers["Location"])
    assert progress["imported"] == 4
    assert len(people(srv, a)) == 4


def test_import_without_basis_subscribes_nobody(srv):
    a = srv.orgs["A"]
    owner = Staff(srv, a["org_id"], "o@example.org", "owner")
    assert owner.login().status_code == 303
    data = "email,given_name\r\nzed@example.org,Zed\r\nyan@example.org,Yan\r\n".encode()
    r = upload(owner, data, name="C:\\Users\\x\\list.csv", no_basis="1", list_name="Fair 2024")
    assert r.status_code == 303, r.text
    assert wait_done(owner, r.headers["Location"]) == {"done": True, "percent": 100, "rows": 2, "imported": 2,
                                                       "errors": 0}
    page = owner.get(r.headers["Location"]).text
    assert "Import of list.csv" in page  # the path a browser sent is cut to the file's name
    assert re.search(r'data-count="without_consent_basis">2<', page)
    with srv.db() as db:
        (n,) = db.execute("SELECT count(*) FROM ledger WHERE org_id = ?", (a["org_id"],)).fetchone()
    assert n == 0  # stored, not subscribed: no ledger entry at all
    statuses = [p["email_addresses"][0]["status"] for p in people(srv, a)]
    assert statuses == ["unsubscribed", "unsubscribed"]
    lists = requests.get(srv.api + "/lists", headers={"OSDI-API-Token": a["api_key"]}).json()
    assert [l["name"] for l in lists["_embedded"]["osdi:lists"]] == ["Fair 2024"]
