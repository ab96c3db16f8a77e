// `tocsin store copy --from DIR --to postgresql://...`: moves an SQLite installation's database into an empty
// PostgreSQL database (store/postgres/store_copy.h), then compares row counts table by table and prints them
// as one JSON line; exit 1 when they differ. The server on DIR must be stopped (the copy takes DIR's lock).
// The secrets stay in DIR: point DIR's tocsin.toml at the database (or copy contact.key and token.keys to
// each node's data directory) — docs/STORE.md.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_store_commands(CLI::App& app);

}  // namespace tocsin
