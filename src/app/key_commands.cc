#include "app/key_commands.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "app/command_exit.h"
#include "app/installation.h"
#include "app/kek_location.h"
#include "app/progress.h"
#include "app/store_location.h"
#include "core/json_out.h"
#include "store/postgres/store_copy.h"
#include "store/sealing/key_ring.h"
#include "store/sealing/key_rotation.h"
#include "store/sealing/sealed_tables.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, new_kek;
  int batch = 500;
};

// Walks until one finds nothing stale: a server still sealing under the previous key for its last second
// leaves a few values the next walk seals.
constexpr int kMaxWalks = 5;

void write_tables(JsonOut& j, const std::vector<store::TableProgress>& tables) {
  j.begin("tables");
  for (const auto& t : tables) j.begin(t.table).kv("rows", t.rows).kv("stale", t.resealed).end();
  j.end();
}

// The rows of the sealed tables: a walk's total for the progress bar (0, no percentage, when they cannot be
// counted).
int64_t sealed_rows(const std::string& dir) {
  auto where = store_location(dir);
  if (!where) return 0;
  auto counts = where->backend == StoreLocation::Backend::kPostgres
                    ? store::postgres_table_counts(where->url)
                    : store::sqlite_table_counts((std::filesystem::path(dir) / "tocsin.db").string());
  if (!counts) return 0;
  int64_t n = 0;
  for (const auto& t : store::sealed_tables())
    if (auto it = counts->find(std::string(t.name)); it != counts->end()) n += it->second;
  return n;
}

// reseal_all with a progress bar: rows walked of the sealed tables' rows, walk by walk.
Result<store::ResealReport> walk(store::Store& s, const std::string& dir, int batch, bool count_only,
                                 int max_walks) {
  const auto& tables = store::sealed_tables();
  std::string verb = count_only ? "counting stale values" : "sealing";
  Progress bar(verb, "rows");
  int64_t total = bar.on() ? sealed_rows(dir) : 0;
  size_t current = 0;  // index of the table being walked
  int64_t before = 0;  // rows of the walk's earlier tables
  int64_t last = 0;    // rows walked of the current table
  int walks = 1;
  auto report = store::reseal_all(s, batch, count_only, max_walks, [&](const store::TableProgress& p) {
    size_t i = 0;
    while (i < tables.size() && tables[i].name != p.table) ++i;
    if (i < current) {  // the next walk began
      bar.restart(verb + " (walk " + std::to_string(++walks) + ")");
      before = 0;
    } else if (i > current) {
      before += last;
    }
    current = i;
    last = p.rows;
    bar.update(before + p.rows, total);
  });
  bar.finish();
  return report;
}

void write_keys(JsonOut& j, store::Store& s) {
  auto rows = s.data_key_rows();
  if (!rows) fail_command(rows.error());
  j.begin_array("data_keys");
  for (const auto& r : *rows)
    j.begin().kv("id", int64_t{r.id}).kv("created", format_iso8601(r.created)).end();
  j.end_array();
  if (auto current = s.sealer().current_key()) j.kv("current_key", int64_t{*current});
}

void status(const Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) fail_command(inst.error());
  auto report = walk(*inst->store, a.dir, a.batch, true, 1);
  if (!report) fail_command(report.error());
  JsonOut j;
  j.begin().kv("encrypted", inst->kek.has_value());
  if (inst->kek) j.kv("kek_file", inst->kek_file);
  write_keys(j, *inst->store);
  write_tables(j, report->tables);
  std::cout << j.end().take() << std::endl;
  finish_command(0);
}

// Seals everything under the current key, printing the outcome; exit 1 if a walk still found stale values.
// `encrypted_now`: the values were plaintext, so the database's files are rewritten (Store::scrub) to drop
// the plaintext pages.
void reseal(Installation& inst, const Args& a, bool encrypted_now) {
  auto report = walk(*inst.store, a.dir, a.batch, false, kMaxWalks);
  if (!report) fail_command(report.error());
  if (encrypted_now)
    if (auto s = inst.store->scrub(true); !s)
      std::cerr << "tocsin: sealed, but the database's old pages were not rewritten: " << s.error().message
                << " (run `tocsin privacy scrub` with every server stopped)\n";
  JsonOut j;
  j.begin().kv("encrypted", true).kv("kek_file", inst.kek_file);
  write_keys(j, *inst.store);
  j.kv("resealed", report->resealed).kv("walks", int64_t{report->walks}).kv("complete", report->complete);
  write_tables(j, report->tables);
  std::cout << j.end().take() << std::endl;
  finish_command(report->complete ? 0 : 1);
}

void rotate(const Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) fail_command(inst.error());
  if (!a.new_kek.empty()) {
    if (!inst->kek) fail_command(bad_request("this installation has no key-encryption key to replace"));
    std::error_code ec;
    auto next = std::filesystem::exists(a.new_kek, ec) ? store::read_kek_file(a.new_kek)
                                                       : store::create_kek_file(a.new_kek);
    if (!next) fail_command(next.error());
    if (auto s = store::rewrap_data_keys(*inst->store, *inst->kek, *next); !s) fail_command(s.error());
    JsonOut j;
    j.begin().kv("rewrapped", true).kv("new_kek_file", a.new_kek);
    write_keys(j, *inst->store);
    std::cout << j.end().take() << std::endl;
    std::cerr << "tocsin: the data keys are now wrapped by " << a.new_kek << "; replace " << inst->kek_file
              << " with it on every node and restart them\n";
    finish_command(0);
  }
  if (!inst->kek) {
    // Encrypting an installation that had none: its servers hold no key-encryption key and would go on
    // writing plaintext, so none may run (the lock covers a server on this directory, and on PostgreSQL
    // the database's writer claim one on any node).
    auto lock = DataDirLock::acquire(*inst, "encrypting it");
    if (!lock) fail_command(lock.error());
    inst->store.reset();
    auto path = kek_path(a.dir);
    if (!path) fail_command(path.error());
    auto kek = store::create_kek_file(*path);
    if (!kek) fail_command(kek.error());
    auto reopened = Installation::open(a.dir, false);  // finds the new key file: a first data key is made
    if (!reopened) fail_command(reopened.error());
    reseal(*reopened, a, true);
  }
  auto id = store::add_data_key(*inst->store, *inst->kek);
  if (!id) fail_command(id.error());
  // Running servers re-read the data keys every second (app/serve.cc): let them seal under the new one
  // before walking, so the walks have little to catch up.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  reseal(*inst, a, false);
}

}  // namespace

void add_key_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* keys = app.add_subcommand("keys", "encryption at rest: data keys and the key-encryption key");
  keys->require_subcommand(1);
  auto* st = keys->add_subcommand("status", "data keys, and stored values not under the current one");
  st->add_option("--data", a->dir, "data directory")->required();
  st->add_option("--batch", a->batch, "rows per batch")->check(CLI::Range(1, 100000));
  st->callback([a] { status(*a); });
  auto* rot = keys->add_subcommand("rotate", "a new data key, every stored value sealed under it");
  rot->add_option("--data", a->dir, "data directory")->required();
  rot->add_option("--batch", a->batch, "rows per transaction")->check(CLI::Range(1, 100000));
  rot->add_option("--new-kek", a->new_kek,
                  "instead: wrap the data keys under this key-encryption key file (created if absent)");
  rot->callback([a] { rotate(*a); });
}

}  // namespace tocsin
