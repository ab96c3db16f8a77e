// The access log: every read of supporters' personal data — a person or a page of people over the API, a
// person's consent proof, an export, an evidence packet, a data-subject bundle, a console page — is
// recorded with who read it, what, when and from where, so "who looked at this person?" has an answer
// (GDPR Art. 5(2), 30, 32). The entries are append-only and hash-chained per organization
// (store/access_entry.h), the chain's order assigned by the database.
//
// Entries ride the group committer with the writes, so a busy server pays one fsync per group, not per read.
// Two modes ([privacy] access_log):
//  - "batched" (default): the answer is released as soon as its entry is queued, in order, for the next
//    group commit (milliseconds); a crash can lose the entries of the reads answered in that last moment.
//  - "durable": the answer waits until its entry is durable, so every answered read is logged even across
//    a crash; that costs a read the group commit's latency (bench/access_log, BENCHMARKS.md "Access log").
// The CLI's reads (exports, bundles, packets) are always durable before their file is written.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_out.h"
#include "core/query_string.h"
#include "core/result.h"
#include "store/access_entry.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace tocsin::privacy {

// One read, as its caller describes it.
struct AccessRead {
  std::string org_id;
  std::string actor;   // "api_key:<id>", "staff:<account id>", "cli:<user>"
  std::string ip;      // "" for the command line
  std::string action;  // "person.read", "people.list", "person.consent", "people.export", ...
  std::string query;   // what selected the people (access_query below)
  std::vector<std::string> person_ids;  // everyone read; a bulk read's list is not kept, only its count
  int64_t count = -1;                   // -1: person_ids.size()
  // A read whose data leaves with the reader (an export, a page of people, a file handed out) is also a
  // disclosure (privacy/disclosure_log.h): to whom, under what basis. Empty: a read only.
  // (Initialized, so the many reads that are not disclosures can leave them out of their braces.)
  std::string recipient = {};
  std::string basis = {};
};

// The ids a read of `everyone` lists: all of them while there are at most kAccessPeopleListed, else none
// (its count says how many), so an export of a million people copies no ids only to have them dropped.
std::vector<std::string> listed_people(const std::vector<std::string>& everyone);

// The entry to append for a read (the time is now; a read of more than kAccessPeopleListed people keeps
// only its count).
store::AccessEntry access_entry(AccessRead r);

// The request as logged: the path, then each query parameter with the string literals of a filter masked
// ('…'), so the log does not become a second copy of the addresses and names people searched for (the
// people found are listed by id).
std::string access_query(const Target& target);

enum class AccessLogMode { kBatched, kDurable, kOff };  // kOff: for measuring what logging costs only
std::optional<AccessLogMode> parse_access_log_mode(std::string_view s);  // "batched", "durable", "off"

class AccessLog {
 public:
  AccessLog(store::GroupCommitter& committer, AccessLogMode mode) : committer_(committer), mode_(mode) {}

  // Appends the entry through the group committer and calls `release` (where the caller sends the data):
  // batched, at once on the caller's thread once the entry is queued; durable, on the committer thread once
  // it is durable. If a commit fails the process stops (group_commit.h).
  void record(AccessRead r, std::function<void()> release);

 private:
  store::GroupCommitter& committer_;
  AccessLogMode mode_;
};

// {"seq", "at", "actor", "ip", "action", "query", "count", "person_ids", "bulk", "disclosure", "recipient",
// "basis", "message_id", "prev_hash", "hash"}: the API's and the CLI's form of an entry. `bulk` marks a read
// that names no one and may have included anyone; `disclosure` one whose data went to `recipient`.
void write_access_entry(JsonOut& j, const store::AccessEntry& e);

// For the administrator's CLI, which has no committer: the entry in its own transaction, durable on return.
Status record_access_now(store::Store& store, AccessRead r);

// Recomputes every entry's hash and link from the store. `entries` counts what was checked; on the first
// entry that does not match, `broken_seq` names it and `problem` says what is wrong.
struct AccessChainCheck {
  int64_t entries = 0;
  int64_t broken_seq = 0;  // 0: the chain holds
  std::string problem;
};
Result<AccessChainCheck> verify_access_chain(store::OrgScope& scope);

}  // namespace tocsin::privacy
