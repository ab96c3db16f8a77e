#include "messaging/sms_replies.h"

#include <spdlog/spdlog.h>

#include "core/ids.h"
#include "messaging/processor_disclosures.h"

namespace tocsin::messaging {
namespace {

constexpr int kAttempts = 3;
constexpr auto kRetryPause = std::chrono::seconds(2);

}  // namespace

SmsReplies::SmsReplies(store::GroupCommitter& committer, people::Directory& directory, policy::Gate& gate,
                       sms::SmsTransport* transport)
    : committer_(committer), directory_(directory), gate_(gate), transport_(transport) {}

SmsReplies::~SmsReplies() {
  stop();
}

void SmsReplies::start() {
  thread_ = std::thread([this] { loop(); });
}

void SmsReplies::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SmsReplies::post(KeywordReply reply) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(reply));
  }
  cv_.notify_all();
}

void SmsReplies::loop() {
  for (;;) {
    KeywordReply next;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    (void)deliver(next);
  }
}

bool SmsReplies::persist_confirmation(const KeywordReply& reply) {
  auto* org = directory_.find(reply.org_id);
  if (!org || !reply.confirms) return false;
  bool written = false;
  committer_.run_sync([&](store::WriteBatch& b) {
    std::unique_lock lock(org->mu);
    // A START may have lifted the opt-out since: then there is nothing left to mark (and nothing to send).
    auto hit = org->messaging.suppressions().find(reply.org_id, reply.contact);
    if (hit && hit->scope == policy::SuppressionScope::kOrg && hit->since == reply.confirms->since) {
      store::SuppressionRow row = *reply.confirms;
      row.confirmed = true;
      b.for_org(reply.org_id).add(store::op::PutSuppression{std::move(row)});
      written = true;
    }
    return std::function<void()>{};
  });
  return written;
}

std::string SmsReplies::help_with_link(const KeywordReply& reply) const {
  auto* org = preferences_ ? directory_.find(reply.org_id) : nullptr;
  if (!org) return reply.body;
  std::string person_id;
  {
    std::shared_lock lock(org->mu);
    if (!org->messaging.settings().help_preferences_link) return reply.body;
    const Person* p = org->find_by_contact(Channel::kSms, reply.to);
    if (!p) return reply.body;
    person_id = p->id;
  }
  auto token = preferences_->issue(
      {reply.org_id, person_id, Channel::kSms, now_micros() + email::kPreferenceLinkLifetime}, reply.to);
  if (!token) return reply.body;
  return reply.body + " Manage: " + email::preference_url(public_url_, token.value());
}

std::optional<sms::SmsHandover> SmsReplies::deliver(const KeywordReply& reply) {
  std::string body = reply.kind == policy::MessageKind::kHelpReply ? help_with_link(reply) : reply.body;
  policy::OutboundSms m{reply.org_id,        policy::Recipient{reply.to, reply.contact, std::nullopt},
                        reply.kind,
                        /*marketing=*/false, 1,
                        reply.sender,        body};
  auto out = gate_.dispatch(m);
  if (!out.cleared) {
    spdlog::warn("keyword reply to {} not sent: the gate said {} ({})", log_number(reply.to),
                 policy::reason_name(out.decision.reason), out.decision.sentence);
    return std::nullopt;
  }
  if (reply.kind == policy::MessageKind::kStopConfirmation && !persist_confirmation(reply)) {
    spdlog::info("opt-out confirmation to {} not sent: the opt-out was lifted meanwhile",
                 log_number(reply.to));
    return std::nullopt;
  }
  if (!transport_) {
    spdlog::warn("keyword reply to {} not sent: no SMS gateway is configured", log_number(reply.to));
    return std::nullopt;
  }
  std::string delivery_id = std::string(kReplyDeliveryPrefix) + new_uuid();
  sms::SmsHandover h;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    h = transport_->send(*out.cleared, delivery_id);
    if (h.outcome == sms::SmsHandover::Outcome::kAccepted ||
        h.outcome == sms::SmsHandover::Outcome::kRejected || attempt == kAttempts)
      break;
    std::this_thread::sleep_for(kRetryPause);
  }
  if (disclosures_ && h.outcome == sms::SmsHandover::Outcome::kAccepted) {
    std::string person_id;
    if (auto* org = directory_.find(reply.org_id)) {
      std::shared_lock lock(org->mu);
      if (const Person* p = org->find_by_contact(Channel::kSms, reply.to)) person_id = p->id;
    }
    disclosures_->one_off(reply.org_id, Channel::kSms, person_id, "keyword reply");
  }
  spdlog::info("keyword reply ({}) to {}: {} ({})", policy::reason_name(out.decision.reason),
               log_number(reply.to), sms::outcome_name(h.outcome), h.detail);
  return h;
}

}  // namespace tocsin::messaging
