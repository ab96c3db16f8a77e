"""Choosing the PostgreSQL store (issue 14, docs/STORE.md): `[store]` in tocsin.toml, TOCSIN_DATABASE_URL winning
over it, and `init` refusing a database another installation already uses. Runs on either backend setting (the
database comes from the test's own PostgreSQL cluster, tests/fixtures/postgres.py)."""
from fixtures.postgres import PgDb, shared_cluster
from tocsin_server import TocsinServer, unique_email


def plain(tmp_path, name):
    """A server whose commands get no database URL from the harness: only what the test configures."""
    return TocsinServer(tmp_path / name, backend_override="sqlite")


def store_section(srv, url, backend="postgresql"):
    srv.data_dir.mkdir(parents=True, exist_ok=True)
    (srv.data_dir / "tocsin.toml").write_text(f'[store]\nbackend = "{backend}"\nurl = "{url}"\n')


def test_store_section_selects_postgresql_for_every_command(tmp_path):
    url = shared_cluster().create_database()
    srv = plain(tmp_path, "data")
    store_section(srv, url)
    a = srv.init("A")
    srv.create_org("B")
    assert not (srv.data_dir / "tocsin.db").exists(), "no SQLite file beside a PostgreSQL store"
    assert (srv.data_dir / "contact.key").exists(), "the secrets stay in the data directory"
    names = sorted(n for (n,) in PgDb(url).execute("SELECT name FROM orgs"))
    assert names == ["A", "B"]
    # serve reads the same section (write_config keeps it: the harness's tables plus [store]).
    srv.write_config(sections={"store": {"backend": "postgresql", "url": url}})
    with srv.start():
        c = srv.client(a["api_key"])
        c.signup(unique_email("cfg"), email_status="subscribed")
    (n,) = PgDb(url).execute("SELECT count(*) FROM people WHERE org_id = ?", (a["org_id"],)).fetchone()
    assert n == 1
    r = srv.cli("ledger", "verify", "--data", srv.data_dir)
    assert r.stdout.count("ok org") == 2


def test_environment_wins_over_the_file(tmp_path):
    url = shared_cluster().create_database()
    srv = plain(tmp_path, "data")
    store_section(srv, "postgresql://postgres@127.0.0.1:1/nowhere")  # nothing listens on port 1
    r = srv.cli("init", "--data", srv.data_dir, "--org", "A", check=False)
    assert r.returncode != 0 and "PostgreSQL" in r.stderr, r.stderr
    srv.cli_env["TOCSIN_DATABASE_URL"] = url
    srv.init("A")
    assert PgDb(url).execute("SELECT count(*) FROM orgs").fetchone() == (1,)


def test_init_refuses_a_database_that_already_holds_an_installation(tmp_path):
    url = shared_cluster().create_database()
    first = plain(tmp_path, "first")
    first.cli_env["TOCSIN_DATABASE_URL"] = url
    first.init("A")
    second = plain(tmp_path, "second")
    second.cli_env["TOCSIN_DATABASE_URL"] = url
    r = second.cli("init", "--data", second.data_dir, "--org", "B", check=False)
    assert r.returncode != 0 and "already holds an installation" in r.stderr, r.stderr
    assert not (second.data_dir / "contact.key").exists(), "no second contact key left behind"
    assert not second.kek_path.exists(), "nor a second key-encryption key"
    assert PgDb(url).execute("SELECT count(*) FROM orgs").fetchone() == (1,)


def test_bad_store_settings_are_refused(tmp_path):
    srv = plain(tmp_path, "data")
    store_section(srv, "postgresql://x", backend="mysql")
    r = srv.cli("init", "--data", srv.data_dir, check=False)
    assert r.returncode != 0 and "store.backend" in r.stderr, r.stderr
    store_section(srv, "sqlite:///tmp/x.db")
    r = srv.cli("init", "--data", srv.data_dir, check=False)
    assert r.returncode != 0 and "store.url" in r.stderr, r.stderr
    srv.cli_env["TOCSIN_DATABASE_URL"] = "mysql://x"
    r = srv.cli("init", "--data", srv.data_dir, check=False)
    assert r.returncode != 0 and "TOCSIN_DATABASE_URL" in r.stderr, r.stderr
