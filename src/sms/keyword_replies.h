// The texts tocsin sends back to keywords: the HELP/INFO answer (SMS-K3) and the STOP confirmation (SMS-K4),
// built from an organization's texting program settings.
//
// Contract: a ProgramInfo is usable only when validate() passes (every SMS-K3 slot non-empty); help_reply()
// and stop_confirmation() are then pure functions of it. The HELP answer carries brand, description (when
// there is one: SMS-K3's five slots do not include it, and organizations' settings have none yet), support
// contact, frequency, "Msg & data rates may apply" and "Reply STOP to cancel" — in that order, each once;
// validate() also requires it to fit one GSM-7 segment (160 characters), so a HELP answer is never split
// (SMS-K3 test). The STOP confirmation names the brand, says no more messages will come and how to rejoin,
// and carries nothing else (SMS-R3: no marketing). Both go through the gate as MessageKind::kHelpReply /
// kStopConfirmation; nothing here sends.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::sms {

struct ProgramInfo {
  std::string brand;         // "Tocsin Action": the name recipients know (also the gate's brand_name)
  std::string description;   // "Alerts on local campaigns"; optional
  std::string help_contact;  // a toll-free number, email address or URL
  std::string frequency;     // "Msg freq varies" or "Up to 4 msgs/mo"
  // The organization's emergency contact line ("In an emergency call 911; our 24h line: 202-555-0199"),
  // optional. Appended after the compliant answer, not part of it (below).
  std::string emergency = {};
};

// The emergency line: at most this many characters, one line of text.
inline constexpr size_t kMaxEmergencyLine = 120;
// 400 when `line` is longer, has a control character or is not valid UTF-8; or when, with it, the HELP
// answer of `p` would need more than two segments.
Status check_emergency_line(const ProgramInfo& p, std::string_view line);

// 422 naming the first empty required slot (brand, help_contact, frequency), or the length when the HELP
// answer would need more than one segment.
Status validate(const ProgramInfo& p);

std::string help_reply(const ProgramInfo& p);
// What is texted back to HELP: help_reply(p), then the emergency line when there is one. The compliant part
// stays one segment on its own (validate), and comes first, so the line never pushes a required slot out;
// with the line the answer is one concatenated text of at most two segments (check_emergency_line). When a
// later change of the other slots made it longer than that, the line is left out rather than the answer.
std::string help_answer(const ProgramInfo& p);
std::string stop_confirmation(const ProgramInfo& p);
// The answer to START/UNSTOP/YES: the brand, that messages resume, frequency, rates, HELP and STOP.
std::string resubscribe_reply(const ProgramInfo& p);

}  // namespace tocsin::sms
