// SMS-E1: segment arithmetic on known strings.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "policy/sms_segments.h"

namespace tocsin::policy {
namespace {

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

struct Case {
  const char* name;
  std::string text;
  SmsEncoding encoding;
  int units;
  int segments;
};

// Names the case instead of dumping its bytes in test listings.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

class SegmentsTest : public ::testing::TestWithParam<Case> {};

TEST_P(SegmentsTest, CountsUnitsAndSegments) {
  const Case& c = GetParam();
  SegmentCount got = count_segments(c.text);
  EXPECT_TRUE(got.valid_utf8);
  EXPECT_EQ(got.encoding, c.encoding);
  EXPECT_EQ(got.units, c.units);
  EXPECT_EQ(got.segments, c.segments);
}

INSTANTIATE_TEST_SUITE_P(
    Known, SegmentsTest,
    ::testing::Values(
        Case{"empty", "", SmsEncoding::kGsm7, 0, 0},
        Case{"hello", "Hello from Tocsin! Reply STOP to opt out.", SmsEncoding::kGsm7, 41, 1},
        Case{"gsm160", repeat("a", 160), SmsEncoding::kGsm7, 160, 1},
        Case{"gsm161", repeat("a", 161), SmsEncoding::kGsm7, 161, 2},
        Case{"gsm306", repeat("a", 306), SmsEncoding::kGsm7, 306, 2},
        Case{"gsm307", repeat("a", 307), SmsEncoding::kGsm7, 307, 3},
        // Latin and Greek letters of the default alphabet stay GSM-7.
        Case{"gsm_accents", "éèùìòÇØøÅåÆæßÉÄÖÑÜäöñüà£¥§¿¡ΔΦΓΛΩΠΨΣΘΞ@$", SmsEncoding::kGsm7, 40, 1},
        // Extension characters take two septets each.
        Case{"euro80", repeat("€", 80), SmsEncoding::kGsm7, 160, 1},
        Case{"euro81", repeat("€", 81), SmsEncoding::kGsm7, 162, 2},
        Case{"brackets", "[]{}\\^~|", SmsEncoding::kGsm7, 16, 1},
        // 152 a's then a 2-septet '€' would straddle the 153-septet boundary: it moves to part 2 whole.
        Case{"escape_not_split", repeat("a", 152) + "€" + repeat("a", 10), SmsEncoding::kGsm7, 164, 2},
        Case{"escape_pushes_part3", repeat("a", 152) + "€" + repeat("a", 152), SmsEncoding::kGsm7, 306, 3},
        // One non-GSM character switches the whole message to UCS-2.
        Case{"lowercase_c_cedilla", "ç", SmsEncoding::kUcs2, 1, 1},
        Case{"smart_quote", "Don’t forget to vote", SmsEncoding::kUcs2, 20, 1},
        Case{"backtick", "`", SmsEncoding::kUcs2, 1, 1},
        Case{"ucs70", repeat("ç", 70), SmsEncoding::kUcs2, 70, 1},
        Case{"ucs71", repeat("ç", 71), SmsEncoding::kUcs2, 71, 2},
        Case{"ucs134", repeat("ç", 134), SmsEncoding::kUcs2, 134, 2},
        Case{"ucs135", repeat("ç", 135), SmsEncoding::kUcs2, 135, 3},
        // Emoji outside the BMP are surrogate pairs: two units, never split.
        Case{"emoji35", repeat("😀", 35), SmsEncoding::kUcs2, 70, 1},
        Case{"emoji36", repeat("😀", 36), SmsEncoding::kUcs2, 72, 2},
        Case{"surrogate_not_split", repeat("a", 66) + "😀" + repeat("a", 3), SmsEncoding::kUcs2, 71, 2},
        // In UCS-2 an extension character is one unit like any other.
        Case{"euro_in_ucs2", "€ç", SmsEncoding::kUcs2, 2, 1}),
    [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

TEST(Segments, GsmPropertyCeilUnitsOver153) {
  for (int n = 161; n <= 1600; n += 37) {
    SegmentCount got = count_segments(repeat("x", n));
    EXPECT_EQ(got.segments, (n + 152) / 153) << n;
  }
}

TEST(Segments, InvalidUtf8IsReported) {
  EXPECT_FALSE(count_segments("\xff").valid_utf8);
  EXPECT_FALSE(count_segments("abc\xc3").valid_utf8);       // truncated sequence
  EXPECT_FALSE(count_segments("\xc0\xaf").valid_utf8);      // overlong '/'
  EXPECT_FALSE(count_segments("\xed\xa0\x80").valid_utf8);  // a UTF-16 surrogate
  EXPECT_TRUE(count_segments("\xc3\xa9").valid_utf8);       // é
}

}  // namespace
}  // namespace tocsin::policy
