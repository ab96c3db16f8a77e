// The platform operator's abuse cases (messaging/abuse_case.h): `tocsin abuse open` records a report that
// came by another way (mail, phone), `abuse list` prints the cases (open ones, or all), one JSON line each,
// and `abuse close` ends one with what was done — with `--disable-sender` on a report about a number, the
// number is disabled (app/sender_levers.h) with the case named in the reason its organization sees. Each
// close is recorded in the staff audit (action `abuse.close`).
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_abuse_commands(CLI::App& app);

}  // namespace tocsin
