// `tocsin actions create`: creates an action of any kind from a JSON document, including the kinds that
// are read-only over the API (queries, wrappers, campaigns), which Action Network creates in its UI and
// tocsin has no UI for yet (docs/API.md "Actions"). Like `import`, it takes the data directory's lock, so it
// runs while the server is stopped: the server keeps actions in memory and would not see the new row.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

// Registers the subcommand; it runs from its CLI11 callback and ends the parse by throwing
// CLI::RuntimeError(exit code), as the import commands do.
void add_action_commands(CLI::App& app);

}  // namespace tocsin
