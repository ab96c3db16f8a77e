// Inbound keyword classification (compliance-rules SMS-K1, SMS-K5, SMS-K3, SMS-R1).
#include "sms/keywords.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tocsin::sms {
namespace {

using Kind = InboundIntent::Kind;

struct KeywordCase {
  std::string word;
  Kind kind;
  std::string canonical;
};

// Every keyword the issue names, and the spellings carriers treat as the same keyword.
const std::vector<KeywordCase> kKeywords = {
    {"STOP", Kind::kOptOut, "STOP"},
    {"STOPALL", Kind::kOptOut, "STOPALL"},
    {"STOP ALL", Kind::kOptOut, "STOPALL"},
    {"UNSUBSCRIBE", Kind::kOptOut, "UNSUBSCRIBE"},
    {"CANCEL", Kind::kOptOut, "CANCEL"},
    {"END", Kind::kOptOut, "END"},
    {"QUIT", Kind::kOptOut, "QUIT"},
    {"REVOKE", Kind::kOptOut, "REVOKE"},
    {"OPTOUT", Kind::kOptOut, "OPTOUT"},
    {"OPT-OUT", Kind::kOptOut, "OPTOUT"},
    {"OPT OUT", Kind::kOptOut, "OPTOUT"},
    {"REMOVE", Kind::kOptOut, "REMOVE"},
    {"ARRET", Kind::kOptOut, "ARRET"},
    {"ARRÊT", Kind::kOptOut, "ARRET"},
    {"TD", Kind::kOptOut, "TD"},
    {"START", Kind::kOptIn, "START"},
    {"UNSTOP", Kind::kOptIn, "UNSTOP"},
    {"YES", Kind::kOptIn, "YES"},
    {"HELP", Kind::kHelp, "HELP"},
    {"INFO", Kind::kHelp, "INFO"},
};

std::string lower_utf8_ascii_part(std::string s) {
  for (auto& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

std::string mixed_case(std::string s) {
  for (size_t i = 0; i < s.size(); i += 2) {
    if (s[i] >= 'A' && s[i] <= 'Z') s[i] = static_cast<char>(s[i] - 'A' + 'a');
  }
  return s;
}

TEST(SmsKeywords, EveryKeywordInEveryCaseWithSurroundingSpaceAndPunctuation) {
  const std::vector<std::pair<std::string, std::string>> wrappers = {
      {"", ""},     {"  ", " \n"}, {"", "!"},  {"\t", "."},
      {"\"", "\""}, {"", " !!!"},  {"*", "*"}, {"", " \xF0\x9F\x9B\x91"}};
  for (const auto& k : kKeywords) {
    // "ARRÊT" lower-cases to "arrÊt" here (ASCII only); RE2's case folding must still match it.
    for (const std::string& w : {k.word, lower_utf8_ascii_part(k.word), mixed_case(k.word)}) {
      for (const auto& [pre, post] : wrappers) {
        std::string body = pre + w + post;
        auto got = classify_inbound(body);
        EXPECT_EQ(got.kind, k.kind) << "'" << body << "'";
        EXPECT_EQ(got.keyword, k.canonical) << "'" << body << "'";
        EXPECT_TRUE(got.exact) << "'" << body << "'";
      }
    }
  }
}

TEST(SmsKeywords, LowerCaseAccentedArretMatches) {
  EXPECT_EQ(classify_inbound("arrêt").kind, Kind::kOptOut);
  EXPECT_EQ(classify_inbound("Arrêt.").keyword, "ARRET");
}

TEST(SmsKeywords, YesNeedsARecentPromptOtherOptInsDoNot) {
  EXPECT_TRUE(classify_inbound("yes").needs_recent_prompt);
  EXPECT_FALSE(classify_inbound("START").needs_recent_prompt);
  EXPECT_FALSE(classify_inbound("unstop").needs_recent_prompt);
}

TEST(SmsKeywords, KeywordWithFillerWordsOptsOutAsThatKeywordButNotExactly) {
  for (const char* body : {"stop please", "STOP IT", "please stop", "Opt-out please", "pls stop!!",
                           "STOP STOP", "end please", "quit it", "Cancel all", "stop now thanks"}) {
    auto got = classify_inbound(body);
    EXPECT_EQ(got.kind, Kind::kOptOut) << "'" << body << "'";
    EXPECT_FALSE(got.exact) << "'" << body << "'";
  }
  EXPECT_EQ(classify_inbound("please stop").keyword, "STOP");
  EXPECT_EQ(classify_inbound("Opt-out please").keyword, "OPTOUT");
  EXPECT_EQ(classify_inbound("help pls").kind, Kind::kHelp);
  EXPECT_EQ(classify_inbound("start please").kind, Kind::kOptIn);
}

TEST(SmsKeywords, PlainLanguageRevocationsOptOut) {
  for (const char* body : {"please stop texting me",
                           "Stop texting me!!",
                           "Remove me from your list",
                           "take me off this list",
                           "Take me off the list please",
                           "don't text me again",
                           "Do not contact me",
                           "lose my number",
                           "delete my number",
                           "I opt out",
                           "I want to opt-out",
                           "unsubscribe me",
                           "no más",
                           "No mas por favor",
                           "leave me alone",
                           "no more texts",
                           "wrong number",
                           "remove my name",
                           "how do I stop getting these?",
                           "stop receiving these"}) {
    auto got = classify_inbound(body);
    EXPECT_EQ(got.kind, Kind::kOptOut) << "'" << body << "'";
    EXPECT_FALSE(got.exact) << "'" << body << "'";
    EXPECT_EQ(got.keyword, "REVOCATION_PHRASE") << "'" << body << "'";
  }
}

TEST(SmsKeywords, OrdinaryRepliesAreNotOptOuts) {
  // SMS-K1's own negative: "Don't stop" is not an opt-out keyword, and no revocation either.
  for (const char* body :
       {"Don't stop", "don't stop fighting!", "I'll be there at 6", "What time is the rally?",
        "Thanks, count me in", "Who is this?", "stopped by yesterday", "the end of the march",
        "can you help me find the address", "yes I can make it", "cancel culture lol", ""}) {
    auto got = classify_inbound(body);
    EXPECT_NE(got.kind, Kind::kOptOut) << "'" << body << "'";
  }
  EXPECT_EQ(classify_inbound("yes I can make it").kind, Kind::kNone);
  EXPECT_EQ(classify_inbound("help me find the address").kind, Kind::kNone);
}

TEST(SmsKeywords, KeywordInsideLongerTextIsNotAnExactKeyword) {
  auto got = classify_inbound("STOPPING");
  EXPECT_NE(got.keyword, "STOP");
  EXPECT_FALSE(classify_inbound("information please").exact);
  EXPECT_EQ(classify_inbound("startle").kind, Kind::kNone);
}

TEST(SmsKeywords, KindNamesAreStable) {
  EXPECT_EQ(kind_name(Kind::kOptOut), "opt_out");
  EXPECT_EQ(kind_name(Kind::kOptIn), "opt_in");
  EXPECT_EQ(kind_name(Kind::kHelp), "help");
  EXPECT_EQ(kind_name(Kind::kNone), "none");
}

}  // namespace
}  // namespace tocsin::sms
