#include "app/store_commands.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/installation.h"
#include "app/kek_location.h"
#include "app/progress.h"
#include "core/json_out.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/store_copy.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;

struct Args {
  std::string from, to;
};

int fail(const Error& e) {
  std::cerr << "tocsin: " << e.message << "\n";
  return e.http_status == 409 ? 3 : 1;
}

int run_copy(const Args& a) {
  auto db = fs::path(a.from) / "tocsin.db";
  if (!fs::exists(db)) return fail(bad_request(a.from + " holds no SQLite database (tocsin.db)"));
  if (!store::is_postgres_url(a.to)) return fail(bad_request("--to must be a postgresql:// URL"));
  std::array<unsigned char, 32> key{};
  std::ifstream in(fs::path(a.from) / "contact.key", std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(key.data()), key.size()))
    return fail(internal_error("cannot read " + (fs::path(a.from) / "contact.key").string()));
  auto lock = DataDirLock::acquire(a.from, "copying its database");
  if (!lock) return fail(lock.error());
  store::SqliteOptions opened;
  opened.hasher = ContactHasher(key);
  auto kek_file = kek_path(a.from);
  if (!kek_file) return fail(kek_file.error());
  if (fs::exists(*kek_file)) {
    auto kek = store::read_kek_file(*kek_file);
    if (!kek) return fail(kek.error());
    opened.kek = *kek;
  }
  Progress bar("copying " + db.string(), "rows");
  // The total costs a count of every table: only asked for when there is a terminal to draw on.
  store::CopyProgress progress;
  if (bar.on()) progress = [&](int64_t done, int64_t total) { bar.update(done, total); };
  auto copied = store::copy_sqlite_to_postgres(db.string(), a.to, opened, progress);
  bar.finish();
  if (!copied) return fail(copied.error());
  auto source = store::sqlite_table_counts(db.string());
  if (!source) return fail(source.error());
  auto dest = store::postgres_table_counts(a.to);
  if (!dest) return fail(dest.error());
  bool equal = source.value() == dest.value() && source.value() == copied.value();
  JsonOut j;
  j.begin().begin("tables");
  for (const auto& [table, n] : dest.value()) j.kv(table, n);
  j.end().kv("counts_equal", equal).end();
  std::cout << j.take() << "\n";
  if (!equal) {
    for (const auto& [table, n] : source.value())
      if (dest->at(table) != n)
        std::cerr << "tocsin: " << table << ": " << n << " rows in the source, " << dest->at(table)
                  << " in the copy\n";
    return 1;
  }
  return 0;
}

}  // namespace

void add_store_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* s = app.add_subcommand("store", "database tools");
  s->require_subcommand(1);
  auto* copy =
      s->add_subcommand("copy", "copy an SQLite installation's database into an empty PostgreSQL one");
  copy->add_option("--from", a->from, "data directory of the SQLite installation")->required();
  copy->add_option("--to", a->to, "postgresql:// URL of an empty database")->required();
  copy->callback([a] { throw CLI::RuntimeError(run_copy(*a)); });
}

}  // namespace tocsin
