// `tocsin deliveries unknown --data D --org O --message M [--resend --by NAME]`: the deliveries of one
// message whose hand-over a crash interrupted (state `unknown`: the transport may or may not have taken
// them, so tocsin never sends them again by itself; messaging/dispatcher.h).
//
// Without --resend it lists them, one JSON line each ({"seq", "person_id", "address", "since"}), then a
// summary line. With --resend (only for transports where a duplicate is acceptable: the operator decides)
// each becomes `deferred` again, due now, and the message goes back to `sending`; every one passes the gate
// again at its hand-over, so an opt-out since the crash still wins. Refused while the message is still
// sending, paused or scheduled (the blast is not finished: its unknown deliveries may still grow).
//
// The audit: each --resend stores an organization document of kind "delivery_resend" (id: a new uuid) with
// the message, who (--by, required, and the operating-system user), when, how many and which seqs,
// written through Store::put_doc_outside like every administrator command, so it is durable, logged in
// the document change log and exported with the organization's documents. A running server applies the
// message's change within a second and resumes it; a stopped one resumes it at start.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

// Registers `deliveries unknown`; it runs from its CLI11 callback and ends the parse by throwing
// CLI::RuntimeError(exit code).
void add_delivery_commands(CLI::App& app);

}  // namespace tocsin
