// send_test_sms: hands N texts to one SMS driver, for the integration tests and bench/sms.
//
// The drivers accept only gate-cleared texts, so this tool builds a policy::Gate over in-memory facts in
// which the recipient is subscribed and the sender is a registered 10DLC number of the one organization,
// with the clock fixed at a Wednesday noon in New York (inside every US quiet-hours window) and no frequency
// cap. Every text still passes the real gate (brand name, opt-out instructions, segments, number type).
//
//   send_test_sms --driver kannel --sendsms-url URL --username U --password P [--dlr-url URL --dlr-secret S]
//   send_test_sms --driver twilio --base-url URL --account-sid AC.. --auth-token T [--status-callback URL]
//   send_test_sms --driver outbox --outbox FILE
//   common: --from +12025550100 --to +12125550123 --count N --body TEXT --threads T --delivery-prefix d-
//           --mps R (pace through sms::Pacer at R texts/s)
//
// Prints one JSON line per text ({"delivery_id","outcome","gateway_id","detail"}) and a summary line
// {"sent","accepted","throttled","temporary","rejected","refused","seconds"}. Exit 0 when every text was
// accepted, 1 otherwise.
#include <CLI/CLI.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "core/contact_point.h"
#include "core/json_out.h"
#include "people/directory.h"
#include "policy/consent_projection.h"
#include "policy/gate.h"
#include "policy/org_settings.h"
#include "policy/send_log.h"
#include "policy/suppression_list.h"
#include "sms/kannel_driver.h"
#include "sms/outbox_lines.h"
#include "sms/pacer.h"
#include "sms/twilio_driver.h"

using namespace tocsin;

namespace {

constexpr Micros kWednesdayNoonNewYork = 1768410000LL * 1'000'000;  // 2026-01-14T17:00:00Z

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"send test texts through one SMS driver"};
  std::string driver = "kannel", from = "+12025550100", to = "+12125550123";
  std::string body = "Tocsin Test: message {n}. Reply STOP to opt out.", prefix = "test-";
  int count = 1, threads = 1;
  double mps = 0;
  sms::KannelConfig kc;
  sms::TwilioConfig tc;
  std::string outbox;
  bool quiet = false;
  app.add_option("--driver", driver)->check(CLI::IsMember({"kannel", "twilio", "outbox"}));
  app.add_option("--from", from);
  app.add_option("--to", to);
  app.add_option("--body", body, "{n} becomes the text's number");
  app.add_option("--count", count)->check(CLI::Range(1, 10'000'000));
  app.add_option("--threads", threads)->check(CLI::Range(1, 256));
  app.add_option("--mps", mps);
  app.add_option("--delivery-prefix", prefix);
  app.add_flag("--quiet", quiet, "summary line only");
  app.add_option("--sendsms-url", kc.sendsms_url);
  app.add_option("--username", kc.username);
  app.add_option("--password", kc.password);
  app.add_option("--dlr-url", kc.dlr_url);
  app.add_option("--dlr-secret", kc.dlr_secret);
  app.add_option("--dlr-mask", kc.dlr_mask);
  app.add_option("--base-url", tc.base_url);
  app.add_option("--account-sid", tc.account_sid);
  app.add_option("--auth-token", tc.auth_token);
  app.add_option("--messaging-service-sid", tc.messaging_service_sid);
  app.add_option("--status-callback", tc.status_callback_url);
  app.add_option("--outbox", outbox);
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<sms::SmsTransport> transport;
  if (driver == "kannel") {
    transport = std::make_unique<sms::KannelDriver>(kc);
  } else if (driver == "twilio") {
    transport = std::make_unique<sms::TwilioDriver>(tc);
  } else {
    auto o = sms::OutboxLines::open(outbox);
    if (!o) {
      std::cerr << "send_test_sms: " << o.error().message << "\n";
      return 2;
    }
    transport = std::move(o.value());
  }

  // The facts of one organization in which `to` is subscribed and `from` is a registered 10DLC sender.
  ContactHasher hasher(std::array<unsigned char, 32>{1, 2, 3});
  people::OrgState org(Org{"org-test", "Tocsin Test", "US"}, hasher);
  ContactHash contact = hasher.hash(Channel::kSms, to);
  org.status[contact] = consent::Status::kSubscribed;
  policy::ProjectionConsent consent(
      [&org](const std::string& id) { return id == "org-test" ? &org : nullptr; });
  policy::SuppressionList suppressions;
  policy::SendLog sends;
  policy::OrgSettings settings;
  policy::OrgMessaging m;
  m.brand_name = "Tocsin Test";
  m.sms_senders = {{from, policy::SmsSender{policy::SenderType::kTenDlc, true, {}, {}}}};
  m.sms_cap = policy::FrequencyCap{0, 0};
  settings.put("org-test", m);
  policy::Gate gate(policy::Gate::Facts{consent, suppressions, sends, settings},
                    [] { return kWednesdayNoonNewYork; });

  sms::Pacer pacer;
  if (mps > 0) pacer.configure(from, sms::SenderLimits{mps, 0, 1});

  std::atomic<int> next{0}, refused{0};
  std::array<std::atomic<int>, 4> by_outcome{};  // indexed by SmsHandover::Outcome
  std::mutex out_mu;
  auto started = std::chrono::steady_clock::now();
  auto work = [&] {
    for (int i = next++; i < count; i = next++) {
      policy::OutboundSms sms;
      sms.org_id = "org-test";
      sms.to = policy::Recipient{to, contact, std::nullopt};
      sms.kind = policy::MessageKind::kBlast;
      sms.blast_recipients = count;
      sms.sender = from;
      sms.body = body;
      if (auto pos = sms.body.find("{n}"); pos != std::string::npos)
        sms.body.replace(pos, 3, std::to_string(i + 1));
      auto d = gate.dispatch(sms);
      std::string id = prefix + std::to_string(i + 1);
      JsonOut j;
      if (!d.cleared) {
        ++refused;
        j.begin()
            .kv("delivery_id", id)
            .kv("outcome", "refused")
            .kv("detail", policy::reason_name(d.decision.reason))
            .end();
      } else {
        if (mps > 0) pacer.acquire(from);
        sms::SmsHandover h = transport->send(*d.cleared, id);
        ++by_outcome[static_cast<size_t>(h.outcome)];
        j.begin()
            .kv("delivery_id", id)
            .kv("outcome", sms::outcome_name(h.outcome))
            .kv("gateway_id", h.gateway_id)
            .kv("detail", h.detail)
            .end();
      }
      if (!quiet) {
        std::lock_guard lock(out_mu);
        std::cout << j.take() << "\n";
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  JsonOut s;
  s.begin()
      .kv("sent", count)
      .kv("accepted", by_outcome[0].load())
      .kv("throttled", by_outcome[1].load())
      .kv("temporary", by_outcome[2].load())
      .kv("rejected", by_outcome[3].load())
      .kv("refused", refused.load())
      .kv("seconds", seconds)
      .end();
  std::cout << s.take() << std::endl;
  return by_outcome[0].load() == count ? 0 : 1;
}
