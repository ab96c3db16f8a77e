"""tocsin.toml: public_url drives every href; max_body_bytes is honoured; defaults without a config file."""
import json

from tocsin_server import TocsinServer, an_id, free_port, unique_email


def test_public_url_used_for_all_hrefs(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    try:
        a = srv.init("A")
        srv.write_config(server={"public_url": "https://act.example.org"})
        srv.start()
        c = srv.client(a["api_key"])
        aep = c.ok("GET", "")
        assert aep["_links"]["self"]["href"].rstrip("/") == "https://act.example.org/api/v2"
        assert aep["_links"]["osdi:people"]["href"] == "https://act.example.org/api/v2/people"
        p = c.signup(unique_email("pub"))
        pid = an_id(p)
        assert p["_links"]["self"]["href"] == f"https://act.example.org/api/v2/people/{pid}"
        assert p["_links"]["tocsin:consent"]["href"] == f"https://act.example.org/api/v2/people/{pid}/consent"
        page = c.ok("GET", "people")
        assert page["_links"]["next"]["href"].startswith("https://act.example.org/api/v2/people")
        assert all(x["href"].startswith("https://act.example.org/api/v2/people/") for x in page["_links"]["osdi:people"])
        tag = c.ok("POST", "tags", json={"name": "pub"})
        assert tag["_links"]["self"]["href"].startswith("https://act.example.org/api/v2/tags/")
        # our own public hrefs are accepted in links, as any host is
        tg = c.post(f"tags/{an_id(tag)}/taggings",
                    json={"_links": {"osdi:person": {"href": p["_links"]["self"]["href"]}}})
        assert tg.status_code == 200
        assert str(srv.port) not in json.dumps(page) + json.dumps(p) + json.dumps(aep)
    finally:
        srv.stop()


def test_default_public_url_is_listen_address(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    try:
        a = srv.init("A")
        srv.port = free_port()
        # limits must still be high for a plain functional check; public_url left to its default
        srv.data_dir.mkdir(parents=True, exist_ok=True)
        (srv.data_dir / "tocsin.toml").write_text("[limits]\nkey_requests_per_second = 100000\nkey_burst = 100000\n")
        srv.start()
        c = srv.client(a["api_key"])
        p = c.signup(unique_email("dflt"))
        assert p["_links"]["self"]["href"] == f"http://127.0.0.1:{srv.port}/api/v2/people/{an_id(p)}"
    finally:
        srv.stop()


def test_no_config_file_starts_with_defaults(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    try:
        a = srv.init("A")
        srv.port = free_port()
        assert not (srv.data_dir / "tocsin.toml").exists()
        srv.start()
        assert srv.client(a["api_key"]).get("people").status_code == 200
    finally:
        srv.stop()


def test_max_body_bytes_configurable(tmp_path):
    srv = TocsinServer(tmp_path / "data")
    try:
        a = srv.init("A")
        srv.write_config(server={"max_body_bytes": 2048})
        srv.start()
        c = srv.client(a["api_key"])
        small = {"person": {"email_addresses": [{"address": unique_email("small")}], "given_name": "x" * 1500}}
        assert c.post("people", json=small).status_code == 200
        big = {"person": {"email_addresses": [{"address": unique_email("big")}], "given_name": "x" * 2100}}
        r = c.post("people", json=big)
        assert r.status_code == 413 and "error" in r.json()
        assert c.ok("GET", "people", params={"filter": f"email eq '{big['person']['email_addresses'][0]['address']}'"})[
            "_embedded"]["osdi:people"] == []
    finally:
        srv.stop()
