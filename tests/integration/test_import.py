"""`tocsin import` / `tocsin export`: consent basis, evidence, row errors, opt-outs, locking, round trip, lists."""
import csv
import io
import json

import pytest

from tocsin_server import TocsinServer, an_id

BASIS = ["--source", "https://example.org/petition v3", "--consent-date", "2024-05-01T10:00:00Z",
         "--consent-method", "web_checkbox"]


@pytest.fixture()
def srv(tmp_path):
    s = TocsinServer(tmp_path / "data")
    s.init("A")
    yield s
    s.stop()


def org_id(srv):
    return srv.orgs["A"]["org_id"]


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def do_import(srv, path, *extra, check=True):
    r = srv.cli("import", "--data", srv.data_dir, "--org", org_id(srv), path, *extra, check=check)
    return r, (srv.json_line(r.stdout) if r.returncode == 0 else None)


def export_rows(srv):
    r = srv.cli("export", "--data", srv.data_dir, "--org", org_id(srv))
    return list(csv.DictReader(io.StringIO(r.stdout, newline="")))


def by_email(rows):
    return {r["email"]: r for r in rows}


def evidence(srv, contact):
    r = srv.cli("evidence", "--data", srv.data_dir, "--org", org_id(srv), contact)
    return r.stdout


def test_import_with_basis_subscribes_and_records_evidence(srv, tmp_path):
    f = write(tmp_path, "supporters.csv",
              "Email Address,First Name,last-name,ZIP Code,City,Volunteer\n"
              "ann@example.org,Ann,Lee,20009,Washington,yes\n"
              "bob@example.org,Bob,,,,\n")
    _, s = do_import(srv, f, *BASIS, "--disclosure-text", "Yes, email me about the campaign.")
    assert s["rows"] == 2 and s["imported"] == 2 and s["created"] == 2 and s["updated"] == 0
    assert s["subscribed"] == 2 and s["without_consent_basis"] == 0 and s["errors"] == 0
    assert s["rows_per_second"] > 0

    rows = by_email(export_rows(srv))
    ann = rows["ann@example.org"]
    assert ann["email_status"] == "subscribed"
    assert (ann["given_name"], ann["family_name"], ann["postal_code"], ann["locality"]) == (
        "Ann", "Lee", "20009", "Washington")
    assert ann["Volunteer"] == "yes" and rows["bob@example.org"]["Volunteer"] == ""

    out = evidence(srv, "ann@example.org")
    assert f"import:{s['batch']}" in out
    assert "https://example.org/petition v3 (file supporters.csv, sha256 " in out and "row 1)" in out
    assert "web_checkbox" in out
    assert "2024-05-01T10:00:00" in out  # consent_time: when consent was given, not when imported
    assert "Yes, email me about the campaign." in out
    assert "row 2)" in evidence(srv, "bob@example.org")


def test_rows_without_basis_are_stored_but_not_subscribed(srv, tmp_path):
    f = write(tmp_path, "nobasis.csv", "email,first_name\ncat@example.org,Cat\n")
    # An incomplete basis (no method) is no basis.
    _, s = do_import(srv, f, "--source", "fair stall", "--consent-date", "2024-01-01")
    assert s["imported"] == 1 and s["without_consent_basis"] == 1 and s["subscribed"] == 0
    row = by_email(export_rows(srv))["cat@example.org"]
    assert row["given_name"] == "Cat" and row["email_status"] == ""  # no ledger entry: never subscribed
    r = srv.cli("evidence", "--data", srv.data_dir, "--org", org_id(srv), "cat@example.org", check=False)
    assert r.returncode != 0


def test_per_row_basis_columns_override_file_flags(srv, tmp_path):
    f = write(tmp_path, "rows.csv",
              "email,consent_source,consent_date,consent_method\n"
              "d1@example.org,paper form 7,2023-02-03,paper_scan\n"
              "d2@example.org,,,\n"
              "d3@example.org,stall,,\n")
    _, s = do_import(srv, f)
    assert s["subscribed"] == 1 and s["without_consent_basis"] == 2
    out = evidence(srv, "d1@example.org")
    assert "paper form 7 (file rows.csv" in out and "paper_scan" in out and "2023-02-03T00:00:00" in out
    # File-level flags fill the parts a row leaves empty; the row's own source wins.
    f2 = write(tmp_path, "rows2.csv", "email,consent_source\nd3@example.org,stall at the fair\n")
    _, s = do_import(srv, f2, *BASIS)
    assert s["subscribed"] == 1 and s["updated"] == 1
    assert "stall at the fair (file rows2.csv" in evidence(srv, "d3@example.org")


def test_bad_rows_are_reported_and_later_rows_still_imported(srv, tmp_path):
    f = write(tmp_path, "mixed.csv",
              "email,phone,birthdate,consent_date\n"
              "good1@example.org,,,\n"
              "not-an-email,,,\n"
              ",,,\n"
              "good2@example.org,12,,\n"
              "good3@example.org,,1990-02-30,\n"
              "good4@example.org,,,yesterday\n"
              "too,many,columns,here,x\n"
              "\"quoted, \"\"name\"\"\"@example.org,,,\n"
              "good5@example.org,,1990-02-28,\n")
    r, s = do_import(srv, f, *BASIS)
    assert s["rows"] == 9 and s["errors"] == 7 and s["imported"] == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("row ")]
    assert [ln.split(":")[0] for ln in lines] == ["row 2", "row 3", "row 4", "row 5", "row 6", "row 7", "row 8"]
    assert "no email address and no phone number" in lines[1]
    assert "expected 4 columns, found 5" in lines[5]
    emails = set(by_email(export_rows(srv)))
    assert emails == {"good1@example.org", "good5@example.org"}

    errors = tmp_path / "errors.txt"
    r, s = do_import(srv, f, *BASIS, "--errors", errors)
    assert s["errors"] == 7 and s["updated"] == 2
    assert not [ln for ln in r.stderr.splitlines() if ln.startswith("row ")]
    assert errors.read_text().splitlines()[0].startswith("row 2: invalid email address")


def test_sms_opt_in_needs_a_basis(srv, tmp_path):
    f = write(tmp_path, "sms.csv",
              "email,mobile,sms_opt_in\n"
              "s1@example.org,(202) 555-0143,yes\n"
              "s2@example.org,+1 415 555 0199,\n")
    _, s = do_import(srv, f)
    rows = by_email(export_rows(srv))
    assert rows["s1@example.org"]["phone"] == "+12025550143" and rows["s1@example.org"]["phone_status"] == ""
    _, s = do_import(srv, f, *BASIS)
    rows = by_email(export_rows(srv))
    assert rows["s1@example.org"]["phone_status"] == "subscribed"
    assert rows["s2@example.org"]["phone_status"] == ""  # no opt-in column value: the number stays unsubscribed
    assert rows["s2@example.org"]["email_status"] == "subscribed"


def test_reimport_never_resubscribes_an_opt_out(srv, tmp_path):
    f = write(tmp_path, "list.csv", "email\nopt@example.org\nstay@example.org\n")
    _, s = do_import(srv, f, *BASIS)
    assert s["subscribed"] == 2

    srv.write_config(limits={"key_requests_per_second": 1000, "key_burst": 1000})
    srv.start()
    api = srv.client(srv.orgs["A"]["api_key"])
    people = api.all_pages("people", "osdi:people")
    pid = next(an_id(p) for p in people if p["email_addresses"][0]["address"] == "opt@example.org")
    r = api.put(f"people/{pid}", json={"email_addresses": [{"status": "unsubscribed"}]})
    assert r.status_code == 200, r.text

    # While the server holds the data directory, an import is refused with a clear message.
    r, _ = do_import(srv, f, *BASIS, check=False)
    assert r.returncode != 0
    assert "stop it before importing" in r.stderr
    srv.stop()

    _, s = do_import(srv, f, *BASIS)
    assert s["kept_suppressed"] == 1 and s["subscribed"] == 0 and s["updated"] == 2
    rows = by_email(export_rows(srv))
    assert rows["opt@example.org"]["email_status"] == "unsubscribed"
    assert rows["stay@example.org"]["email_status"] == "subscribed"


def test_status_column_records_opt_outs_without_a_basis(srv, tmp_path):
    f = write(tmp_path, "suppress.csv", "email,email_status\nno@example.org,unsubscribed\nyes@example.org,\n")
    _, s = do_import(srv, f)
    assert s["opted_out"] == 1
    _, s = do_import(srv, f, *BASIS)  # a basis later does not undo the recorded opt-out
    assert s["subscribed"] == 1 and s["opted_out"] == 0
    rows = by_email(export_rows(srv))
    assert rows["no@example.org"]["email_status"] == "unsubscribed"
    assert rows["yes@example.org"]["email_status"] == "subscribed"


def test_export_reimport_round_trip(srv, tmp_path):
    f = write(tmp_path, "full.csv",
              "email,phone,given_name,family_name,address_line1,address_line2,city,state,zip,country,"
              "language,identifier,birthdate,Team,Notes\n"
              "r1@example.org,2025550143,Rae,O'Neil,1 Main St,Apt 2,Springfield,IL,62701,US,en,crm:17,1980-05-06,"
              "blue,\"multi\nline, \"\"quoted\"\"\"\n"
              "r2@example.org,,Ray,,,,,,,,,,,red,\n"
              ",+44 20 7946 0958,Phone,Only,,,London,,,GB,,,,,\n")
    _, s = do_import(srv, f, *BASIS, "--list", "Spring import")
    assert s["imported"] == 3 and s["errors"] == 0
    first = srv.cli("export", "--data", srv.data_dir, "--org", org_id(srv)).stdout
    out_file = tmp_path / "export.csv"
    srv.cli("export", "--data", srv.data_dir, "--org", org_id(srv), "--out", out_file)
    assert out_file.read_text() == first

    other = TocsinServer(tmp_path / "other")
    other.init("A")
    r = other.cli("import", "--data", other.data_dir, "--org", other.orgs["A"]["org_id"], out_file, *BASIS)
    assert other.json_line(r.stdout)["imported"] == 3
    second = other.cli("export", "--data", other.data_dir, "--org", other.orgs["A"]["org_id"]).stdout

    def strip_dates(text):
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        for row in rows:
            row.pop("created_date"), row.pop("modified_date")
        return rows

    a, b = strip_dates(first), strip_dates(second)
    assert a == b
    r1 = by_email(a)["r1@example.org"]
    assert r1["Notes"] == 'multi\nline, "quoted"' and r1["identifier"] == "crm:17"
    assert r1["address_line2"] == "Apt 2" and r1["phone"] == "+12025550143"


def test_list_option_creates_a_list(srv, tmp_path):
    f = write(tmp_path, "l.csv", "email\nl1@example.org\nl2@example.org\nl1@example.org\n")
    _, s = do_import(srv, f, *BASIS, "--list", "March petition")
    assert s["imported"] == 3 and s["created"] == 2 and s["updated"] == 1
    srv.write_config(limits={"key_requests_per_second": 1000, "key_burst": 1000})
    srv.start()
    api = srv.client(srv.orgs["A"]["api_key"])
    lists = api.all_pages("lists", "osdi:lists")
    assert [lst["name"] for lst in lists] == ["March petition"]


def test_unusable_files_fail(srv, tmp_path):
    r, _ = do_import(srv, tmp_path / "missing.csv", check=False)
    assert r.returncode != 0 and "cannot read" in r.stderr
    r, _ = do_import(srv, write(tmp_path, "noemail.csv", "name,city\nA,B\n"), check=False)
    assert r.returncode != 0 and "email or a phone column" in r.stderr
    r, _ = do_import(srv, write(tmp_path, "dup.csv", "email,Email Address\na@x.org,b@x.org\n"), check=False)
    assert r.returncode != 0 and "mean the same field" in r.stderr
    r, _ = do_import(srv, write(tmp_path, "ok.csv", "email\na@example.org\n"), "--consent-date", "soon",
                     check=False)
    assert r.returncode != 0 and "--consent-date" in r.stderr
    # A byte order mark and CRLF line ends are fine.
    _, s = do_import(srv, write(tmp_path, "bom.csv", "\ufeffEmail\r\nbom@example.org\r\n"))
    assert s["imported"] == 1
    assert json.loads(json.dumps(s))["errors"] == 0


def test_age_gate_rejects_children_with_a_row_error(srv, tmp_path):
    srv.write_config(sections={"privacy": {"age_custom_field": "age"}})
    f = write(tmp_path, "ages.csv",
              "email,birthdate,age\n"
              "adult@example.org,1990-05-05,\n"
              "child@example.org,2020-01-01,\n"
              "kid@example.org,,12\n"
              "grownup@example.org,,40\n")
    r, s = do_import(srv, f, *BASIS)
    assert s["rows"] == 4 and s["imported"] == 2 and s["errors"] == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("row ")]
    assert [ln.split(":")[0] for ln in lines] == ["row 2", "row 3"]
    assert all("under 13" in ln for ln in lines)
    assert set(by_email(export_rows(srv))) == {"adult@example.org", "grownup@example.org"}


def test_control_characters_in_names_become_spaces(srv, tmp_path):
    f = write(tmp_path, "names.csv",
              'email,first_name,last_name,city\n'
              'crlf@example.org,"Ada\r\nBcc: x@example.org","Love\tlace","Spring\nfield"\n')
    _, s = do_import(srv, f, *BASIS)
    assert s["imported"] == 1
    row = by_email(export_rows(srv))["crlf@example.org"]
    assert row["given_name"] == "Ada  Bcc: x@example.org"
    assert row["family_name"] == "Love lace" and row["locality"] == "Spring field"


def test_sms_subscription_evidence_is_the_importers_attestation(srv, tmp_path):
    f = write(tmp_path, "attest.csv", "email,mobile,sms_opt_in\natt@example.org,(202) 555-0188,yes\n")
    _, s = do_import(srv, f, *BASIS)
    out = evidence(srv, "+12025550188")
    assert f"import:{s['batch']}" in out and "web_checkbox" in out and "https://example.org/petition v3" in out
