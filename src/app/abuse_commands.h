// The platform operator's abuse cases (messaging/abuse_case.h): `tocsin abuse open` records a report that
// came by another way (mail, phone), `abuse list` prints the cases (open ones, or all), one JSON line each,
// and `abuse close` ends one with what was done: `--disable-sender` disables the reported number
// (app/sender_levers.h), `--take-down-page` makes the reported hosted page answer 410 (a `page_takedown`
// document the pages read), `--stop-message` stops the reported message (a running server halts its blast,
// app/serve.cc) — each with the case named in what the organization is told, and each recorded in the staff
// audit before it takes effect, like the close itself (`abuse.close`).
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_abuse_commands(CLI::App& app);

}  // namespace tocsin
