// Committing one change to one organization and hearing back once it is durable: the path every write of
// the API and of the hosted pages takes (durable before acknowledged, DESIGN invariant 4).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "people/directory.h"
#include "store/group_commit.h"

namespace tocsin::messaging {

class OptOutFence;

// A change to one organization, run on the committer thread with the organization's lock held exclusively.
// Returns what the caller wants back (e.g. a response body), or an error after changing nothing.
using OrgWriteFn =
    std::function<Result<std::string>(people::OrgState&, store::WriteBatch::OrgWrites&, Micros now)>;

// Queues `apply` for the group committer. `done` runs once its writes are durable (or with the error,
// nothing written), off the organization's lock. When `opted_out` is given and `apply` filled it with the
// contact points it opted out, `done` also waits until no message to them is still on its way to a
// transport (messaging/opt_out_fence.h; `fence` may be null).
void commit_org_write(store::GroupCommitter& committer, people::OrgState& org, OrgWriteFn apply,
                      std::function<void(Result<std::string>)> done, OptOutFence* fence = nullptr,
                      std::shared_ptr<std::vector<ContactHash>> opted_out = nullptr);

}  // namespace tocsin::messaging
