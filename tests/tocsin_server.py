"""Reusable harness for the HTTP-level suites: runs the real `tocsin` binary.

    srv = TocsinServer(tmp_path / "data")
    org_a = srv.init("A")                 # {"org_id", "api_key"}
    org_b = srv.create_org("B")
    srv.write_config()                     # free port, limits very high
    srv.start()                            # waits until GET /api/v2/ answers
    a = srv.client(org_a["api_key"])       # ApiClient: a.get("people"), a.post("people", json=...)
    ...
    srv.stop()

The binary is $TOCSIN_BIN, default <repo>/build/tocsin.  Nothing here builds anything.
Test data sets (an-fixtures) are read in place from /work/shared/reference/an-fixtures.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import os
import random
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import requests

from fixtures.postgres import PgDb, backend, shared_cluster
from fixtures.processes import free_port, stop_process  # noqa: F401 (free_port: suites import it from here)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(os.environ.get("TOCSIN_AN_FIXTURES", "/work/shared/reference/an-fixtures"))

HIGH = 100000
HIGH_LIMITS = {
    "key_requests_per_second": HIGH,
    "key_burst": HIGH,
    "helper_posts_per_ip_per_second": HIGH,
    "helper_burst": HIGH,
    "helper_posts_per_action_per_second": HIGH,
    "helper_action_burst": HIGH,
    "helper_posts_per_phone_per_hour": HIGH,
    "helper_phone_burst": HIGH,
}


# What a test client attests for a keyed SMS opt-in (people/subscribe_rule.h: a key's attestation needs a
# source and a method).
TEST_ATTESTATION = {"source": "https://example.org/join (test fixture form)", "method": "web form checkbox"}


def wait_until(what: str, cond, timeout: float = 30.0, log=lambda: ""):
    """cond()'s first true value, asked every 50 ms; an AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{log()}")
        time.sleep(0.05)


def tocsin_bin() -> str:
    return os.environ.get("TOCSIN_BIN") or str(REPO / "build" / "tocsin")


def load_fixture(rel: str):
    """JSON fixture by relative path, e.g. 'parsons/fake_tags.json'."""
    with open(FIXTURES / rel, encoding="utf-8") as f:
        return json.load(f)


class CliError(AssertionError):
    pass


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(str(v))


class TocsinServer:
    """One data directory plus (optionally) one running `tocsin serve` process."""

    def __init__(self, data_dir, binary: str | None = None, backend_override: str | None = None):
        self.data_dir = Path(data_dir)
        self.binary = binary or tocsin_bin()
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.orgs: dict[str, dict] = {}  # org name -> {"org_id", "api_key"}
        self.log_path = self.data_dir.parent / (self.data_dir.name + ".serve.log")
        self.env: dict[str, str] = {}  # extra environment of `tocsin serve` (e.g. libfaketime's)
        # The backend under test (TOCSIN_TEST_BACKEND): on PostgreSQL each server gets a fresh database of its
        # own, named to every command through TOCSIN_DATABASE_URL.
        self.backend = backend_override or backend()
        self.database_url = shared_cluster().create_database() if self.backend == "postgresql" else None
        self.cli_env: dict[str, str] = {}
        if self.database_url:
            self.env["TOCSIN_DATABASE_URL"] = self.database_url
            self.cli_env["TOCSIN_DATABASE_URL"] = self.database_url

    @property
    def proc_env(self) -> dict[str, str]:
        """The environment a tocsin command against this installation needs (the database URL on PostgreSQL)."""
        return {**os.environ, **self.cli_env}

    def db(self, write: bool = False):
        """The installation's database for a test to read (or, with write=True, change) rows, whatever the
        backend: an sqlite3 connection or a PgDb with the same execute/fetch/commit calls (each statement
        committed as it runs). Close it after use."""
        if self.database_url:
            return PgDb(self.database_url)
        import sqlite3
        if write:
            return sqlite3.connect(self.db_path, timeout=10)
        return sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
    @property
    def kek_path(self) -> Path:
        """The key-encryption key `tocsin init` creates beside the data directory (DIR.kek)."""
        return self.data_dir.parent / (self.data_dir.name + ".kek")

    def unseal(self, value, column: str | None = None):
        """The plaintext of a value read from a sealed column ("people.doc", "org_docs.doc", "ledger.ip",
        ...; None: any), decrypted by the test itself with the installation's key-encryption key
        (fixtures/sealed_values); a value that is not sealed is returned as it is."""
        from fixtures.sealed_values import data_keys, is_sealed, key_id, read_kek, unseal
        if not is_sealed(value):
            return value
        # The keys are read once and again only for a key id not seen yet (a rotation): tests unseal whole
        # tables between steps that race a running blast, where a connection per value would be too slow.
        def load():
            db = self.db()
            try:
                rows = db.execute("SELECT id, wrapped FROM data_keys").fetchall()
            finally:
                db.close()
            self._data_keys = data_keys(read_kek(self.kek_path), rows)
            return self._data_keys

        keys = getattr(self, "_data_keys", None)
        if keys is None or key_id(value) not in keys:
            return unseal(load(), value, column)
        try:
            return unseal(keys, value, column)
        except Exception:  # the keys were read from an earlier installation in the same place
            return unseal(load(), value, column)

    # ---------------------------------------------------------------- CLI
    def cli(self, *args, check: bool = True, timeout: float = 60, input: str | None = None):
        cmd = [self.binary, *[str(a) for a in args]]
        if not os.path.exists(self.binary):
            raise CliError(f"tocsin binary not found at {self.binary} (set TOCSIN_BIN)")
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input, env=self.proc_env)
        if check and r.returncode != 0:
            raise CliError(f"{' '.join(cmd)} exited {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}")
        return r

    @staticmethod
    def json_line(stdout: str) -> dict:
        lines = [ln for ln in stdout.splitlines() if ln.strip()]
        assert lines, "command printed nothing"
        return json.loads(lines[-1])

    def init(self, org: str = "A", *flags: str) -> dict:
        r = self.cli("init", "--data", self.data_dir, "--org", org, *flags)
        out = self.json_line(r.stdout)
        assert set(out) >= {"org_id", "api_key"}, out
        self.orgs[org] = out
        return out

    def create_org(self, name: str, *flags: str) -> dict:
        r = self.cli("org", "create", name, "--data", self.data_dir, *flags)
        out = self.json_line(r.stdout)
        assert set(out) >= {"org_id", "api_key"}, out
        self.orgs[name] = out
        return out

    def make_ready_to_send(self, org: dict, work: Path, domain: str = "example.org") -> None:
        """What email blasts need before they leave (docs/MAIL.md): a postal address and a sending domain
        verified against a local DNS server that publishes the DKIM key, SPF and DMARC (run before start())."""
        from mail_servers import LocalDns, sending_domain_records  # mail_servers imports this module

        data = str(self.data_dir)
        self.cli("settings", "--data", data, "--org", org["org_id"], "--postal-address",
                 "1 Main St, Springfield, IL")
        added = self.json_line(self.cli("domain", "add", "--data", data, "--org", org["org_id"], domain).stdout)
        dns = LocalDns(Path(work) / "dns", sending_domain_records(added)).start()
        try:
            verified = self.json_line(self.cli("domain", "verify", "--data", data, "--org", org["org_id"], domain,
                                               "--dns", dns.forwarder).stdout)
        finally:
            dns.stop()
        assert verified["verified"], verified

    def create_key(self, org_id: str) -> dict:
        r = self.cli("apikey", "create", "--data", self.data_dir, "--org", org_id)
        out = self.json_line(r.stdout)
        assert set(out) >= {"key_id", "api_key"}, out
        return out

    def revoke_key(self, org_id: str, key_id: str, check: bool = True):
        return self.cli("apikey", "revoke", "--data", self.data_dir, "--org", org_id, key_id, check=check)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "tocsin.db"

    # ------------------------------------------------------------- config
    def write_config(self, port: int | None = None, limits: dict | None = None, server: dict | None = None,
                     sections: dict | None = None):
        """`sections`: further tables, e.g. {"privacy": {"age_custom_field": "age"}}."""
        self.port = port or self.port or free_port()
        lim = dict(HIGH_LIMITS)
        lim.update(limits or {})
        srv = {"public_url": f"http://127.0.0.1:{self.port}", "max_body_bytes": 1048576}
        srv.update(server or {})
        lines = ["[server]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in srv.items()]
        lines += ["", "[limits]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in lim.items()]
        for name, table in (sections or {}).items():
            lines += ["", f"[{name}]"] + [f"{k} = {_toml_value(v)}" for k, v in table.items()]
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "tocsin.toml").write_text("\n".join(lines) + "\n")

    # ------------------------------------------------------------ process
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.base}/api/v2"

    def url(self, path: str = "") -> str:
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return f"{self.api}/{path.lstrip('/')}"

    def start(self, timeout: float = 30):
        if self.port is None:
            self.write_config()
        if not os.path.exists(self.binary):
            raise CliError(f"tocsin binary not found at {self.binary} (set TOCSIN_BIN)")
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data", str(self.data_dir), "--listen", f"127.0.0.1:{self.port}"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env={**self.proc_env, **self.env})
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CliError(f"tocsin serve exited {self.proc.returncode}:\n{self.log_tail()}")
            try:
                r = requests.get(self.api + "/", timeout=1)
                if r.status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise CliError(f"tocsin serve did not answer GET /api/v2/ within {timeout}s:\n{self.log_tail()}")

    def stop(self, timeout: float = 10):
        p, self.proc = self.proc, None
        if p is not None:
            stop_process(p, timeout)

    def restart(self):
        self.stop()
        return self.start()

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_bytes()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------ clients
    @staticmethod
    def headers(key: str | None, **extra) -> dict:
        h = {} if key is None else {"OSDI-API-Token": key}
        h.update(extra)
        return h

    def client(self, key: str | None = None, user_agent: str | None = None) -> "ApiClient":
        return ApiClient(self, key, user_agent)


class ApiClient:
    """Thin requests wrapper bound to one server and one key (None = no key)."""

    def __init__(self, server: TocsinServer, key: str | None = None, user_agent: str | None = None):
        self.server = server
        self.key = key
        self.user_agent = user_agent
        self.session = requests.Session()

    def request(self, method: str, path: str, *, key="default", headers=None, timeout: float = 20, **kw):
        h = {}
        k = self.key if key == "default" else key
        if k is not None:
            h["OSDI-API-Token"] = k
        if self.user_agent:
            h["User-Agent"] = self.user_agent
        h.update(headers or {})
        return self.session.request(method, self.server.url(path), headers=h, timeout=timeout, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def options(self, path, **kw):
        return self.request("OPTIONS", path, **kw)

    # --- convenience
    def ok(self, method, path, **kw) -> dict:
        r = self.request(method, path, **kw)
        assert r.status_code == 200, f"{method} {path} -> {r.status_code} {r.text[:500]}"
        return r.json()

    def signup(self, email=None, phone=None, *, email_status=None, phone_status=None, given=None,
               family=None, tags=None, person_extra=None, params=None, expect=200, consent="attest") -> dict:
        """`consent`: the `tocsin:consent` attestation sent with a keyed SMS opt-in (docs/API.md); "attest"
        (default) sends TEST_ATTESTATION when a keyed call subscribes a phone, None sends none."""
        person: dict = {}
        if email is not None:
            e = {"address": email}
            if email_status:
                e["status"] = email_status
            person["email_addresses"] = [e]
        if phone is not None:
            p = {"number": phone}
            if phone_status:
                p["status"] = phone_status
            person["phone_numbers"] = [p]
        if given is not None:
            person["given_name"] = given
        if family is not None:
            person["family_name"] = family
        person.update(person_extra or {})
        body: dict = {"person": person}
        if tags is not None:
            body["add_tags"] = tags
        if consent == "attest" and self.key and phone_status == "subscribed":
            body["tocsin:consent"] = TEST_ATTESTATION
        elif consent not in (None, "attest"):
            body["tocsin:consent"] = consent
        r = self.post("people", json=body, params=params)
        assert r.status_code == expect, f"POST /people -> {r.status_code} {r.text[:500]}"
        return r.json()

    def person(self, pid: str) -> dict:
        return self.ok("GET", f"people/{pid}")

    def all_pages(self, path: str, rel: str, params=None, max_pages: int = 400) -> list:
        """Parsons-style: page=1,2,... until _embedded[first key] is empty."""
        out = []
        for page in range(1, max_pages + 1):
            p = dict(params or {})
            p["page"] = page
            body = self.ok("GET", path, params=p)
            items = body["_embedded"][rel]
            if not items:
                return out
            out.extend(items)
        raise AssertionError(f"{path}: more than {max_pages} pages")

    def people_snapshot(self) -> dict:
        """Every person of this key's org, by id (full documents) — to prove bad input changed nothing."""
        return {an_id(p): p for p in self.all_pages("people", "osdi:people")}


# ---------------------------------------------------------------- helpers
_counter = itertools.count(1)
_used_phones: set[str] = set()


def unique_email(prefix: str = "t") -> str:
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:10]}@example.org"


def unique_phone() -> str:
    """A valid, unused US mobile-looking number as 11 digits (1 + NANP), e.g. '12025550123'."""
    while True:
        exch = random.randint(200, 999)
        if exch % 100 == 11 or exch == 555:
            continue
        area = random.choice(["202", "415", "312", "617", "503", "206"])
        n = f"1{area}{exch}{random.randint(0, 9999):04d}"
        if n not in _used_phones:
            _used_phones.add(n)
            return n


def an_id(resource: dict) -> str:
    ids = [i for i in resource.get("identifiers", []) if i.startswith("action_network:")]
    assert len(ids) == 1, f"expected exactly one action_network: identifier, got {resource.get('identifiers')}"
    return ids[0].split(":", 1)[1]


def last_segment(href: str) -> str:
    return urlsplit(href).path.rstrip("/").rsplit("/", 1)[-1]


def primary_email(person: dict) -> dict | None:
    for e in person.get("email_addresses", []):
        if e.get("primary", True):
            return e
    return None


def primary_phone(person: dict) -> dict | None:
    for p in person.get("phone_numbers", []):
        if p.get("primary", True):
            return p
    return None


def key_set_diff(actual, fixture, ignore=(), loose=(), path="$") -> list[str]:
    """Paths present in `fixture` but missing (or of another container type) in `actual`.

    Dicts: every fixture key must exist. Lists of dicts: the first actual element is compared with the
    first fixture element (an empty actual list where the fixture has elements is reported).
    `ignore`: fnmatch patterns of paths not required at all.  `loose`: paths that must exist but whose
    shape is not compared.  Paths look like `$._links.self`, `$._embedded.osdi:people[]`.
    """
    missing: list[str] = []

    def skip(p, pats):
        return any(fnmatch.fnmatchcase(p, pat) for pat in pats)

    def walk(a, f, p):
        if skip(p, loose):
            return
        if isinstance(f, dict):
            if not isinstance(a, dict):
                missing.append(f"{p} (expected object, got {type(a).__name__})")
                return
            for k, v in f.items():
                kp = f"{p}.{k}"
                if skip(kp, ignore):
                    continue
                if k not in a:
                    missing.append(kp)
                else:
                    walk(a[k], v, kp)
        elif isinstance(f, list):
            if not isinstance(a, list):
                missing.append(f"{p} (expected array, got {type(a).__name__})")
                return
            if f and isinstance(f[0], (dict, list)):
                if not a:
                    missing.append(f"{p}[] (empty; fixture has elements)")
                else:
                    walk(a[0], f[0], p + "[]")

    walk(actual, fixture, path)
    return missing


def assert_keys_superset(actual, fixture, ignore=(), loose=(), what="response"):
    missing = key_set_diff(actual, fixture, ignore, loose)
    assert not missing, f"{what} lacks keys the Action Network fixture has: {missing}"
