// screening_bench: what content screening adds to the gate's work for a blast (issue 15: <= 5 % of blast
// throughput for content that does not vary).
//
// Usage: screening_bench [--recipients N] [--runs R]
// For email and SMS, times Gate::plan then Gate::dispatch over N recipients, with and without a screener, on
// one thread (the planner's and dispatcher's per-thread memo is what is measured), median of R runs; prints
// µs per recipient for each, the ratio with/without, and the same for SMS text that varies per recipient (a
// merge field rendered into it), where every recipient's text is screened in full.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "policy/gate.h"

using namespace tocsin;
using namespace tocsin::policy;

namespace {

// Facts that always pass, so the gate's own rules and the content rule are what is timed.
struct Subscribed final : ConsentFacts {
  consent::Status status(const std::string&, const ContactHash&) const override {
    return consent::Status::kSubscribed;
  }
  consent::ConsentScope scope(const std::string&, const ContactHash&) const override { return {}; }
};
struct NoSuppressions final : SuppressionFacts {
  std::optional<SuppressionHit> find(const std::string&, const ContactHash&) const override {
    return std::nullopt;
  }
  bool claim_confirmation(const std::string&, const ContactHash&) override { return false; }
  bool confirmation_claimed(const std::string&, const ContactHash&) const override { return false; }
};
struct NoHistory final : SendHistory {
  std::optional<Micros> try_record(const std::string&, Channel, const ContactHash&, const FrequencyCap&,
                                   Micros) override {
    return std::nullopt;
  }
  std::optional<Micros> would_exceed(const std::string&, Channel, const ContactHash&, const FrequencyCap&,
                                     Micros) const override {
    return std::nullopt;
  }
  bool ever_sent(const std::string&, Channel, const ContactHash&) const override { return true; }
};
struct OneOrg final : OrgFacts {
  std::shared_ptr<const OrgMessaging> org;
  std::shared_ptr<const OrgMessaging> messaging(const std::string&) const override { return org; }
};

const char* kHtml =
    "<html><body><p>Hello {{given_name}},</p><p>Join us on <b>Saturday</b> at the town hall to tell the "
    "council "
    "to fund the new library. Every voice counts, and last time 300 neighbours came.</p><p><a "
    "href=\"https://news.example.org/rally\">RSVP here</a> or share <a "
    "href=\"https://www.facebook.com/sharer/sharer.php?u=https://news.example.org/rally\">on "
    "Facebook</a>.</p>"
    "<p>Can you chip in $10 to print flyers? <a "
    "href=\"https://news.example.org/give\">Donate</a></p></body></html>";
const char* kText =
    "Tocsin Action: Rally at city hall Saturday noon! RSVP news.example.org/rally Reply STOP to opt out";

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename F>
double micros_per(F&& f, int n) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::micro>(t1 - t0).count() / n;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 20000, runs = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--recipients")) n = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
  }
  Subscribed consent;
  NoSuppressions suppressions;
  NoHistory sends;
  OneOrg orgs;
  auto org = std::make_shared<OrgMessaging>();
  org->postal_address = "1 Main St, Springfield, IL 62701";
  org->brand_name = "Tocsin Action";
  org->verified_email_domains = {"news.example.org"};
  org->sms_senders = {{"12345", SmsSender{SenderType::kShortCode, true, {}, {}}}};
  org->sms_cap = {};
  orgs.org = org;
  // Recipients: addresses and hashes made once, outside the timed loops.
  std::vector<Recipient> mail(n), phones(n);
  for (int i = 0; i < n; ++i) {
    mail[i].address = "p" + std::to_string(i) + "@example.net";
    mail[i].contact[0] = static_cast<unsigned char>(i);
    char num[16];
    std::snprintf(num, sizeof num, "+1212%07d", 5550000 + i % 10000);
    phones[i].address = num;
    phones[i].zip = "10001";
  }
  auto content = std::make_shared<const EmailContent>(
      EmailContent{"Tocsin Action", "Rally on Saturday", kHtml, false, "team@news.example.org"});
  auto screener = std::make_shared<content::Screener>();

  struct Row {
    const char* what;
    double without = 0, with = 0;
  };
  std::vector<Row> rows = {{"email, same content"}, {"sms, same text"}, {"sms, text varies per recipient"}};
  for (size_t r = 0; r < rows.size(); ++r) {
    for (int screened = 0; screened < 2; ++screened) {
      std::vector<double> samples;
      for (int k = 0; k < runs; ++k) {
        // Noon in New York (2026-01-14 17:00 UTC), so quiet hours never defer the texts.
        Gate gate(Gate::Facts{consent, suppressions, sends, orgs},
                  [] { return Micros{1768410000} * 1'000'000; });
        if (screened) gate.screen_with(screener);
        samples.push_back(micros_per(
            [&] {
              for (int i = 0; i < n; ++i) {
                if (r == 0) {
                  OutboundEmail m{"org", mail[i], MessageKind::kBlast, "news.example.org", content};
                  if (!gate.plan(m).sends() || !gate.dispatch(m).cleared) std::abort();
                } else {
                  OutboundSms m{"org",
                                phones[i],
                                MessageKind::kBlast,
                                false,
                                n,
                                "12345",
                                r == 1 ? std::string(kText) : std::string(kText) + " #" + std::to_string(i)};
                  if (!gate.plan(m).sends() || !gate.dispatch(m).cleared) std::abort();
                }
              }
            },
            n));
      }
      (screened ? rows[r].with : rows[r].without) = median(samples);
    }
  }
  std::printf("%-34s %14s %14s %8s %12s\n", "plan+dispatch per recipient", "unscreened µs", "screened µs",
              "ratio", "added µs");
  for (const auto& row : rows)
    std::printf("%-34s %14.2f %14.2f %8.3f %12.2f\n", row.what, row.without, row.with, row.with / row.without,
                row.with - row.without);
  return 0;
}
