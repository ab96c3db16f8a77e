// The PostgreSQL side of Store::claim_writer: one serving (or importing) process per database.
//
// A node assigns each organization's next ledger position and the chain's previous hash in memory, so two
// nodes writing one database would fork the chain (the (org_id, seq) key then refuses one node's commit and
// that node stops). Until the chain order moves into the database (issue 14, phase 2: docs/STORE.md), a
// second node is refused at start instead: the claim is a session advisory lock held on a connection of its
// own for the process's life. The data directory's lock cannot do this: each node has its own directory.
//
// The lock goes with its session, so a watcher thread re-asserts it every second, and after the primary
// failed over (or restarted) takes it again on the server the URL now reaches. If another process holds it
// there, the node stops (std::abort, as a commit that cannot be proven): two writers would fork the chain.
// The one exception is this node's own earlier session on the same server (a broken connection whose
// backend has not noticed yet): that backend is terminated and the lock taken.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace tocsin::store {

// Takes the claim on the database at `url`, or 409 when another process holds it.
Result<std::unique_ptr<WriterClaim>> claim_postgres_writer(const std::string& url);

}  // namespace tocsin::store
