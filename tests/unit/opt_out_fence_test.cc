// The opt-out fence (messaging/opt_out_fence.h): the last look at the moment a transport commits, and an
// opt-out's answer waiting only for the hand-overs to that contact that looked before it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "messaging/opt_out_fence.h"
#include "policy_gate_fixture.h"

namespace tocsin::messaging {
namespace {

using consent::Status;

ContactHash contact(unsigned char b) {
  ContactHash h{};
  h[0] = b;
  return h;
}

TEST(OptOutFenceTest, AnOptOutWaitsForEarlierHandOversToItsContactOnly) {
  OptOutFence fence;
  uint64_t before = fence.enter(contact(1));
  uint64_t other = fence.enter(contact(2));
  std::atomic<bool> answered{false};
  fence.after_handovers(contact(1), [&] { answered = true; });
  uint64_t after = fence.enter(contact(1));
  EXPECT_FALSE(answered) << "a hand-over to that contact that looked before the opt-out is in flight";
  fence.leave(other);
  EXPECT_FALSE(answered) << "another contact's hand-over does not matter";
  fence.leave(before);
  EXPECT_TRUE(answered)
      << "runs when the earlier hand-over leaves; the later one, still in flight, holds it not";

  bool at_once = false;
  fence.after_handovers(contact(2), [&] { at_once = true; });
  EXPECT_TRUE(at_once) << "nothing in flight to that contact: no wait";
  fence.leave(after);
  fence.await_handovers(contact(1));  // returns at once: nothing is in flight
}

TEST(OptOutFenceTest, SeveralContactsAreAnsweredOnceAllAreClear) {
  OptOutFence fence;
  uint64_t a = fence.enter(contact(1));
  uint64_t b = fence.enter(contact(2));
  int answers = 0;
  fence.after_handovers(std::vector<ContactHash>{contact(1), contact(2)}, [&] { ++answers; });
  fence.leave(b);
  EXPECT_EQ(answers, 0);
  fence.leave(a);
  EXPECT_EQ(answers, 1);
}

// An email driver like the SMTP relay: it waits (pacing, a free connection) after the gate cleared the
// message, then takes the last look right before it would send MAIL FROM.
class WaitingRelay final : public email::EmailTransport {
 public:
  using email::EmailTransport::send;
  email::Handover send(const policy::ClearedEmail& cleared, const std::string&, std::string_view,
                       const email::HandoverHooks& hooks) override {
    if (while_waiting) while_waiting();
    if (hooks.last_look)
      if (auto why = hooks.last_look()) return {email::Handover::Outcome::kWithheld, 0, *why};
    if (while_sending) while_sending();
    sent.push_back(cleared.message().to.address);
    return {email::Handover::Outcome::kAccepted, 250, "250 ok"};
  }
  std::function<void()> while_waiting, while_sending;
  std::vector<std::string> sent;
};

class FencedEmailTest : public policy::testing::GateTest {
 protected:
  policy::OutboundEmail blast(const policy::Recipient& to) {
    return policy::OutboundEmail{"org-1", to, policy::MessageKind::kBlast, "news.example.org"};
  }
  WaitingRelay relay_;
  OptOutFence fence_;
  FencedEmailTransport fenced_{relay_, gate_, fence_};
};

TEST_F(FencedEmailTest, AnOptOutWhileTheMessageWaitsForTheRelayWithholdsIt) {
  // An unsubscribe (the ledger's status) and an organization suppression (STOP, erasure) each.
  struct Case {
    const char* address;
    std::function<void(const ContactHash&)> opt_out;
    const char* reason;
  };
  std::vector<Case> cases{
      {"ada@example.com", [&](const ContactHash& c) { org_.status[c] = Status::kUnsubscribed; },
       "not_subscribed"},
      {"bob@example.com", [&](const ContactHash& c) { suppressions_.add_org("org-1", c, now_); },
       "org_suppressed"}};
  for (const auto& c : cases) {
    auto to = recipient(Channel::kEmail, c.address, Status::kSubscribed);
    auto cleared = gate_.dispatch(blast(to));
    ASSERT_TRUE(cleared.cleared);
    relay_.while_waiting = [&] { c.opt_out(to.contact); };
    auto h = fenced_.send(*cleared.cleared, "bounces@news.example.org", "data");
    EXPECT_EQ(h.outcome, email::Handover::Outcome::kWithheld) << c.address;
    EXPECT_EQ(h.detail, c.reason);
  }
  EXPECT_TRUE(relay_.sent.empty());
}

TEST_F(FencedEmailTest, AnOptOutDuringTheTransactionIsAnsweredAfterIt) {
  auto to = recipient(Channel::kEmail, "ada@example.com", Status::kSubscribed);
  auto cleared = gate_.dispatch(blast(to));
  ASSERT_TRUE(cleared.cleared);
  std::promise<void> inside, release;
  auto released = release.get_future();
  relay_.while_sending = [&] {
    inside.set_value();
    released.wait();
  };
  std::thread handover([&] { fenced_.send(*cleared.cleared, "bounces@news.example.org", "data"); });
  inside.get_future().wait();  // the look was taken; the transaction is under way
  std::atomic<bool> answered{false};
  fence_.after_handovers(to.contact, [&] { answered = true; });
  EXPECT_FALSE(answered) << "the message that looked before the opt-out is still at the relay";
  release.set_value();
  handover.join();
  EXPECT_TRUE(answered);
  EXPECT_EQ(relay_.sent.size(), 1u);
}

TEST_F(FencedEmailTest, OtherRecipientsPassAndTheirHandOversDoNotHoldTheAnswer) {
  auto ada = recipient(Channel::kEmail, "ada@example.com", Status::kSubscribed);
  auto bob = recipient(Channel::kEmail, "bob@example.com", Status::kSubscribed);
  auto cleared = gate_.dispatch(blast(bob));
  ASSERT_TRUE(cleared.cleared);
  bool answered_inside = false;
  relay_.while_sending = [&] { fence_.after_handovers(ada.contact, [&] { answered_inside = true; }); };
  auto h = fenced_.send(*cleared.cleared, "bounces@news.example.org", "data");
  EXPECT_EQ(h.outcome, email::Handover::Outcome::kAccepted);
  EXPECT_TRUE(answered_inside) << "ada's opt-out does not wait for bob's transaction";
}

}  // namespace
}  // namespace tocsin::messaging
