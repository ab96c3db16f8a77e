// SMS segment arithmetic (SMS-E1, 3GPP TS 23.038): how many parts a text is sent as.
//
// GSM-7 when every character is in the default alphabet or its extension table (extension characters take
// an escape and count 2); otherwise the whole message is UCS-2 (characters outside the BMP count 2, as
// surrogate pairs). One part holds 160 GSM-7 units or 70 UCS-2 units; concatenated parts hold 153 or 67
// because of the 6-byte header, and neither an escape pair nor a surrogate pair is split across parts.
// Hand-rolled: the alphabet is a fixed 3GPP table and no Debian library counts segments.
#pragma once

#include <string_view>

namespace tocsin::policy {

enum class SmsEncoding { kGsm7, kUcs2 };

struct SegmentCount {
  SmsEncoding encoding = SmsEncoding::kGsm7;
  int units = 0;     // septets (GSM-7) or 16-bit code units (UCS-2)
  int segments = 0;  // 0 for an empty text
  bool valid_utf8 = true;
};

// `text` is UTF-8; invalid UTF-8 yields valid_utf8 = false (the gate refuses such a text).
SegmentCount count_segments(std::string_view text);

// "GSM-7" or "UCS-2": the one spelling of an encoding in every output (preflight, outbox lines, logs).
std::string_view encoding_name(SmsEncoding e);

}  // namespace tocsin::policy
