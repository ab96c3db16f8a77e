#include "app/command_exit.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

namespace tocsin {

void finish_command(int code) {
  throw CLI::RuntimeError(code);
}

void fail_command(std::string_view prefix, const Error& e) {
  std::cerr << prefix << ": " << e.message << "\n";
  finish_command(1);
}

void fail_command(const Error& e) {
  fail_command("tocsin", e);
}

std::string os_user() {
  const char* u = std::getenv("USER");
  if (u && *u) return u;
  return "uid " + std::to_string(::getuid());
}

}  // namespace tocsin
