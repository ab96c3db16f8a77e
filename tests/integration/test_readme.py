"""Every shell command in the README runs as written (issue #10 item 18). The `make run` block is played the
way its Makefile recipe does it (init into ./data with the credentials in ./data.credentials.json, then
serve), in a fresh directory, on a free port; every other ```sh block is then run by bash with -e, and each
curl's answer must be JSON without an "error"."""
import json
import re
import subprocess
from pathlib import Path

from tocsin_server import REPO, TocsinServer

README = REPO / "README.md"
MAKE_LINE = re.compile(r"^make (run|test)\b")


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)


def json_documents(text: str) -> list:
    """The JSON values printed one after another (curl -s prints bodies without separators)."""
    decoder, docs, i = json.JSONDecoder(), [], 0
    text = text.strip()
    while i < len(text):
        doc, end = decoder.raw_decode(text, i)
        docs.append(doc)
        i = end
        while i < len(text) and text[i].isspace():
            i += 1
    return docs


def test_readme_shell_blocks_run_as_written(tmp_path):
    blocks = shell_blocks(README.read_text())
    make_blocks = [b for b in blocks if any(MAKE_LINE.match(ln) for ln in b.splitlines())]
    runnable = [b for b in blocks if b not in make_blocks]
    assert make_blocks and runnable, "the README lost its quick start"
    makefile = (REPO / "Makefile").read_text()
    assert "build/tocsin init --data $(DATA)" in makefile and "> $(DATA).credentials.json" in makefile, \
        "the Makefile's run recipe changed: update this test's play of it"

    # `make run` with DATA=./data, in a fresh working directory.
    srv = TocsinServer(tmp_path / "data")
    with open(tmp_path / "data.credentials.json", "w") as creds:
        subprocess.run([srv.binary, "init", "--data", "./data", "--org", "Demo Organization"], cwd=tmp_path,
                       stdout=creds, check=True, timeout=60, env=srv.proc_env)
    srv.write_config()
    try:
        srv.start()
        for block in runnable:
            script = block.replace("127.0.0.1:8080", f"127.0.0.1:{srv.port}")
            out = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp_path, capture_output=True,
                                 text=True, timeout=60)
            assert out.returncode == 0, f"README block failed ({out.returncode}):\n{block}\n{out.stderr}"
            docs = json_documents(out.stdout)
            assert docs, f"README block printed nothing:\n{block}"
            for d in docs:
                assert isinstance(d, dict) and "error" not in d, f"README block answered an error: {d}"
        # the quick start's query finds the person its first command created
        found = [d for d in docs if d.get("_embedded", {}).get("osdi:people")]
        assert found and found[-1]["_embedded"]["osdi:people"][0]["email_addresses"][0]["address"] == \
            "ada@example.org"
    finally:
        srv.stop()
