// A write transaction that survives a failover (docs/STORE.md "Failover").
//
// A group commit is sent in pipeline mode and acknowledged when the server answers the sync. If the
// connection is lost before that answer (the primary crashed, was stopped, or a standby was promoted), the
// transaction may or may not have committed, and a blind retry could apply it twice. So each transaction
// first inserts a fresh random token into commit_markers (primary key). After a lost connection the writer
// reconnects (a multi-host URL with target_session_attrs=read-write finds the new primary) and sends the
// same statements again with the same token:
//   - it commits: the first attempt had not committed on this server; the batch is now applied once;
//   - the marker's insert fails on commit_markers_pkey: the first attempt had committed (and is durable on
//     this server); nothing is applied twice, and the commit counts as done;
//   - a first attempt still running on the same server (a network break, not a crash) holds the marker's
//     key uncommitted: PostgreSQL makes the second insert wait for it, then one of the two above.
// The outcome is therefore proven by the server that is the primary now, for every kind of statement, not
// only idempotent ones. Retries go on while no read-write server answers, for at most `reconnect_for`;
// after that the outcome is unknown and the commit fails (the group committer then stops the process
// rather than acknowledge).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/result.h"
#include "store/postgres/pg_conn.h"

namespace tocsin::store::pg {

struct FailoverPolicy {
  std::chrono::milliseconds reconnect_for{60'000};  // how long to look for a read-write server
  std::chrono::milliseconds retry_every{200};
  std::chrono::minutes keep_markers{10};  // far longer than any retry; older markers are deleted
  uint64_t prune_every = 256;             // commits between two deletions of old markers
};

class FailoverCommit {
 public:
  explicit FailoverCommit(FailoverPolicy policy = {}) : policy_(policy) {}

  // Sends the statements of one transaction on `c` (after its marker) through `send`, which returns false
  // if libpq refused to queue one; runs them as one transaction and returns once it is committed, proven
  // committed, or refused by the server (rolled back), or once the outcome is unknown (an error naming it).
  // Called under the writer's lock: one transaction at a time on `c`.
  Status run(Connection& c, const std::function<bool(Connection&)>& send);

 private:
  Status attempt(Connection& c, const std::string& token, const std::function<bool(Connection&)>& send,
                 bool prune);
  FailoverPolicy policy_;
  uint64_t commits_ = 0;
  bool refused_ = false;  // the last attempt could not queue a statement on a live connection
};

}  // namespace tocsin::store::pg
