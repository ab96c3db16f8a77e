// Invariant (issue 10): no send to an address whose case-folded form is unsubscribed. People sign up in one
// random spelling and opt out in another, by each path that records an opt-out (a signup helper carrying
// "unsubscribed", a ledger status change, a suppression); then a blast is planned over everyone, and every
// spelling of every opted-out address is offered to the binding dispatch check.
#include <algorithm>
#include <random>

#include "messaging/planner.h"
#include "people/upsert.h"
#include "policy_gate_fixture.h"

namespace tocsin::messaging {
namespace {

using consent::Status;

class EmailCaseProperty : public policy::testing::GateTest {
 protected:
  EmailCaseProperty() : rng_(20261204) {
    audience_.org_id = "org-1";
    audience_.brand = "Tocsin Action";
    audience_.hasher = &hasher_;
    message_.id = "m1";
    message_.from_address = "team@news.example.org";
  }

  // A random spelling of `address` (ASCII letters flipped at random).
  std::string variant(const std::string& address) {
    std::string out = address;
    for (char& c : out) {
      if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && coin_(rng_)) c ^= 0x20;
    }
    auto n = normalize_email(out);  // as an entry point would store it: the domain lower-cased
    EXPECT_TRUE(n.ok());
    return n.value();
  }

  void signup(const std::string& address, std::optional<Status> status) {
    people::PersonInput in;
    in.email.set(address);
    in.email_status = status;
    auto w = batch_.for_org("org-1");
    auto r = people::signup(org_, in, {}, ev_, who_, w, now_);
    ASSERT_TRUE(r.ok()) << r.error().message;
  }

  std::mt19937 rng_;
  std::bernoulli_distribution coin_{0.5};
  store::WriteBatch batch_;
  consent::Evidence ev_{"api_key:k", "test", "property test", "", "", "", 0, "", {}};
  people::WriteAuthority who_{people::Writer::kApiKey, people::Attestation{"test form", "checkbox", ""}, "",
                              ""};
  Audience audience_;
  Message message_;
};

TEST_F(EmailCaseProperty, NoSendToAnyCaseVariantOfAnOptedOutAddress) {
  constexpr int kPeople = 300;
  std::vector<std::string> opted_out;  // canonical forms
  for (int i = 0; i < kPeople; ++i) {
    const std::string address = "Supporter." + std::to_string(i) + ".McName@Example.org";
    signup(variant(address), std::nullopt);  // subscribed
    if (i % 2 == 0) continue;                // half stay subscribed: the plan must still send to them
    const std::string other = variant(address);
    switch (i % 3) {
      case 0: {
        signup(other, Status::kUnsubscribed);  // a later signup form with the box unticked
        break;
      }
      case 1: {
        const Person* p = org_.find_by_contact(Channel::kEmail, other);
        ASSERT_TRUE(p) << other;
        auto w = batch_.for_org("org-1");
        org_.record_status(w, Channel::kEmail, other, p->id, Status::kUnsubscribed, ev_, now_);
        break;
      }
      default:
        suppressions_.add_org("org-1", hasher_.hash(Channel::kEmail, other), now_);  // one-click, STOP...
    }
    opted_out.push_back(email_match_key(address));
  }

  for (const Person* p : org_.people_in_order) audience_.add(p->id, p->email, std::nullopt, {});
  EXPECT_EQ(audience_.size(), static_cast<size_t>(kPeople));  // one person per address, whatever the spelling
  Plan plan = plan_message(audience_, message_, gate_, now_, true);
  ASSERT_EQ(plan.entries.size(), audience_.size());
  int64_t queued = 0;
  for (size_t i = 0; i < plan.entries.size(); ++i) {
    if (plan.entries[i].state != store::DeliveryState::kQueued) continue;
    ++queued;
    const std::string folded = email_match_key(*audience_.address(i));
    EXPECT_EQ(std::count(opted_out.begin(), opted_out.end(), folded), 0) << "planned a send to " << folded;
  }
  EXPECT_EQ(queued, kPeople / 2);

  for (const auto& canonical : opted_out) {
    for (int k = 0; k < 4; ++k) {
      const std::string spelling = variant(canonical);
      policy::OutboundEmail m{"org-1",
                              {spelling, hasher_.hash(Channel::kEmail, spelling), std::nullopt},
                              policy::MessageKind::kBlast,
                              "news.example.org"};
      EXPECT_FALSE(gate_.dispatch(m).cleared) << "cleared a send to " << spelling;
    }
  }
}

}  // namespace
}  // namespace tocsin::messaging
