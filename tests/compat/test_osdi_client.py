"""The entry point as OSDI clients read it (issue #10 item 15). osdi-client (npm) builds a resource class for
every `osdi:` link of the entry point from a fixed list of OSDI resources and throws on any other, so only
OSDI's own collections may be linked as `osdi:`; Action Network's extensions are linked as `action_network:`
as its own entry point does (pyactionnetwork/self.json). The real osdi-client is installed from npm and run
with node against the server."""
import json
import shutil
import subprocess

import pytest

from tocsin_server import load_fixture

# OSDI's resource collections (opensupporter osdi-docs) that osdi-client 1.0.2 has classes for
# (lib/resources/index.js), as the link names that singularize to them.
OSDI_CLIENT_RESOURCES = {"people", "petitions", "events", "forms", "fundraising_pages", "donations", "tags", "lists",
                         "queries", "questions", "share_pages", "person_signup_helper", "wrappers", "messages",
                         "advocacy_campaigns"}
OSDI_CLIENT_VERSION = "1.0.2"


def test_entry_point_link_names_match_action_network(a):
    ours = a.ok("GET", "")["_links"]
    fixture = load_fixture("pyactionnetwork/self.json")["_links"]
    for rel in fixture:
        if rel.startswith(("osdi:", "action_network:")):
            assert rel in ours, f"Action Network's entry point links {rel}; ours does not"
    osdi = {rel.split(":", 1)[1] for rel in ours if rel.startswith("osdi:")}
    assert osdi <= OSDI_CLIENT_RESOURCES, f"non-OSDI collections linked as osdi: {osdi - OSDI_CLIENT_RESOURCES}"
    assert "action_network:unique_id_lists" in ours and "action_network:surveys" in ours


@pytest.fixture(scope="session")
def osdi_client_dir(tmp_path_factory):
    """osdi-client from the npm registry, installed once per session (node and npm: scripts/install-deps)."""
    npm = shutil.which("npm")
    assert npm and shutil.which("node"), "node and npm are needed (scripts/install-deps test)"
    d = tmp_path_factory.mktemp("osdi-client")
    r = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(d),
                        f"osdi-client@{OSDI_CLIENT_VERSION}"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"npm install osdi-client failed:\n{r.stderr[-2000:]}"
    return d


# Reads the entry point, constructs the client from it (the URL form insists on https), then lists petitions
# and people through the getters it generated and creates a resource class instance.
NODE_SCRIPT = r"""
const osdi = require("osdi-client");
const http = require("http");
const [aepUrl, key] = process.argv.slice(1);  // node -e: no script path in argv
http.get(aepUrl, {headers: {"OSDI-API-Token": key}}, res => {
  let data = "";
  res.on("data", c => (data += c));
  res.on("end", async () => {
    try {
      const client = await osdi.client(JSON.parse(data));
      const petitions = await client.getPetitions().set("OSDI-API-Token", key);
      const people = await client.getPeople().set("OSDI-API-Token", key);
      const petition = new client.resources.Petition({title: "From osdi-client"});
      console.log(JSON.stringify({
        resources: Object.keys(client.resources).sort(),
        petitions: petitions.status, petitionsEmbedded: Object.keys(petitions.body._embedded || {}),
        people: people.status, petitionTitle: petition.data.title}));
    } catch (e) {
      console.log(JSON.stringify({error: String(e && e.stack || e)}));
      process.exitCode = 1;
    }
  });
}).on("error", e => { console.log(JSON.stringify({error: String(e)})); process.exitCode = 1; });
"""


def test_osdi_client_constructs_against_tocsin(server, org_a, osdi_client_dir):
    r = subprocess.run(["node", "-e", NODE_SCRIPT, server.api + "/", org_a["api_key"]], capture_output=True,
                       text=True, timeout=60, cwd=osdi_client_dir,
                       env={"NODE_PATH": str(osdi_client_dir / "node_modules"), "PATH": "/usr/bin:/bin"})
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    assert lines, f"node printed nothing: {r.stderr[-2000:]}"
    out = json.loads(lines[-1])
    assert "error" not in out, out["error"] if "error" in out else ""
    assert r.returncode == 0
    assert {"Person", "Petition", "Event", "Tag", "List"} <= set(out["resources"])
    assert out["petitions"] == 200 and out["petitionsEmbedded"] == ["osdi:petitions"]
    assert out["people"] == 200 and out["petitionTitle"] == "From osdi-client"
