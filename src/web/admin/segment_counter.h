// The compose screen's live segment counter (/admin/static/segments.js): the console's one script, loaded
// only by the compose screen of a text. It counts as policy/sms_segments.cc does (3GPP TS 23.038: GSM-7 with
// its extension table, else UCS-2; 160/153 and 70/67 units; an escape or surrogate pair never split) on the
// text as a blast's first text is sent — the brand prefix and the opt-out line added as messaging/render.cc
// adds them — so a person sees the count change while typing. Progressive enhancement: without the script the
// preflight shows the count once the draft is saved, and the preflight's count is the one the gate uses.
#pragma once

#include <string>
#include <string_view>

namespace tocsin::web::admin {

inline constexpr std::string_view kSegmentCounterPath = "/admin/static/segments.js";
extern const std::string kSegmentCounterJs;

}  // namespace tocsin::web::admin
