// The 24-hour clock of consent-evidence requests (AUP): an organization that lets a request pass its
// deadline unanswered has its messaging suspended (gate reason `evidence_overdue`) within a second or two,
// also when the server starts after the deadline; answering the last overdue request lifts that suspension
// and no other (`tocsin org suspend` is a separate fact, messaging::Settings::suspended).
//
// The suspension lives in the organization's messaging settings (`evidence_overdue`, the sentence shown with
// every refusal), written only through the group committer under the organization's lock. Requests are read
// from the store on each tick (one indexed query per organization), so requests the operator's CLI opens
// are seen without any change feed. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/stop_signal.h"
#include "people/directory.h"
#include "privacy/evidence_request.h"
#include "store/group_commit.h"

namespace tocsin::privacy {

// The sentence of the suspension the requests call for at `now` ("" when none is overdue).
std::string overdue_reason(const std::vector<EvidenceRequest>& requests, Micros now);

class EvidenceClock {
 public:
  EvidenceClock(store::Store& store, people::Directory& directory, store::GroupCommitter& committer);
  ~EvidenceClock();
  EvidenceClock(const EvidenceClock&) = delete;
  EvidenceClock& operator=(const EvidenceClock&) = delete;

  // Ticks at once, then every `period` on its own thread.
  void start(std::chrono::milliseconds period = std::chrono::milliseconds(500));
  void stop();

  // One pass over every organization.
  void tick(Micros now);

  // Answers a request: `answered` (its new document) is written and the organization's suspension brought in
  // line with its other requests, in one committer job, durable on return. Returns whether the
  // evidence_overdue suspension was lifted by it.
  Result<bool> answer(people::OrgState& org, EvidenceRequest answered, Micros now);

 private:
  void reconcile(people::OrgState& org, Micros now);
  Result<std::vector<EvidenceRequest>> requests_of(const std::string& org_id);

  store::Store& store_;
  people::Directory& directory_;
  store::GroupCommitter& committer_;
  // Requests answered by this process: their answer may sit in a commit group not yet readable when the
  // clock reads the store, and must never be counted overdue (nor overwritten) again.
  std::mutex mu_;
  std::set<std::pair<std::string, std::string>> answered_;  // (org id, request id)
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace tocsin::privacy
