#include "web/admin/import_jobs.h"

#include <fmt/format.h>

#include <algorithm>
#include <future>

#include "core/clock.h"
#include "core/ids.h"
#include "messaging/org_write.h"

namespace tocsin::web::admin {
namespace {

// Finished jobs kept per organization for the import screen; older ones are forgotten (their rows stay).
constexpr size_t kJobsKeptPerOrg = 20;

}  // namespace

ImportJobs::~ImportJobs() {
  std::unordered_map<std::string, std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  for (auto& [id, t] : threads)
    if (t.joinable()) t.join();
}

Result<std::string> ImportJobs::start(people::OrgState& org, const std::string& account_id,
                                      const std::string& ip, ImportRequest req) {
  auto job = std::make_shared<Job>();
  job->view.id = random_hex(16);
  job->view.org_id = org.org.id;
  job->view.account_id = account_id;
  job->view.file_name = req.file_name;
  job->view.started = now_micros();
  job->view.progress.total_bytes = static_cast<int64_t>(req.contents.size());
  std::lock_guard lock(mu_);
  if (stopping_) return Error{503, "the server is stopping"};
  size_t kept = 0;
  std::string oldest_done;
  for (const auto& id : order_) {
    const auto& j = jobs_.at(id);
    std::lock_guard jl(j->mu);
    if (j->view.org_id != org.org.id) continue;
    if (!j->view.done)
      return Error{409, "another import of this organization is running; wait for it to finish"};
    if (oldest_done.empty()) oldest_done = id;
    ++kept;
  }
  if (kept >= kJobsKeptPerOrg) {  // forget the oldest finished job (its thread has ended)
    if (auto t = threads_.find(oldest_done); t != threads_.end()) {
      if (t->second.joinable()) t->second.join();
      threads_.erase(t);
    }
    jobs_.erase(oldest_done);
    order_.erase(std::find(order_.begin(), order_.end(), oldest_done));
  }
  if (auto s = audit_.record({org.org.id, account_id, "people.import_started",
                              fmt::format("import {}: {} bytes", job->view.id, req.contents.size()), ip,
                              job->view.started});
      !s)
    return s.error();
  const std::string id = job->view.id;
  jobs_.emplace(id, job);
  order_.push_back(id);
  threads_.emplace(id, std::thread([this, job, o = &org, ip, req = std::move(req)]() mutable {
                     run(std::move(job), o, std::move(ip), std::move(req));
                   }));
  return id;
}

void ImportJobs::run(std::shared_ptr<Job> job, people::OrgState* org, std::string ip, ImportRequest req) {
  importer::ImportOptions opts;
  opts.contents = std::string_view(req.contents);
  opts.file_name = req.file_name;
  opts.source = req.source;
  opts.consent_date = req.consent_date;
  opts.consent_method = req.consent_method;
  opts.disclosure_text = req.disclosure_text;
  opts.list_name = req.list_name;
  opts.age_field = req.age_field;
  opts.on_row_error = [&job](int64_t row, std::string_view reason) {
    std::lock_guard lock(job->mu);
    if (job->view.errors.size() < kImportErrorsKept)
      job->view.errors.push_back({row, std::string(reason)});
    else
      ++job->view.errors_not_kept;
  };
  opts.on_progress = [&job](const importer::ImportProgress& p) {
    std::lock_guard lock(job->mu);
    job->view.progress = p;
  };
  // One block at a time through the server's committer, as every API write: under the organization's lock,
  // durable before the next block is parsed; a row's opt-out waits behind the fence like the API's.
  opts.write_block = [this, org](importer::RowBlock block) -> Status {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return Error{503, "the server is stopping"};
    }
    std::promise<Status> durable;
    auto opted_out = std::make_shared<std::vector<ContactHash>>();
    messaging::commit_org_write(
        committer_, *org,
        [&block, opted_out](people::OrgState&, store::WriteBatch::OrgWrites& w,
                            Micros now) -> Result<std::string> {
          block(w, now, *opted_out);
          return std::string("applied");
        },
        [&durable](Result<std::string> r) { durable.set_value(r ? Status(Ok{}) : Status(r.error())); },
        fence_, opted_out);
    return durable.get_future().get();
  };
  auto summary = importer::import_csv(store_, *org, opts);
  req.contents = std::string();  // the uploaded bytes are not kept
  const Micros now = now_micros();
  std::string target;
  {
    std::lock_guard lock(job->mu);
    job->view.done = true;
    job->view.finished = now;
    if (summary) {
      job->view.summary = summary.value();
      target =
          fmt::format("import {}: batch {}, {} rows, {} imported, {} subscribed, {} errors", job->view.id,
                      summary->batch, summary->rows, summary->imported, summary->subscribed, summary->errors);
    } else {
      job->view.failure = summary.error().message;
      target = fmt::format("import {} stopped: {}", job->view.id, summary.error().message.substr(0, 200));
    }
  }
  (void)audit_.record({org->org.id, job->view.account_id, "people.import", target, ip, now});
}

std::optional<ImportJobView> ImportJobs::snapshot(const std::string& org_id, const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  std::lock_guard jl(it->second->mu);
  if (it->second->view.org_id != org_id) return std::nullopt;
  return it->second->view;
}

std::vector<ImportJobView> ImportJobs::recent(const std::string& org_id, size_t n) const {
  std::vector<ImportJobView> out;
  std::lock_guard lock(mu_);
  for (auto it = order_.rbegin(); it != order_.rend() && out.size() < n; ++it) {
    const auto& j = jobs_.at(*it);
    std::lock_guard jl(j->mu);
    if (j->view.org_id != org_id) continue;
    ImportJobView v = j->view;
    v.errors.clear();  // the list needs the counts only
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace tocsin::web::admin
