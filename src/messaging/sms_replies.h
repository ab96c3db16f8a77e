// SmsReplies: sends the answers to inbound keywords (STOP confirmation, HELP answer, START confirmation) on
// their own thread, so neither the committer nor an HTTP thread waits for a gateway.
//
// Each reply is asked of the gate at the moment it leaves (policy::Gate::dispatch, DESIGN invariant 1):
// the STOP confirmation as kStopConfirmation (the gate's single-confirmation allowance: claimed once per
// opt-out, within 5 minutes, no marketing), the HELP answer as kHelpReply, the START confirmation as kReply.
// A confirmation's claim is made durable (the suppression row's `confirmed`, one committer job) before the
// text goes to the transport: after a restart the gate still knows it was claimed, so a crash can lose a
// confirmation but never send a second one. Throttled or temporary gateway answers are retried a few times
// within seconds; a refusal or a permanent failure is logged and dropped (the opt-out itself is already
// durable: the reply is a courtesy the rules allow, never a condition).
//
// Replies are not deliveries of a message: the delivery id handed to the driver is "reply-<uuid>", and
// receipts for it are acknowledged and not tracked (api/sms_handlers.cc).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "email/preference_token.h"
#include "messaging/sms_inbound.h"
#include "people/directory.h"
#include "policy/gate.h"
#include "sms/transport.h"
#include "store/group_commit.h"

namespace tocsin::messaging {

class ProcessorDisclosures;

inline constexpr std::string_view kReplyDeliveryPrefix = "reply-";

class SmsReplies {
 public:
  // `transport` null: replies are judged and logged but go nowhere (a server without an SMS gateway).
  SmsReplies(store::GroupCommitter& committer, people::Directory& directory, policy::Gate& gate,
             sms::SmsTransport* transport);
  ~SmsReplies();
  SmsReplies(const SmsReplies&) = delete;
  SmsReplies& operator=(const SmsReplies&) = delete;

  void start();
  // Sends what is queued, then joins.
  void stop();
  // The HELP answer carries the asker's preference-center link (/my/{token}) when their organization's
  // program asks for it (Settings::help_preferences_link) and a person holds the number. Call before start().
  void link_preferences(const email::PreferenceTokens* tokens, std::string public_url) {
    preferences_ = tokens;
    public_url_ = std::move(public_url);
  }
  // Records each reply the gateway took as a one-off hand-over (messaging/processor_disclosures.h). Call
  // before start().
  void link_disclosures(ProcessorDisclosures* disclosures) { disclosures_ = disclosures; }
  // Queues one reply; call after the commit that decided it is durable.
  void post(KeywordReply reply);
  // Sends one reply on the calling thread (the worker's step; unit tests call it directly). Returns the
  // gateway's outcome, or nullopt when the gate refused the reply or there is no transport.
  std::optional<sms::SmsHandover> deliver(const KeywordReply& reply);

 private:
  void loop();
  bool persist_confirmation(const KeywordReply& reply);
  std::string help_with_link(const KeywordReply& reply) const;

  store::GroupCommitter& committer_;
  people::Directory& directory_;
  policy::Gate& gate_;
  sms::SmsTransport* transport_;
  const email::PreferenceTokens* preferences_ = nullptr;
  std::string public_url_;
  ProcessorDisclosures* disclosures_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<KeywordReply> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tocsin::messaging
