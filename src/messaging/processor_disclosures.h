// Hand-overs to processors as disclosures (privacy/disclosure_log.h, docs/PRIVACY.md "The disclosure log").
//
// Every message tocsin sends gives a recipient's address and the rendered message to a processor — the SMTP
// relay (or, for `make run`, a local outbox folder), the SMS gateway (Kannel, a Twilio-compatible API, or
// an outbox file) — which acts for the organization under its Art. 28 contract. GDPR Art. 15(1)(c) and 19
// ask to whom a person's data went, so each hand-over is recorded in the organization's access log as a
// disclosure, naming the processor as the configuration names it:
//  - a blast: one entry per blast once its hand-overs are over (sent or stopped), with the number of
//    recipients actually handed over and the message's id; it lists nobody, so the hot send path writes
//    nothing more than it did, and a person finds it through their own handed-over delivery of the message;
//  - one-off messages (autoresponses, re-subscription confirmations, keyword replies): counted in memory and
//    written as one entry per organization and channel every flush period (and before the process stops, or
//    when an entry would list more than store::kAccessPeopleListed people), listing the people.
// The entries ride the group committer like every other write. As with the access log's "batched" mode, a
// crash loses the one-off hand-overs of the last flush period from the log (the deliveries themselves are
// recorded as always).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/contact_point.h"
#include "core/stop_signal.h"
#include "store/access_entry.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace tocsin::messaging {

// The processors' names as entries show them, from the transport configuration. Credentials never appear:
// a URL keeps only its scheme, host, port and path.
std::string smtp_relay_processor(std::string_view host, int port);  // "SMTP relay mail.example:587"
std::string outbox_folder_processor(std::string_view dir);          // "local outbox folder /srv/outbox"
std::string kannel_processor(std::string_view sendsms_url);         // "Kannel gateway http://h:13013/..."
std::string twilio_processor(std::string_view base_url, std::string_view account_sid);
std::string sms_outbox_processor(std::string_view file);    // "local SMS outbox file /srv/sms"
std::string url_without_credentials(std::string_view url);  // scheme://host[:port]/path

struct ProcessorNames {
  std::string email;
  std::string sms;
};

// The bases a hand-over is made under: the basis recorded with each recipient's subscription for a blast (the
// gate sends a blast only to subscribed people whose consent covers it; consent/scope.h) and the person's
// own action for a one-off message; the processor's part in both is its Art. 28 contract with the
// organization.
inline constexpr std::string_view kBlastBasis =
    "each recipient's recorded subscription basis (consent, GDPR Art. 6(1)(a), unless recorded as explicit "
    "consent or membership, Art. 9(2)(a)/(d)); processor under an Art. 28 contract";
inline constexpr std::string_view kOneOffBasis =
    "the person's own action or request answered (GDPR Art. 6(1)(b)); processor under an Art. 28 contract";

inline constexpr std::string_view kBlastHandoverAction = "blast.handover";
inline constexpr std::string_view kOneOffHandoverAction = "one_off.handover";

// The entry of one blast's hand-overs: `handed_over` recipients of message `message_id` on `channel`.
store::AccessEntry blast_handover_entry(const std::string& processor, const std::string& message_id,
                                        Channel channel, int64_t handed_over, Micros at);

// One-off hand-overs of one organization and channel not yet written.
struct OneOffBatch {
  int64_t count = 0;
  std::vector<std::string> person_ids;  // each once, in order of first hand-over
  std::map<std::string, int64_t> what;  // "autoresponse" → how many
  Micros first = 0;
};
// The entry of a batch: "email one-offs: 2 autoresponse, 1 re-subscription confirmation".
store::AccessEntry one_off_entry(const std::string& processor, Channel channel, const OneOffBatch& batch,
                                 Micros at);

// Thread-safe. Submits its entries through the committer, so stop() it before the committer stops.
class ProcessorDisclosures {
 public:
  ProcessorDisclosures(store::GroupCommitter& committer, ProcessorNames names)
      : committer_(committer), names_(std::move(names)) {}
  ~ProcessorDisclosures() { stop(); }
  ProcessorDisclosures(const ProcessorDisclosures&) = delete;
  ProcessorDisclosures& operator=(const ProcessorDisclosures&) = delete;

  const std::string& processor(Channel c) const { return c == Channel::kEmail ? names_.email : names_.sms; }

  // One blast's hand-overs are over: its entry goes to the committer now (nothing when none was handed over).
  void blast_handed_over(const std::string& org_id, const std::string& message_id, Channel channel,
                         int64_t handed_over);
  // One one-off message was handed over to `person_id` ("" when the number belongs to nobody on file);
  // `what` names its kind ("autoresponse", "keyword reply", ...).
  void one_off(const std::string& org_id, Channel channel, const std::string& person_id,
               std::string_view what);
  // Writes every pending batch (through the committer; returns once submitted).
  void flush();

  // Flushes every `period` on a thread of its own; stop() flushes once more and joins.
  void start(std::chrono::milliseconds period);
  void stop();

 private:
  void submit(const std::string& org_id, store::AccessEntry entry);

  store::GroupCommitter& committer_;
  ProcessorNames names_;
  std::mutex mu_;
  std::map<std::pair<std::string, Channel>, OneOffBatch> pending_;
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace tocsin::messaging
