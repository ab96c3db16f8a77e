// Fuzz target: a CSV file for `tocsin import` (importer/csv_import.h) — header mapping, libcsv's quoting,
// every cell's parsing (emails, phones, dates, statuses, identifiers) and the batched commits — into a fresh
// organization each time, over one SQLite store for the run. File-level consent basis and a list are given,
// and batches are 2 rows, so the subscribe, list and background-commit paths run too. Row errors are the
// expected answer to bad rows; the import fails only for an unusable header or a failed commit.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "core/ids.h"
#include "importer/csv_import.h"
#include "scratch_dir.h"

namespace {

using namespace tocsin;

struct World {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  ContactHasher hasher{std::array<unsigned char, 32>{9, 9, 9}};
  Org org{new_uuid(), "Fuzz Org", "US"};

  World() {
    spdlog::set_level(spdlog::level::err);  // the store's log lines would drown the fuzzer's
    dir = fuzz::scratch_dir() / ("tocsin-csv-fuzz-" + new_uuid());
    std::filesystem::create_directories(dir);
    store = std::move(store::open_sqlite_store((dir / "t.db").string())).value();
    if (!store->create_org(org).ok()) std::abort();
  }
  ~World() { std::filesystem::remove_all(dir); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  importer::ImportOptions opts;
  opts.path = (world.dir / "in.csv").string();
  std::ofstream(opts.path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  opts.source = "fuzz form";
  opts.consent_date = "2026-01-02";
  opts.consent_method = "web form";
  opts.disclosure_text = "Texts from Fuzz Org. Msg & data rates may apply. Reply STOP to opt out.";
  opts.list_name = "fuzzed";
  opts.commit_rows = 2;
  int64_t rejected = 0;
  opts.on_row_error = [&](int64_t, std::string_view) { ++rejected; };
  people::OrgState org(world.org, world.hasher);
  auto summary = importer::import_csv(*world.store, org, opts);
  if (summary && summary->errors != rejected) std::abort();  // every rejected row is reported
  return 0;
}
