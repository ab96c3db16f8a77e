import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest

from mail_servers import LocalDns, PostfixRelay, SmtpSink


@pytest.fixture
def smtp_sink(tmp_path):
    """A factory: smtp_sink(**SmtpSink kwargs) starts a capturing smtp-sink; all are stopped at the end."""
    started = []

    def start(**kwargs):
        s = SmtpSink(tmp_path / f"sink{len(started)}", **kwargs).start()
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def local_dns(tmp_path):
    """A factory: local_dns({name: txt}) starts dnsmasq serving those TXT records; stopped at the end."""
    started = []

    def start(records):
        d = LocalDns(tmp_path / f"dns{len(started)}", records).start()
        started.append(d)
        return d

    yield start
    for d in started:
        d.stop()


@pytest.fixture
def postfix_relay(tmp_path):
    """A factory: postfix_relay(relayhost_port, **kwargs) starts a private Postfix instance; stopped at the end."""
    started = []

    def start(relayhost_port, **kwargs):
        p = PostfixRelay(tmp_path / f"postfix{len(started)}", relayhost_port, **kwargs).start()
        started.append(p)
        return p

    yield start
    for p in started:
        p.stop()
