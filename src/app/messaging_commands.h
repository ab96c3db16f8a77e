// The platform administrator's messaging commands: organization messaging settings, suspension, SMS
// senders (ownership of a number is established by the administrator, never self-asserted), sending
// domains (a DKIM key is generated and the DNS record to publish is printed) and platform-wide suppressions.
//
// They write through Store::put_doc_outside, which logs the change: a running server applies it within its
// one-second refresh, so a suspension stops a blast in flight. They do not take the data directory's lock.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

// Registers `settings`, `org suspend|unsuspend`, `sender add|disable|enable`, `domain
// add|verify|disable|enable` (the levers: app/sender_levers.h) and `suppress`; each runs from its CLI11
// callback and ends the parse by throwing CLI::RuntimeError(exit code).
void add_messaging_commands(CLI::App& app, CLI::App& org_command);

}  // namespace tocsin
