// A gate over real in-memory facts with an injectable clock, shared by the email and SMS gate tests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>

#include <date/tz.h>

#include "policy/consent_projection.h"
#include "policy/gate.h"
#include "policy/org_settings.h"
#include "policy/send_log.h"
#include "policy/suppression_list.h"

namespace tocsin::policy::testing {

constexpr Micros kMinute = int64_t{60} * 1'000'000;
constexpr Micros kHour = 60 * kMinute;

// The instant of a wall-clock time in New York.
inline Micros new_york(int y, unsigned mo, unsigned d, int hh, int mm) {
  using namespace std::chrono;
  auto local = date::local_days{date::year{y} / mo / d} + hours{hh} + minutes{mm};
  return duration_cast<microseconds>(
             date::locate_zone("America/New_York")->to_sys(local, date::choose::earliest).time_since_epoch())
      .count();
}

class GateTest : public ::testing::Test {
 protected:
  GateTest()
      : hasher_(std::array<unsigned char, 32>{7, 7, 7}),
        org_(Org{"org-1", "Test", "US"}, hasher_),
        consent_([this](const std::string& id) { return id == "org-1" ? &org_ : nullptr; }),
        gate_(Gate::Facts{consent_, suppressions_, sends_, settings_}, [this] { return now_; }) {
    OrgMessaging m;
    m.postal_address = "1 Main St, Springfield, IL 62701";
    m.brand_name = "Tocsin Action";
    m.verified_email_domains = {"news.example.org"};
    m.sms_senders = {{"+12025550100", SmsSender{SenderType::kTenDlc, true, {}, {}}},
                     {"+12025550101", SmsSender{SenderType::kLongCode, false, {}, {}}},
                     {"+18885550102", SmsSender{SenderType::kTollFree, false, {}, {}}},
                     {"12345", SmsSender{SenderType::kShortCode, true, {}, {}}}};
    m.email_cap = FrequencyCap{2, 24 * kHour};
    settings_.put("org-1", m);
  }

  void edit_settings(const std::function<void(OrgMessaging&)>& f) {
    OrgMessaging m = *settings_.messaging("org-1");
    f(m);
    settings_.put("org-1", m);
  }

  Recipient recipient(Channel c, const std::string& address, consent::Status status) {
    Recipient r{address, hasher_.hash(c, address), std::nullopt};
    if (status != consent::Status::kNone) org_.status[r.contact] = status;
    return r;
  }

  ContactHasher hasher_;
  people::OrgState org_;
  ProjectionConsent consent_;
  SuppressionList suppressions_;
  SendLog sends_;
  OrgSettings settings_;
  Micros now_ = new_york(2026, 1, 14, 12, 0);  // a Wednesday noon in New York
  Gate gate_;
};

}  // namespace tocsin::policy::testing
