// Dispatcher: sends the planned deliveries of running blasts, resumably.
//
// One thread walks the running blasts. For each it takes a round of due deliveries (queued, or deferred
// and due again), asks the gate's plan verdict once more (an opt-out, complaint, suspension or quiet hour
// that arrived since planning wins), records the refusals of the round, and queues the cleared ones for
// the hand-over workers, which for each delivery, in parallel:
//   1. render, build and DKIM-sign it (email) or take the sender's pace (SMS), and ask gate.dispatch;
//   2. at the last moment before the transport commits (SMTP: pacing slot and connection held, right before
//      MAIL FROM), write a durable `handing` mark through the group committer and wait for it, then take
//      the opt-out fence's last look (messaging/opt_out_fence.h);
//   3. write the outcome (handed_over, deferred with backoff, failed, suppressed when withheld) through the
//      group committer as soon as the transport answered.
// After a crash, a delivery still marked `handing` becomes `unknown` and is never handed again: the relay may
// or may not have taken it, and sending twice is worse than reporting one unknown. That is at most one per
// hand-over worker, and in practice what was at the transport's connections at that instant (`tocsin
// deliveries unknown` lists them, and can resend them). Queued and deferred ones resume where they were:
// nobody is skipped.
//
// A recipient's delivery is an entry of the blast's plan (store/delivery_plan.h) until it leaves the plan
// at dispatch; only then is it a `deliveries` row.
//
// A blast pauses (status `paused`, deliveries kept) while its organization is suspended or its bulk email is
// paused, and continues when that is lifted. Scheduled messages start at their time.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "email/transport.h"
#include "messaging/compose.h"
#include "messaging/gate_wiring.h"
#include "messaging/planner.h"
#include "people/directory.h"
#include "policy/org_trust.h"
#include "sms/pacer.h"
#include "sms/transport.h"
#include "store/group_commit.h"

namespace tocsin::email {
class PreferenceTokens;
class UnsubscribeTokens;
class DeliveryTokens;
}  // namespace tocsin::email

namespace tocsin::messaging {

class ProcessorDisclosures;

struct DispatcherOptions {
  std::string public_url;                                // links in messages
  std::string mail_domain;                               // bounce and mailto-unsubscribe addresses
  const email::PreferenceTokens* preferences = nullptr;  // the footer's preference-center link; null: none
  // Hand-over workers per channel. Email: a few more than the relay's connections, so one composes (render,
  // build, sign: CPU) while the others talk SMTP; more only wait for a connection and cost context
  // switches. Texts: the gateway requests in flight ([sms] connections).
  int email_handover_threads = 12;
  int sms_handover_threads = 32;
  int email_round = 256;  // deliveries per round (two transactions per round)
  // [trust] limits; the dispatcher applies the spam-trap breaker's (messaging/spam_trap_pause.h).
  policy::PauseLimits pause = {};
};

// What a blast has still to send, for begin(): its plan and, after a restart, the deliveries that already
// left it.
struct PendingBlast {
  store::DeliveryPlan plan;  // every recipient, seq = index; empty for a blast planned before migration 5
  std::vector<bool> left;    // by seq: the delivery has a row (left the plan); empty: none has
  std::vector<store::DeliveryRow> rows;  // rows still pending (deferred at dispatch), in seq order
  bool stopped = false;                  // halted before the restart: finish as stopped
};

// Per-state counts of one message's deliveries.
struct DeliveryCounts {
  std::map<store::DeliveryState, int64_t> by_state;
  std::map<std::string, int64_t> excluded_by_reason;
  int64_t opened = 0, clicked = 0, unsubscribed = 0;
  int64_t handed_over = 0;  // accepted by the relay or gateway at some point: the statistics' `sent`
  int64_t total = 0;
};

class Dispatcher {
 public:
  struct Deps {
    store::Store& store;
    store::GroupCommitter& committer;
    people::Directory& directory;
    GateWiring& gate;
    email::EmailTransport* email = nullptr;  // null: email blasts wait (and say so)
    sms::SmsTransport* sms = nullptr;
    const email::UnsubscribeTokens* tokens = nullptr;
    // Signs the addresses reports come back to (email/bounce_address.h); null (unit tests): they name the
    // delivery unsigned, and ingest recognizes none of them.
    const email::DeliveryTokens* delivery_tokens = nullptr;
    // Records hand-overs to the processors as disclosures (messaging/processor_disclosures.h); null: none.
    ProcessorDisclosures* disclosures = nullptr;
  };
  Dispatcher(Deps deps, DispatcherOptions options);
  ~Dispatcher();

  // Picks up blasts that were sending or paused when the process stopped; `handing` marks become unknown.
  Status resume();
  // The same for one message that is `sending` without a run here (`tocsin deliveries unknown --resend`
  // set it so from outside); nothing when it runs already.
  Status resume_message(const std::string& org_id, const std::string& message_id);
  void start();
  void stop();

  // Starts a blast whose plan is durable (called after the commit that set status `sending`). The run holds
  // the plan's compact entries; a round makes DeliveryRows of its deliveries (address and contact hash from
  // the person, under the organization's lock).
  void begin(const std::string& org_id, const std::string& message_id, PendingBlast blast);
  // DELETE .../send: no further hand-overs; pending deliveries become `stopped` (one plan-level mark for
  // those still in the plan, rows for those that left it).
  // `reason` is the stopped message's status_reason (the platform operator's, when it stops one from an
  // abuse case).
  void halt(const std::string& org_id, const std::string& message_id,
            const std::string& reason = "stopped by request");
  // Counts from the store (every delivery of the message: the plan's entries and the rows).
  Result<DeliveryCounts> counts(const std::string& org_id, const std::string& message_id);

  // Plans a message and persists the plan (store/delivery_plan.h, outside the organization's lock); the
  // caller then sets the message `sending` and calls begin(). Used by the send endpoint and scheduled starts.
  Result<Plan> plan_and_store(people::OrgState& org, const Message& m);
  // The spam-trap breaker after `spam_trap` refusals of a blast (messaging/spam_trap_pause.h).
  void count_spam_traps(people::OrgState& org, const std::string& message_id);

  // Texts the pacer counted today for an SMS sender (its daily cap's count; 0 for a sender not used yet).
  int64_t sms_sent_today(const std::string& sender) const { return pacer_.sent_today(sender); }

 private:
  struct Run;
  struct Round;
  void loop();
  // Clears the next round of a blast through the gate, marks it durably and queues it for the workers;
  // false when the blast has nothing due now (or is paused, or the marks cannot be written).
  bool prepare_round(Run& run);
  void worker(Channel channel);
  // On a worker: render, build, sign, hand over one delivery, and record its outcome (through the committer).
  void hand_over(Round& round, size_t i);
  // What a transport's answer makes of a delivery.
  enum class Outcome { kOk, kRetry, kFail, kSmtpRejected, kWithheld };
  static Outcome email_outcome(const email::Handover& h);
  void apply_outcome(Round& round, size_t i, Outcome outcome, const std::string& detail);
  // The durable `handing` mark of one delivery, written (and waited for) at the last moment before the
  // transport commits; and its outcome, written as soon as the transport answered.
  void mark_handing(const Run& run, const store::DeliveryRow& r);
  void record_handover(const Run& run, const store::DeliveryRow& r);
  void record_outcomes(Round& round);  // on the dispatcher thread, once every delivery is handed over
  void finish(Run& run, MessageStatus status, const std::string& reason);
  // Once a second on the dispatcher thread, one pass over every organization's messages: scheduled ones
  // that are due start; and one `sending` or `paused` for longer than a few seconds without a run in this
  // process is resumed from the store, as at start, with a warning (nothing should leave a blast so; this
  // keeps one from standing still forever if something does). One serving process per database
  // (docs/STORE.md), so no other process runs it.
  void check_messages();
  void start_scheduled(people::OrgState& org, const Message& m);
  void adopt_orphans(people::OrgState& org, const std::vector<std::string>& ids);
  void set_status(const std::string& org_id, const std::string& message_id, MessageStatus status,
                  const std::string& reason);

  Deps deps_;
  DispatcherOptions options_;
  MailLinks links_;
  sms::Pacer pacer_;
  std::mutex mu_;
  std::condition_variable cv_;                        // the dispatcher thread: a round finished, or stop
  std::condition_variable work_cv_;                   // the workers: a round was queued, or stop
  std::map<std::string, std::unique_ptr<Run>> runs_;  // by message id
  // Per channel (index: Channel): rounds with deliveries not yet taken by one of that channel's workers.
  std::deque<std::shared_ptr<Round>> handover_queue_[2];
  std::vector<std::shared_ptr<Round>> finished_;  // rounds whose deliveries are all handed over
  bool stopping_ = false;
  std::thread thread_;
  std::vector<std::thread> workers_;  // persistent: options_.email_handover_threads + sms_handover_threads
};

}  // namespace tocsin::messaging
