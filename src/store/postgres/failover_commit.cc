#include "store/postgres/failover_commit.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "core/clock.h"
#include "core/ids.h"

namespace tocsin::store::pg {

namespace {
constexpr const char* kMarker = "INSERT INTO commit_markers (token, at) VALUES ($1, $2)";
constexpr const char* kPrune = "DELETE FROM commit_markers WHERE at < $1";
constexpr const char* kMarkerKey = "commit_markers_pkey";
}  // namespace

Status FailoverCommit::attempt(Connection& c, const std::string& token,
                               const std::function<bool(Connection&)>& send, bool prune) {
  if (auto s = c.begin_pipeline(); !s) return s;
  Micros now = now_micros();
  Params marker = Params().text(token).integer(now);
  bool queued = c.send(kMarker, marker) && send(c);
  if (queued && prune) {
    Params old = Params().integer(
        now - std::chrono::duration_cast<std::chrono::microseconds>(policy_.keep_markers).count());
    queued = c.send(kPrune, old);
  }
  if (!queued && !c.lost()) {
    // libpq refused to queue a statement on a live connection: syncing now would commit the statements
    // before it, a part of the batch. Dropping the connection without a sync makes the server roll the
    // implicit transaction back; the batch is refused, not retried.
    std::string why = c.last_error();
    c.close();
    refused_ = true;
    return internal_error("database write failed: a statement could not be sent: " + why);
  }
  return c.end_pipeline();
}

Status FailoverCommit::run(Connection& c, const std::function<bool(Connection&)>& send) {
  // 128 random bits: a token never repeats, on this node or another, before or after a failover.
  const std::string token = random_hex(16);
  refused_ = false;
  Status first = attempt(c, token, send, ++commits_ % policy_.prune_every == 0);
  if (first || refused_ || c.pipeline_refused()) return first;

  spdlog::warn("database connection lost during a commit ({}); reconnecting to learn its outcome",
               first.error().message);
  const auto deadline = std::chrono::steady_clock::now() + policy_.reconnect_for;
  for (;;) {
    c.close();  // a new connection: the URL's hosts are tried again for the read-write one
    Status again = attempt(c, token, send, false);
    if (refused_) return again;
    if (again) {
      spdlog::warn("commit sent again after reconnecting: it had not committed before, it has now, once");
      return Ok{};
    }
    if (c.pipeline_refused()) {
      if (c.failed_constraint() == kMarkerKey) {
        spdlog::warn("commit had committed before the connection was lost (its marker is there): done");
        return Ok{};
      }
      // The marker went in, so the first attempt had not committed; the server refused the batch itself.
      return internal_error("commit refused after reconnecting: " + again.error().message);
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return internal_error(
          fmt::format("outcome of a commit unknown: no read-write database server answered within {} s ({})",
                      std::chrono::duration_cast<std::chrono::seconds>(policy_.reconnect_for).count(),
                      again.error().message));
    std::this_thread::sleep_for(policy_.retry_every);
  }
}

}  // namespace tocsin::store::pg
