// `tocsin quarantine list --data DIR [--org ORG]`: the stored documents that no longer decode and that
// loading therefore skips (store/store.h QuarantinedDoc), one JSON line each — organization, table, row id,
// the reason, and the document with every byte that is not valid UTF-8 shown as \xNN. Read-only; runs while
// the server is up.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

// Registers the subcommand; it runs from its CLI11 callback and ends the parse by throwing
// CLI::RuntimeError(exit code), as the import commands do.
void add_quarantine_commands(CLI::App& app);

}  // namespace tocsin
