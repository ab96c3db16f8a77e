// The platform operator's levers on one sender of an organization: disable (and enable again) one SMS
// number or one sending domain without suspending the whole organization (`tocsin sender disable|enable`,
// `tocsin domain disable|enable`; docs/SMS.md "Per-sender levers").
//
// A lever is a field of the sender's own document (messaging/settings.h: `disabled_reason`), written with
// Store::put_doc_outside, so a running server applies it within a second and the gate refuses every send on
// it (`sender_disabled`, `domain_disabled`) while the organization's other senders keep sending. Enabling a
// number also lifts a pause of the opt-out-rate breaker (`blasts_paused_reason`) and restarts its count.
// Every pull is recorded first in the staff audit (staff/audit.h, actor "cli:USER"), so a change that took
// effect is always on record.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "core/result.h"
#include "oversight/sender_lever.h"

namespace tocsin {

// Registers `disable` and `enable` under the existing `sender` and `domain` commands.
void add_lever_commands(CLI::App& sender, CLI::App& domain);

}  // namespace tocsin
