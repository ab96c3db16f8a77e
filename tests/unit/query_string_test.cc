// Request targets: path and query split, percent-decoding ('+' is a space only in the query), trailing and
// duplicate slashes normalised, and arbitrary bytes never crash the decoder.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/odata_filter.h"
#include "core/query_string.h"

namespace tocsin::api {
namespace {

// ---- percent_decode ----

TEST(QueryStringDecode, PlainTextUnchanged) {
  EXPECT_EQ(percent_decode("", false), "");
  EXPECT_EQ(percent_decode("abc-._~", true), "abc-._~");
}

TEST(QueryStringDecode, Escapes) {
  EXPECT_EQ(percent_decode("a%40b.c", false), "a@b.c");
  EXPECT_EQ(percent_decode("%27O%27%27Brien%27", true), "'O''Brien'");
  EXPECT_EQ(percent_decode("%2b%2B", true), "++");  // either case of hex digit
  EXPECT_EQ(percent_decode("caf%C3%A9", true), "caf\xC3\xA9");
  EXPECT_EQ(percent_decode("%00", true), std::string("\0", 1));
}

TEST(QueryStringDecode, PlusAsSpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("%2B1222", true), "+1222");
  EXPECT_EQ(percent_decode("a%20b", false), "a b");
}

TEST(QueryStringDecode, InvalidEscapesKeptLiterally) {
  EXPECT_EQ(percent_decode("%zz", true), "%zz");
  EXPECT_EQ(percent_decode("%", true), "%");
  EXPECT_EQ(percent_decode("a%", true), "a%");
  EXPECT_EQ(percent_decode("a%4", true), "a%4");
  EXPECT_EQ(percent_decode("%4g", true), "%4g");
  EXPECT_EQ(percent_decode("%g4", true), "%g4");
  EXPECT_EQ(percent_decode("100%", true), "100%");
  EXPECT_EQ(percent_decode("%%41", true),
            "%A");  // the first '%' is invalid, the second starts a valid escape
  EXPECT_EQ(percent_decode("%2541", true), "%41");  // decoded once only
}

// ---- parse_target: path ----

TEST(QueryStringPath, ExampleFromBrief) {
  auto t = parse_target("/api/v2/people/?page=2&filter=email%20eq%20'a%40b.c'");
  EXPECT_EQ(t.path, "/api/v2/people");
  EXPECT_EQ(t.param("page"), "2");
  EXPECT_EQ(t.param("filter"), "email eq 'a@b.c'");
  EXPECT_EQ(t.query.size(), 2u);
}

TEST(QueryStringPath, TrailingSlashesRemoved) {
  EXPECT_EQ(parse_target("/api/v2/").path, "/api/v2");
  EXPECT_EQ(parse_target("/api/v2").path, "/api/v2");
  EXPECT_EQ(parse_target("/api/v2///").path, "/api/v2");
  EXPECT_EQ(parse_target("/api/v2/people/?page=1").path, "/api/v2/people");
}

TEST(QueryStringPath, RootStaysRoot) {
  EXPECT_EQ(parse_target("/").path, "/");
  EXPECT_EQ(parse_target("//").path, "/");
  EXPECT_EQ(parse_target("/?a=1").path, "/");
  EXPECT_EQ(parse_target("").path, "/");
  EXPECT_EQ(parse_target("?a=1").path, "/");
}

TEST(QueryStringPath, DuplicateSlashesCollapsed) {
  EXPECT_EQ(parse_target("//api//v2///people").path, "/api/v2/people");
  EXPECT_EQ(parse_target("/api/v2/petitions//abc/signatures/").path, "/api/v2/petitions/abc/signatures");
}

TEST(QueryStringPath, PercentDecodedWithoutPlusAsSpace) {
  EXPECT_EQ(parse_target("/api/v2/tags/a%20b").path, "/api/v2/tags/a b");
  EXPECT_EQ(parse_target("/api/v2/tags/a+b").path, "/api/v2/tags/a+b");
  EXPECT_EQ(parse_target("/api/%76%32/people").path, "/api/v2/people");
  EXPECT_EQ(parse_target("/api/v2/x%zz").path, "/api/v2/x%zz");
  EXPECT_EQ(parse_target("/api/v2/x%").path, "/api/v2/x%");
}

TEST(QueryStringPath, EncodedSlashesNormalisedToo) {
  EXPECT_EQ(parse_target("/api/v2/people%2F").path, "/api/v2/people");
  EXPECT_EQ(parse_target("/api%2F%2Fv2").path, "/api/v2");
}

TEST(QueryStringPath, AbsoluteFormReducedToPath) {
  auto t = parse_target("https://actionnetwork.org/api/v2/people/?page=3");
  EXPECT_EQ(t.path, "/api/v2/people");
  EXPECT_EQ(t.param("page"), "3");
  EXPECT_EQ(parse_target("HTTP://host:8080/api/v2").path, "/api/v2");
  EXPECT_EQ(parse_target("http://host").path, "/");
  EXPECT_EQ(parse_target("http://host?a=b").param("a"), "b");
}

// ---- parse_target: query ----

TEST(QueryStringQuery, NoQuery) {
  auto t = parse_target("/api/v2/people");
  EXPECT_TRUE(t.query.empty());
  EXPECT_EQ(t.param("page"), std::nullopt);
}

TEST(QueryStringQuery, EmptyQuery) {
  auto t = parse_target("/api/v2/people?");
  EXPECT_EQ(t.path, "/api/v2/people");
  EXPECT_TRUE(t.query.empty());
}

TEST(QueryStringQuery, PlusIsSpaceInValues) {
  // Python requests encodes spaces as '+'.
  auto t = parse_target("/api/v2/people?filter=email+eq+%27jdoe%40mail.com%27");
  EXPECT_EQ(t.param("filter"), "email eq 'jdoe@mail.com'");
}

TEST(QueryStringQuery, EncodedPlusSurvivesRawPlusDoesNot) {
  EXPECT_EQ(parse_target("/p?filter=phone_number+eq+%27%2B12223334444%27").param("filter"),
            "phone_number eq '+12223334444'");
  EXPECT_EQ(parse_target("/p?filter=phone_number eq '+12223334444'").param("filter"),
            "phone_number eq ' 12223334444'");
}

TEST(QueryStringQuery, PartlyEncodedValue) {
  auto t = parse_target("/api/v2/people?filter=email eq 'jdoe%40mail.com'");
  EXPECT_EQ(t.param("filter"), "email eq 'jdoe@mail.com'");
}

TEST(QueryStringQuery, KeysAreDecoded) {
  auto t = parse_target("/p?per%5Fpage=25&a+b=c");
  EXPECT_EQ(t.param("per_page"), "25");
  EXPECT_EQ(t.param("a b"), "c");
}

TEST(QueryStringQuery, KeyWithoutEqualsHasEmptyValue) {
  auto t = parse_target("/p?background_request&page=2&flag");
  EXPECT_EQ(t.param("background_request"), "");
  EXPECT_EQ(t.param("flag"), "");
  EXPECT_EQ(t.param("page"), "2");
}

TEST(QueryStringQuery, EmptyValue) {
  EXPECT_EQ(parse_target("/p?filter=").param("filter"), "");
}

TEST(QueryStringQuery, ValueMayContainEquals) {
  EXPECT_EQ(parse_target("/p?token=abc==&x=a=b").param("token"), "abc==");
  EXPECT_EQ(parse_target("/p?x=a=b").param("x"), "a=b");
  EXPECT_EQ(parse_target("/p?x=a%3Db").param("x"), "a=b");
}

TEST(QueryStringQuery, EncodedSeparatorsDoNotSplit) {
  auto t = parse_target("/p?filter=a%26b%3Dc&d=e");
  EXPECT_EQ(t.param("filter"), "a&b=c");
  EXPECT_EQ(t.param("d"), "e");
  EXPECT_EQ(t.query.size(), 2u);
}

TEST(QueryStringQuery, EmptySegmentsSkipped) {
  auto t = parse_target("/p?&&a=1&&b=2&");
  EXPECT_EQ(t.query.size(), 2u);
  EXPECT_EQ(t.param("a"), "1");
  EXPECT_EQ(t.param("b"), "2");
}

TEST(QueryStringQuery, RepeatedKeysKeptFirstWins) {
  auto t = parse_target("/p?page=1&page=2&page=3");
  EXPECT_EQ(t.query.count("page"), 3u);
  EXPECT_EQ(t.param("page"), "1");
  auto [b, e] = t.query.equal_range("page");
  std::vector<std::string> all;
  for (auto it = b; it != e; ++it) all.push_back(it->second);
  EXPECT_EQ(all, (std::vector<std::string>{"1", "2", "3"}));
}

TEST(QueryStringQuery, ParamIsCaseSensitiveAndExact) {
  auto t = parse_target("/p?Page=2&pages=3");
  EXPECT_EQ(t.param("page"), std::nullopt);
  EXPECT_EQ(t.param("Page"), "2");
  EXPECT_EQ(t.param("pages"), "3");
}

TEST(QueryStringQuery, SecondQuestionMarkBelongsToQuery) {
  auto t = parse_target("/p?a=b?c&d=?");
  EXPECT_EQ(t.path, "/p");
  EXPECT_EQ(t.param("a"), "b?c");
  EXPECT_EQ(t.param("d"), "?");
}

TEST(QueryStringQuery, InvalidEscapesInQueryKept) {
  auto t = parse_target("/p?discount=100%&x=%zz");
  EXPECT_EQ(t.param("discount"), "100%");
  EXPECT_EQ(t.param("x"), "%zz");
}

TEST(QueryStringQuery, DecodedFilterFeedsParser) {
  // End to end: what Parsons (requests) sends for a phone lookup.
  auto t = parse_target("/api/v2/people/?filter=phone_number+eq+%27%2B12223334444%27&page=1");
  auto raw = t.param("filter");
  ASSERT_TRUE(raw.has_value());
  auto f = parse_filter(*raw);
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->clauses.size(), 1u);
  EXPECT_EQ(f->clauses[0].field, "phone_number");
  EXPECT_EQ(f->clauses[0].value, "+12223334444");
}

// ---- Robustness ----

TEST(QueryStringFuzz, RandomBytesNeverCrash) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> len(0, 96);
  std::uniform_int_distribution<int> byte(0, 255);
  const std::string alphabet = "/?&=%+ab2F";  // biased towards the characters that matter
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  for (int i = 0; i < 4000; ++i) {
    std::string s(static_cast<size_t>(len(rng)), '\0');
    const bool biased = i % 2 == 0;
    for (char& c : s) c = biased ? alphabet[pick(rng)] : static_cast<char>(byte(rng));
    auto t = parse_target(s);
    ASSERT_FALSE(t.path.empty());
    EXPECT_TRUE(t.path == "/" || t.path.back() != '/') << t.path;
    EXPECT_EQ(t.path.find("//"), std::string::npos) << t.path;
    EXPECT_LE(percent_decode(s, true).size(), s.size());
    EXPECT_LE(percent_decode(s, false).size(), s.size());
  }
}

}  // namespace
}  // namespace tocsin::api
