// Retention (GDPR Art. 5(1)(e): kept no longer than needed): each organization's policy, what it makes due,
// and the sweep that applies it. The policy is an organization document (kind `retention_policy`), set by
// `tocsin privacy retention` and read at every sweep; without one the defaults below apply.
//
// What goes, and how:
//  - IP address and user agent of consent-ledger evidence older than `evidence_days`: blanked in the store
//    (the ledger keeps their digests, so the chain verifies; the entry, its time, source and disclosure
//    stay);
//  - inbound texts (organization documents `sms_inbound`) older than `inbound_text_days`: deleted;
//  - the deliveries of a blast that finished (sent or stopped) more than `delivery_days` ago: aggregated —
//    folded into per-message counts by state and reason with their opens, clicks, unsubscribes and
//    hand-overs, then deleted with the blast's plan (Store::aggregate_deliveries), so the message's
//    statistics read the same and nothing links a person to the message any more;
//  - people with no subscription on any channel and no activity (created, changed, an action record) for
//    `inactive_people_months`: erased through the erasure path (privacy/erasure.h), each recorded as a done
//    erasure request with actor `retention` — so their keyed-hash stubs stay and a later signup arrives
//    unsubscribed, as after any erasure.
// The sweep works in bounded batches, each its own commit, so signups between them are never held up for
// long (RetentionSweeper below runs it on a server thread).
#pragma once

#include <functional>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/json_out.h"
#include "core/result.h"
#include "core/stop_signal.h"
#include "people/directory.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace tocsin::privacy {

inline constexpr std::string_view kRetentionKind = "retention_policy";
inline constexpr std::string_view kRetentionId = "policy";

// Defaults are conservative in both directions: nobody is erased unless the organization says so; consent
// evidence keeps its IP and user agent for five years, past the four-year statute of limitations of a TCPA
// claim (28 U.S.C. § 1658) that the evidence may have to answer; inbound texts (free text people sent) go
// after one year; deliveries (which message went to whom, when, and what came of it: personal data, and
// for political mail a hint of opinions) are aggregated after five years too — they are the other half of
// that answer (which texts went to the number, when) — while the statistics stay exact. 0 keeps the data.
struct RetentionPolicy {
  int inactive_people_months = 0;
  int evidence_days = 1825;
  int inbound_text_days = 365;
  int delivery_days = 1825;
};

// The shortest delivery retention: deliveries of the last week rebuild the frequency caps' history at start
// (messaging/gate_wiring.cc), and receipts, bounces and complaints name their delivery for days after the
// hand-over; a month leaves them all their delivery.
inline constexpr int kMinDeliveryDays = 30;

// Each field's limits (0 keeps the data; at most 100 years; deliveries 0 or at least kMinDeliveryDays). The
// error names the field as `label` gives it — a CLI flag, a form's label — from its key: "inactive_months",
// "evidence_days", "inbound_days" or "delivery_days".
Status check_retention(const RetentionPolicy& p, const std::function<std::string(std::string_view)>& label);

std::string encode_retention(const RetentionPolicy& p);
Result<RetentionPolicy> decode_retention(std::string_view doc);
// The organization's policy, or the defaults.
Result<RetentionPolicy> load_retention(store::OrgScope& scope);
// {"inactive_people_months", "evidence_days", "inbound_text_days", "delivery_days"}
void write_retention(JsonOut& j, const RetentionPolicy& p);

// What the policy makes due at `now`.
struct RetentionDue {
  std::vector<std::string> inactive_people;    // ids
  int64_t evidence_entries = 0;                // ledger entries whose IP/user agent would be blanked
  std::vector<std::string> inbound_texts;      // document ids
  std::vector<std::string> delivery_messages;  // messages whose deliveries would be aggregated
  int64_t delivery_rows = 0;                   // their delivery rows
};
Result<RetentionDue> retention_due(const people::OrgState& org, store::OrgScope& scope,
                                   const RetentionPolicy& p, Micros now);

struct SweepCounts {
  int64_t people_erased = 0, evidence_blanked = 0, inbound_deleted = 0;
  int64_t deliveries_aggregated = 0;  // delivery rows folded into their messages' counts
  int64_t messages_aggregated = 0;    // messages whose aggregation finished (no row, no plan left)
};

// Applies the policy to one organization in batches of at most `batch` rows or people (deliveries: ten
// times that, a row being small), each durable on its own; stops early (with what it did) when `stop` is
// raised. `progress`, when given, is called after each batch with the counts so far (`tocsin privacy
// retention` draws them against what retention_due found, app/progress.h).
Result<SweepCounts> sweep_retention(people::OrgState& org, store::Store& store,
                                    store::GroupCommitter& committer, Micros now, const StopSignal& stop,
                                    int batch = 200,
                                    const std::function<void(const SweepCounts&)>& progress = {});

// A server thread: a sweep of every organization at start and then every `period`.
class RetentionSweeper {
 public:
  RetentionSweeper(store::Store& store, people::Directory& directory, store::GroupCommitter& committer)
      : store_(store), directory_(directory), committer_(committer) {}
  ~RetentionSweeper() { stop(); }
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

  void start(std::chrono::milliseconds period);
  void stop();

 private:
  void sweep_all();

  store::Store& store_;
  people::Directory& directory_;
  store::GroupCommitter& committer_;
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace tocsin::privacy
