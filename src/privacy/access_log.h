// The access log: every read of supporters' personal data — a person or a page of people over the API, a
// person's consent proof, an export, an evidence packet, a data-subject bundle, a console page — is
// recorded with who read it, what, when and from where, so "who looked at this person?" has an answer
// (GDPR Art. 5(2), 30, 32). The entries are append-only and hash-chained per organization
// (store/access_entry.h), the chain's order assigned by the database.
//
// The entry is durable before the data is released: a reader that is answered has been logged. Entries
// ride the group committer with the writes, so a busy server pays one fsync per group, not per read
// (bench/access_log, BENCHMARKS.md).
#pragma once

#include <functional>
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
};

// The entry to append for a read (the time is now; a read of more than kAccessPeopleListed people keeps
// only its count).
store::AccessEntry access_entry(AccessRead r);

// The request as logged: the path, then each query parameter with the string literals of a filter masked
// ('…'), so the log does not become a second copy of the addresses and names people searched for (the
// people found are listed by id).
std::string access_query(const Target& target);

class AccessLog {
 public:
  // `enabled` false ([privacy] access_log = false, for measurement only): nothing is recorded.
  AccessLog(store::GroupCommitter& committer, bool enabled = true)
      : committer_(committer), enabled_(enabled) {}

  // Appends the entry through the group committer, then calls `release` on the committer thread once it is
  // durable (where the caller sends the data). If the commit fails the process stops (group_commit.h), so
  // release is never called for a read that was not logged.
  void record(AccessRead r, std::function<void()> release);

  bool enabled() const { return enabled_; }

 private:
  store::GroupCommitter& committer_;
  bool enabled_;
};

// {"seq", "at", "actor", "ip", "action", "query", "count", "person_ids", "bulk", "prev_hash", "hash"}: the
// API's and the CLI's form of an entry. `bulk` marks a read that names no one and may have included anyone.
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
