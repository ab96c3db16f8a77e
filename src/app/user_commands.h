// `tocsin user`: staff accounts of the console from the command line, for the first owner and for operators
// who script their setup (docs/CONSOLE.md). Passwords are read from standard input (first line), never
// from arguments, which other users of the machine can see in the process list.
//   user create --data DIR --org ORG --email ADDRESS --role owner|admin|organizer|viewer
//   user create --data DIR --email ADDRESS --operator        (platform operator, no org role)
//   user reset  --data DIR --email ADDRESS                   (new password; revokes every session)
//   user list   --data DIR --org ORG                         (one JSON line per member)
// Runs while the server is up: the server reads accounts from the store at each login.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

// Registers the subcommands; they run from their CLI11 callbacks and end the parse by throwing
// CLI::RuntimeError(exit code), as the import commands do.
void add_user_commands(CLI::App& app);

}  // namespace tocsin
