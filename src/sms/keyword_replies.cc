#include "sms/keyword_replies.h"

#include "core/text.h"
#include "policy/sms_segments.h"

namespace tocsin::sms {

Status validate(const ProgramInfo& p) {
  struct Slot {
    const std::string& value;
    const char* name;
  } slots[] = {{p.brand, "brand"}, {p.help_contact, "help_contact"}, {p.frequency, "frequency"}};
  for (const auto& s : slots)
    if (trim_ascii_space(s.value).empty())
      return unprocessable(std::string("the texting program needs a ") + s.name + " for its HELP answer");
  policy::SegmentCount seg = policy::count_segments(help_reply(p));
  if (!seg.valid_utf8) return unprocessable("the texting program's settings are not valid UTF-8");
  if (seg.segments > 1)
    return unprocessable("the HELP answer must fit one SMS segment; it needs " +
                         std::to_string(seg.segments) + " (" + std::to_string(seg.units) + " units)");
  return Ok{};
}

std::string help_reply(const ProgramInfo& p) {
  std::string description = trim_ascii_space(p.description).empty() ? "" : " " + p.description + ".";
  return p.brand + ":" + description + " Help: " + p.help_contact + ". " + p.frequency +
         ". Msg & data rates may apply. Reply STOP to cancel.";
}

namespace {

std::string with_line(const ProgramInfo& p, std::string_view line) {
  std::string out = help_reply(p);
  if (!trim_ascii_space(line).empty()) out.append(" ").append(trim_ascii_space(line));
  return out;
}

}  // namespace

Status check_emergency_line(const ProgramInfo& p, std::string_view line) {
  if (line.size() > kMaxEmergencyLine)
    return bad_request("the emergency line is too long (" + std::to_string(kMaxEmergencyLine) +
                       " characters at most)");
  for (unsigned char c : line)
    if (c < 0x20 || c == 0x7f) return bad_request("the emergency line has a control character");
  policy::SegmentCount seg = policy::count_segments(with_line(p, line));
  if (!seg.valid_utf8) return bad_request("the emergency line is not valid UTF-8");
  if (seg.segments > 2)
    return bad_request("with the emergency line the HELP answer needs " + std::to_string(seg.segments) +
                       " segments; it may take two (shorten the line)");
  return Ok{};
}

std::string help_answer(const ProgramInfo& p) {
  if (trim_ascii_space(p.emergency).empty() || !check_emergency_line(p, p.emergency)) return help_reply(p);
  return with_line(p, p.emergency);
}

std::string stop_confirmation(const ProgramInfo& p) {
  return p.brand + ": You are unsubscribed and will receive no more messages. Reply START to resubscribe.";
}

std::string resubscribe_reply(const ProgramInfo& p) {
  return p.brand + ": You are subscribed again. " + p.frequency +
         ". Msg & data rates may apply. Reply HELP for help, STOP to cancel.";
}

}  // namespace tocsin::sms
