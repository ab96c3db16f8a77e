// Content rules of every SMS that are checked on the text itself: the brand or program name (SMS-X1) and,
// in the first message to a recipient, how to opt out (SMS-O2, CA-3).
#pragma once

#include <string_view>

namespace tocsin::policy {

// Case-insensitive (ASCII) containment of `brand`; an empty brand is never present.
bool names_brand(std::string_view text, std::string_view brand);

// True when the text tells how to opt out: the keyword STOP as a word (any case; "Reply STOP", "Text STOP
// to quit"), or "opt out"/"opt-out"/"unsubscribe".
bool has_opt_out_instructions(std::string_view text);

}  // namespace tocsin::policy
