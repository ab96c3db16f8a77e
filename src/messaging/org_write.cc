#include "messaging/org_write.h"

#include "messaging/opt_out_fence.h"

namespace tocsin::messaging {

void commit_org_write(store::GroupCommitter& committer, people::OrgState& org, OrgWriteFn apply,
                      std::function<void(Result<std::string>)> done, OptOutFence* fence,
                      std::shared_ptr<std::vector<ContactHash>> opted_out) {
  committer.submit([org = &org, apply = std::move(apply), done = std::move(done), fence,
                    opted_out](store::WriteBatch& b) -> std::function<void()> {
    auto w = b.for_org(org->org.id);
    Result<std::string> out = std::string();
    {
      std::unique_lock lock(org->mu);
      out = apply(*org, w, now_micros());
    }
    return [out = std::move(out), done, fence, opted_out]() mutable {
      if (!out || !fence || !opted_out || opted_out->empty()) return done(std::move(out));
      // Not on the committer thread: the fence runs `done` when the last such hand-over leaves.
      auto shared = std::make_shared<Result<std::string>>(std::move(out));
      fence->after_handovers(*opted_out, [done, shared] { done(std::move(*shared)); });
    };
  });
}

}  // namespace tocsin::messaging
