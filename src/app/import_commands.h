// `tocsin import` and `tocsin export`: CSV in and out of one organization (docs/IMPORT.md).
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

// Registers both subcommands. Each runs from its CLI11 callback during parsing and ends the parse by
// throwing CLI::RuntimeError(exit code), so CLI11_PARSE in main returns that code (0 on success too).
void add_import_commands(CLI::App& app);

}  // namespace tocsin
