#include "privacy/erasure_commit.h"

#include <spdlog/spdlog.h>

namespace tocsin::privacy {

Result<ErasureCounts> erase_and_scrub(people::OrgState& org, store::Store& store,
                                      store::GroupCommitter& committer, PrivacyRequest& r,
                                      const std::string& actor, Micros now) {
  auto scope = store.scope(org.org.id);
  Result<ErasurePlan> plan = ErasurePlan{};
  {
    std::shared_lock lock(org.mu);
    plan = plan_erasure(org, scope, r);
  }
  if (!plan) return plan.error();
  ErasureCounts n;
  r.state = RequestState::kDone;
  committer.run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(org.org.id);
    std::unique_lock lock(org.mu);
    n = apply_erasure(org, w, plan.value(), r, actor, now);
    r.subject.address = erased_marker(org, r.subject);
    r.audit.push_back({now, actor,
                       "erased " + std::to_string(n.people) + " person(s) and " +
                           std::to_string(n.contact_points) + " contact point(s); " +
                           std::to_string(n.documents) + " document(s) removed or rewritten"});
    w.add(store::op::PutDoc{privacy_request_doc(r)});
    return std::function<void()>{};
  });
  if (auto s = store.scrub(false); !s) {
    spdlog::error("privacy request {}: erasure committed, but scrubbing the database files failed: {}", r.id,
                  s.error().message);
    return internal_error(
        "the erasure is committed, but the database files could not be scrubbed: run `tocsin privacy scrub`");
  }
  return n;
}

}  // namespace tocsin::privacy
