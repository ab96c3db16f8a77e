// send_test_mail: builds, DKIM-signs and hands over N messages through an email driver, the way a dispatcher
// would (gate dispatch -> build -> sign -> send), for the integration tests and the email bench. There is no
// tocsin CLI hook for the email drivers yet; this is it until the dispatcher lands.
//
// Usage:
//   send_test_mail (--smtp HOST:PORT | --outbox DIR) [--count N] [--threads T] [--connections C]
//                  [--rate MSGS_PER_S] [--starttls off|optional|required] [--user U --password-file F]
//                  [--key PEM_FILE --domain D --selector S | --unsigned] [--to-domain D] [--to ADDRESS]
//                  [--outcomes] [--ca-file PEM] [--no-verify] [--no-pipelining] [--depth N] [--implicit-tls]
// Recipients are person<i>@<to-domain> (or the one --to address). Prints one JSON summary line; with
// --outcomes also one line per message: "<i> accepted|deferred|rejected <code> <detail>".
// --build-first builds and signs every message before the first is sent (tests of pipelining: the senders
// always have the next one ready).
// Exit status 0 when every message was handed over (accepted), 1 otherwise, 2 on bad usage.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "email/dkim_signer.h"
#include "email/message_builder.h"
#include "email/outbox_folder.h"
#include "email/smtp_relay.h"
#include "policy/gate.h"
#include "policy/org_settings.h"
#include "policy/send_log.h"
#include "policy/suppression_list.h"

using namespace tocsin;
using namespace tocsin::email;

namespace {

// Everyone is subscribed: this tool exercises the hand-over, not the consent rules (the gate tests do).
class AllSubscribed final : public policy::ConsentFacts {
 public:
  consent::Status status(const std::string&, const ContactHash&) const override {
    return consent::Status::kSubscribed;
  }
  consent::ConsentScope scope(const std::string&, const ContactHash&) const override { return {}; }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s (--smtp HOST:PORT | --outbox DIR) [--count N] [--threads T] [--connections C] "
               "[--rate R] [--starttls off|optional|required] [--user U --password-file F] "
               "[--key PEM --domain D --selector S | --unsigned] [--to-domain D] [--to ADDR] [--outcomes]\n",
               argv0);
  return 2;
}

const char* outcome_name(Handover::Outcome o) {
  switch (o) {
    case Handover::Outcome::kAccepted:
      return "accepted";
    case Handover::Outcome::kDeferred:
      return "deferred";
    case Handover::Outcome::kRejected:
      return "rejected";
    case Handover::Outcome::kWithheld:
      return "withheld";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--unsigned" || a == "--outcomes" || a == "--no-verify" || a == "--no-pipelining" ||
        a == "--implicit-tls" || a == "--build-first") {
      opt[a] = "1";
    } else if (a.rfind("--", 0) == 0 && i + 1 < argc) {
      opt[a] = argv[++i];
    } else {
      return usage(argv[0]);
    }
  }
  auto get = [&](const char* k, const std::string& dflt = "") { return opt.count(k) ? opt[k] : dflt; };
  const int count = std::stoi(get("--count", "1"));
  const int threads = std::stoi(get("--threads", "2"));
  const std::string domain = get("--domain", "news.example.org");

  std::unique_ptr<EmailTransport> transport;
  SmtpRelay* relay = nullptr;
  if (opt.count("--smtp")) {
    SmtpRelayConfig c;
    std::string hp = opt["--smtp"];
    c.host = hp.substr(0, hp.rfind(':'));
    c.port = std::stoi(hp.substr(hp.rfind(':') + 1));
    std::string tls = get("--starttls", "off");
    c.starttls = tls == "required"   ? SmtpRelayConfig::StartTls::kRequired
                 : tls == "optional" ? SmtpRelayConfig::StartTls::kOptional
                                     : SmtpRelayConfig::StartTls::kOff;
    c.connections = std::stoi(get("--connections", "4"));
    c.max_per_second = std::stod(get("--rate", "0"));
    c.helo_name = "sender.test";
    c.username = get("--user");
    c.ca_file = get("--ca-file");
    c.verify_tls_peer = !opt.count("--no-verify");
    c.pipelining = !opt.count("--no-pipelining");
    c.implicit_tls = opt.count("--implicit-tls") > 0;
    c.pipeline_depth = std::stoi(get("--depth", "1"));
    if (opt.count("--password-file")) {
      c.password = read_file(opt["--password-file"]);
      while (!c.password.empty() && (c.password.back() == '\n' || c.password.back() == '\r'))
        c.password.pop_back();
    }
    auto r = SmtpRelay::make(c);
    if (!r) {
      std::fprintf(stderr, "%s\n", r.error().message.c_str());
      return 2;
    }
    relay = r->get();
    transport = std::move(r.value());
  } else if (opt.count("--outbox")) {
    auto o = OutboxFolder::make(opt["--outbox"]);
    if (!o) {
      std::fprintf(stderr, "%s\n", o.error().message.c_str());
      return 2;
    }
    transport = std::make_unique<OutboxFolder>(std::move(o.value()));
  } else {
    return usage(argv[0]);
  }

  std::optional<DkimSigner> signer;
  if (!opt.count("--unsigned")) {
    if (!opt.count("--key")) return usage(argv[0]);
    auto s = DkimSigner::make(domain, get("--selector", "s1"), read_file(opt["--key"]));
    if (!s) {
      std::fprintf(stderr, "%s\n", s.error().message.c_str());
      return 2;
    }
    signer.emplace(std::move(s.value()));
  }

  AllSubscribed consent;
  policy::SuppressionList suppressions;
  policy::SendLog sends;
  policy::OrgSettings settings;
  policy::OrgMessaging m;
  m.postal_address = "1 Main St, Springfield, IL 62701";
  m.verified_email_domains = {domain};
  settings.put("org-1", m);
  policy::Gate gate(policy::Gate::Facts{consent, suppressions, sends, settings});
  ContactHasher hasher(std::array<unsigned char, 32>{1});

  std::atomic<int> next{0}, accepted{0}, deferred{0}, rejected{0}, failed{0};
  std::mutex out_mu;
  const bool outcomes = opt.count("--outcomes");
  const std::string to_domain = get("--to-domain", "example.net");
  auto start = std::chrono::steady_clock::now();
  // One message: cleared by the gate, built and signed (nullopt: the gate refused it or it did not build).
  auto build = [&](int i) -> std::optional<std::pair<policy::ClearedEmail, std::string>> {
    std::string to = opt.count("--to") ? opt["--to"] : "person" + std::to_string(i) + "@" + to_domain;
    policy::OutboundEmail out{
        "org-1", {to, hasher.hash(Channel::kEmail, to), std::nullopt}, policy::MessageKind::kBlast, domain};
    auto d = gate.dispatch(out);
    if (!d.cleared) return std::nullopt;
    RenderedEmail e;
    e.from_address = "team@" + domain;
    e.from_name = "Campaign Team";
    e.to_address = to;
    e.subject = "Test message " + std::to_string(i) + " — señal";
    e.text = "Hello,\n\nThis is test message " + std::to_string(i) + ".\n\n1 Main St, Springfield\n";
    e.html = "<p>Hello,</p><p>This is test message <b>" + std::to_string(i) + "</b>.</p>\n";
    e.list_unsubscribe_url = "https://act.example.org/u/t" + std::to_string(i);
    e.list_unsubscribe_mailto = "unsubscribe+t" + std::to_string(i) + "@" + domain;
    e.message_id = "test." + std::to_string(i) + "@" + domain;
    e.extra_headers = {{"X-Tocsin-Delivery", std::to_string(i)}};
    auto msg = build_message(e, d.cleared->cleared_at());
    if (!msg) return std::nullopt;
    std::string data = signer ? signer->sign(*msg).value() + *msg : *msg;
    return std::make_pair(std::move(*d.cleared), std::move(data));
  };
  auto send = [&](int i, const std::pair<policy::ClearedEmail, std::string>& m) {
    Handover h = transport->send(m.first, "bounces@" + domain, m.second);
    (h.outcome == Handover::Outcome::kAccepted   ? accepted
     : h.outcome == Handover::Outcome::kDeferred ? deferred
                                                 : rejected)++;
    if (outcomes) {
      std::lock_guard lock(out_mu);
      std::printf("%d %s %d %s\n", i, outcome_name(h.outcome), h.code, h.detail.c_str());
    }
  };
  // --build-first: every message is built and signed before the first is sent (and the clock starts then),
  // so the senders always have the next one ready: what a test of the relay client's pipelining sees is
  // the client, not how fast a loaded machine signs. Otherwise each thread builds and sends in turn.
  std::vector<std::optional<std::pair<policy::ClearedEmail, std::string>>> built;
  if (opt.count("--build-first")) {
    built.resize(count);
    std::atomic<int> to_build{0};
    std::vector<std::thread> builders;
    for (int t = 0; t < threads; ++t)
      builders.emplace_back([&] {
        for (int i; (i = to_build++) < count;) built[i] = build(i);
      });
    for (auto& th : builders) th.join();
    start = std::chrono::steady_clock::now();
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i; (i = next++) < count;) {
        auto m = built.empty() ? build(i) : std::move(built[i]);
        if (!m) {
          ++failed;
          continue;
        }
        send(i, *m);
      }
    });
  }
  for (auto& th : pool) th.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "{\"count\": %d, \"accepted\": %d, \"deferred\": %d, \"rejected\": %d, \"not_built\": %d, "
      "\"seconds\": %.3f, \"per_second\": %.1f, \"sessions_opened\": %llu, \"pipelined\": %llu, \"signed\": "
      "%s}\n",
      count, accepted.load(), deferred.load(), rejected.load(), failed.load(), secs, count / secs,
      static_cast<unsigned long long>(relay ? relay->sessions_opened() : 0),
      static_cast<unsigned long long>(relay ? relay->pipelined_transactions() : 0),
      signer ? "true" : "false");
  return accepted == count ? 0 : 1;
}
