// The console's CSV imports (docs/CONSOLE.md "Import"): each upload runs `importer::import_csv` — the code
// `tocsin import` runs — on a thread of its own, writing through the server's group committer one block of
// rows at a time (importer::ImportOptions::write_block over messaging::commit_org_write, behind the opt-out
// fence for a row whose status column opts out), so readers and the API's writes interleave with the import
// and the one path to the store is kept. The job's progress, its summary and every rejected row (as the CLI
// reports them) are kept in memory for the staff who watch it; they are gone after a restart, and the rows
// already imported stay (each block is durable before the next begins).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "importer/csv_import.h"
#include "people/directory.h"
#include "staff/audit.h"
#include "store/group_commit.h"

namespace tocsin::messaging {
class OptOutFence;
}

namespace tocsin::web::admin {

// The bound on an upload (the request body, form included): about 100,000 rows of a typical export. Larger
// files go through `tocsin import` on the command line.
inline constexpr size_t kImportMaxBytes = 16 << 20;
// Rejected rows kept for the report beyond which only the count goes on (the file is at most 16 MiB).
inline constexpr size_t kImportErrorsKept = 100'000;

struct RowError {
  int64_t row = 0;
  std::string reason;
};

// One import: what the screens show. Read it through ImportJobs::snapshot.
struct ImportJobView {
  std::string id, org_id, account_id, file_name;
  Micros started = 0, finished = 0;
  importer::ImportProgress progress;
  bool done = false;
  std::optional<importer::ImportSummary> summary;  // when done without failure
  std::string failure;           // when the import stopped (nothing, or some blocks, stored)
  std::vector<RowError> errors;  // in row order
  int64_t errors_not_kept = 0;
};

// What an upload asks for: the CLI's options, from the form.
struct ImportRequest {
  std::string file_name;
  std::string contents;
  std::string source, consent_date, consent_method, disclosure_text, list_name;
  std::string age_field;  // [privacy] age_custom_field, as `tocsin import` reads it
};

class ImportJobs {
 public:
  ImportJobs(store::Store& store, store::GroupCommitter& committer, messaging::OptOutFence* fence,
             staff::AuditLog& audit)
      : store_(store), committer_(committer), fence_(fence), audit_(audit) {}
  ~ImportJobs();  // waits for running imports: a block in the committer finishes, the rest is not started
  ImportJobs(const ImportJobs&) = delete;
  ImportJobs& operator=(const ImportJobs&) = delete;

  // Starts an import into `org` for the staff member; its id, or 409 while another import of the same
  // organization runs (two would interleave their rows' matching).
  Result<std::string> start(people::OrgState& org, const std::string& account_id, const std::string& ip,
                            ImportRequest req);
  // The job of that id in that organization, or nothing (another organization's job is not found).
  std::optional<ImportJobView> snapshot(const std::string& org_id, const std::string& id) const;
  // The organization's jobs, newest first (ids and file names for the import screen).
  std::vector<ImportJobView> recent(const std::string& org_id, size_t n) const;

 private:
  struct Job {
    mutable std::mutex mu;
    ImportJobView view;
  };
  void run(std::shared_ptr<Job> job, people::OrgState* org, std::string ip, ImportRequest req);

  store::Store& store_;  // not written by the importer here: every block goes through the committer
  store::GroupCommitter& committer_;
  messaging::OptOutFence* fence_;
  staff::AuditLog& audit_;
  mutable std::mutex mu_;
  bool stopping_ = false;
  std::unordered_map<std::string, std::shared_ptr<Job>> jobs_;
  std::vector<std::string> order_;  // job ids, oldest first
  std::unordered_map<std::string, std::thread> threads_;
};

}  // namespace tocsin::web::admin
