// The pipelined group committer (store/group_commit.h): group N+1 is built while group N commits, yet no
// completion runs before its own group's commit (and every earlier one) returned; a failed commit
// acknowledges nobody in that group or after it.
#include "store/group_commit.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/ids.h"

namespace tocsin::store {
namespace {

using namespace std::chrono_literals;

// A commit the test holds open: apply() records the batch, then waits until the test releases it.
class HeldCommits {
 public:
  Status apply(const WriteBatch& b) {
    std::unique_lock lock(mu_);
    std::vector<std::string> ids;
    for (const auto& sop : b.ops()) ids.push_back(std::get<op::DeleteDoc>(sop.op).id);
    started_.push_back(ids);
    cv_.notify_all();
    cv_.wait(lock, [&] { return released_ >= started_.size(); });
    size_t n = started_.size() - 1;
    returned_ = started_.size();
    cv_.notify_all();
    if (n < results_.size() && !results_[n].ok()) return results_[n];
    return Ok{};
  }
  // Waits until `n` commits have started; returns the ids (DeleteDoc ids stand for jobs) of commit n-1.
  std::vector<std::string> wait_started(size_t n) {
    std::unique_lock lock(mu_);
    EXPECT_TRUE(cv_.wait_for(lock, 5s, [&] { return started_.size() >= n; }))
        << "commit " << n << " never began";
    return started_.size() >= n ? started_[n - 1] : std::vector<std::string>{};
  }
  void release(size_t n) {
    std::lock_guard lock(mu_);
    released_ = n;
    cv_.notify_all();
  }
  size_t started() {
    std::lock_guard lock(mu_);
    return started_.size();
  }
  size_t returned() {
    std::lock_guard lock(mu_);
    return returned_;
  }
  void fail(size_t n, std::string why) {
    std::lock_guard lock(mu_);
    results_.resize(n + 1, Status(Ok{}));
    results_[n] = Error{500, std::move(why)};
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::vector<std::string>> started_;
  std::vector<Status> results_;
  size_t released_ = 0, returned_ = 0;
};

// What the jobs and completions did, in order, from whichever thread.
class Trace {
 public:
  void add(std::string what) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(what));
    cv_.notify_all();
  }
  bool wait_for(const std::string& what, std::chrono::milliseconds d = 5000ms) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, d, [&] { return has_locked(what); });
  }
  bool has(const std::string& what) {
    std::lock_guard lock(mu_);
    return has_locked(what);
  }
  std::vector<std::string> events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  bool has_locked(const std::string& what) const {
    return std::find(events_.begin(), events_.end(), what) != events_.end();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

GroupCommitter::Job traced_job(Trace& trace, HeldCommits& commits, std::string name) {
  return [&trace, &commits, name](WriteBatch& b) -> std::function<void()> {
    trace.add("built " + name);
    b.for_org("org-1").add(op::DeleteDoc{"test", name});
    return [&trace, &commits, name] {
      // The commit holding this job must have returned before its completion runs.
      trace.add("done " + name + " after " + std::to_string(commits.returned()) + " commits");
    };
  };
}

TEST(GroupCommitTest, BuildsTheNextGroupWhileOneCommitsAndAnswersOnlyAfterItsCommit) {
  HeldCommits commits;
  Trace trace;
  std::vector<Error> failures;
  GroupCommitter committer([&](const WriteBatch& b) { return commits.apply(b); }, 2048,
                           [&](const Error& e) { failures.push_back(e); });

  committer.submit(traced_job(trace, commits, "a"));
  EXPECT_EQ(commits.wait_started(1), std::vector<std::string>{"a"});

  // While group 1 (a) commits, b and c are built (in memory, into group 2's batch), not answered.
  committer.submit(traced_job(trace, commits, "b"));
  committer.submit(traced_job(trace, commits, "c"));
  ASSERT_TRUE(trace.wait_for("built c"));
  std::this_thread::sleep_for(50ms);  // room for a wrong completion to show up
  EXPECT_FALSE(trace.has("done a after 0 commits"));
  EXPECT_EQ(commits.started(), 1u) << "a second group must not commit while the first one does";
  for (const auto& e : trace.events()) EXPECT_EQ(e.rfind("done", 0), std::string::npos) << e;

  // a's commit returns: a is answered, and b and c go to the store together as group 2.
  commits.release(1);
  ASSERT_TRUE(trace.wait_for("done a after 1 commits"));
  EXPECT_EQ(commits.wait_started(2), (std::vector<std::string>{"b", "c"}));
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(trace.has("done b after 1 commits"));
  EXPECT_FALSE(trace.has("done c after 1 commits"));

  commits.release(2);
  ASSERT_TRUE(trace.wait_for("done b after 2 commits"));
  ASSERT_TRUE(trace.wait_for("done c after 2 commits"));
  committer.stop();
  EXPECT_EQ(committer.commits(), 2u);
  EXPECT_TRUE(failures.empty());
  // No completion ever ran before the commit that held it returned.
  for (const auto& e : trace.events()) EXPECT_EQ(e.find("after 0 commits"), std::string::npos) << e;
}

TEST(GroupCommitTest, AGroupWithoutWritesIsAnsweredOnlyAfterTheGroupBeforeIt) {
  // An empty job is how callers wait for everything submitted before (e.g. the dispatcher's barrier).
  HeldCommits commits;
  Trace trace;
  GroupCommitter committer([&](const WriteBatch& b) { return commits.apply(b); }, 2048, {});
  committer.submit(traced_job(trace, commits, "a"));
  commits.wait_started(1);
  committer.submit([&](WriteBatch&) -> std::function<void()> {
    return [&] { trace.add("barrier after " + std::to_string(commits.returned()) + " commits"); };
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(trace.events().empty() || trace.events() == std::vector<std::string>{"built a"});
  commits.release(1);
  ASSERT_TRUE(trace.wait_for("barrier after 1 commits"));
  committer.stop();
}

TEST(GroupCommitTest, AFailedCommitAnswersNobodyInItsGroupOrAfter) {
  HeldCommits commits;
  commits.fail(0, "disk full");
  Trace trace;
  std::mutex fmu;
  std::vector<std::string> failures;
  GroupCommitter committer([&](const WriteBatch& b) { return commits.apply(b); }, 2048,
                           [&](const Error& e) {
                             std::lock_guard lock(fmu);
                             failures.push_back(e.message);
                           });

  committer.submit(traced_job(trace, commits, "a"));
  committer.submit(traced_job(trace, commits, "b"));
  commits.wait_started(1);
  // Group N+1 (c) is built in memory while N commits...
  committer.submit(traced_job(trace, commits, "c"));
  ASSERT_TRUE(trace.wait_for("built c"));
  // ...and N fails.
  commits.release(5);
  for (int i = 0; i < 200 && !committer.failed(); ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(committer.failed());
  // A job submitted after the failure is never run.
  committer.submit(traced_job(trace, commits, "d"));
  std::this_thread::sleep_for(100ms);
  committer.stop();

  {
    std::lock_guard lock(fmu);
    EXPECT_EQ(failures, std::vector<std::string>{"disk full"});
  }
  // Nobody heard "done": not a and b (their commit failed), not c (built on top of them, never committed).
  for (const auto& e : trace.events()) EXPECT_EQ(e.rfind("done", 0), std::string::npos) << e;
  EXPECT_FALSE(trace.has("built d"));
  EXPECT_EQ(commits.started(), 1u) << "the group built after a failed one must not be committed";
  EXPECT_EQ(committer.commits(), 0u);
}

TEST(GroupCommitDeathTest, AFailedCommitStopsTheProcessByDefault) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        spdlog::set_default_logger(spdlog::stderr_color_mt("death-test"));  // the message is on stderr
        GroupCommitter committer([](const WriteBatch&) -> Status { return Error{500, "disk on fire"}; });
        committer.run_sync([](WriteBatch& b) -> std::function<void()> {
          b.for_org("org-1").add(op::DeleteDoc{"test", "x"});
          return [] { std::fprintf(stderr, "acknowledged\n"); };
        });
      },
      "commit of 1 writes \\(1 jobs\\) failed: disk on fire");
}

// With the real SQLite store: every completion finds its own write through the store's reader connection,
// for many writers racing the pipeline.
TEST(GroupCommitTest, EveryCompletionFindsItsWriteInTheStore) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("tocsin-group-commit-" + new_uuid());
  fs::create_directories(dir);
  {
    auto opened = open_sqlite_store((dir / "t.db").string());
    ASSERT_TRUE(opened.ok());
    auto store = std::move(opened).value();
    ASSERT_TRUE(store->create_org(Org{"org-1", "Test", "US"}).ok());
    GroupCommitter committer(*store);
    constexpr int kWriters = 4, kEach = 300;
    std::atomic<int> found{0}, missing{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w)
      writers.emplace_back([&, w] {
        for (int i = 0; i < kEach; ++i) {
          std::string id = "w" + std::to_string(w) + "-" + std::to_string(i);
          committer.submit([&, id](WriteBatch& b) -> std::function<void()> {
            b.for_org("org-1").add(op::PutDoc{OrgDoc{"test", id, "{}"}});
            return [&, id] {
              auto doc = store->org_doc("org-1", "test", id);
              (doc.ok() && doc.value()) ? ++found : ++missing;
            };
          });
        }
      });
    for (auto& t : writers) t.join();
    committer.stop();
    EXPECT_EQ(found.load(), kWriters * kEach);
    EXPECT_EQ(missing.load(), 0);
    EXPECT_GT(committer.commits(), 1u);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tocsin::store
