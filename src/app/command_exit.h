// How a CLI subcommand ends from inside its CLI11 callback, and who ran it. main() turns the thrown
// CLI::RuntimeError into the process's exit status, so a callback can end the command from any depth.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin {

// Ends the running subcommand with exit status `code`.
[[noreturn]] void finish_command(int code);

// Prints "PREFIX: message" ("tocsin: message" without one) on standard error and ends the subcommand with
// exit status 1.
[[noreturn]] void fail_command(std::string_view prefix, const Error& e);
[[noreturn]] void fail_command(const Error& e);

// The operating-system user running the CLI ($USER, or "uid N"), recorded in audit entries of operator
// decisions made from the shell.
std::string os_user();

}  // namespace tocsin
