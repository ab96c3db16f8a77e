// The ?filter= parser: the exact expressions real Action Network clients send parse as intended, malformed
// input yields a 400 naming the problem, and random bytes never crash it.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/odata_filter.h"

namespace tocsin::api {
namespace {

// Parses an expression that must be valid and holds exactly one clause.
FilterClause single(std::string_view expr) {
  auto f = parse_filter(expr);
  EXPECT_TRUE(f.ok()) << expr << " -> " << (f.ok() ? "" : f.error().message);
  if (!f.ok()) return {};
  EXPECT_EQ(f->clauses.size(), 1u) << expr;
  if (f->clauses.size() != 1) return {};
  return f->clauses[0];
}

// Parses an expression that must be rejected; returns the message.
std::string error_of(std::string_view expr) {
  auto f = parse_filter(expr);
  EXPECT_FALSE(f.ok()) << "accepted: " << expr;
  if (f.ok()) return {};
  EXPECT_EQ(f.error().http_status, 400) << expr;
  EXPECT_EQ(f.error().message.rfind("invalid filter: ", 0), 0u) << f.error().message;
  return f.error().message;
}

// ---- Expressions real clients send ----

TEST(ODataFilter, EmailAlias) {
  auto c = single("email eq 'jdoe@mail.com'");
  EXPECT_EQ(c.field, "email");
  EXPECT_EQ(c.op, FilterOp::kEq);
  EXPECT_EQ(c.value, "jdoe@mail.com");
}

TEST(ODataFilter, EmailAddress) {
  auto c = single("email_address eq 'jdoe@mail.com'");
  EXPECT_EQ(c.field, "email_address");
  EXPECT_EQ(c.value, "jdoe@mail.com");
}

TEST(ODataFilter, TwoClausesJoinedByAnd) {
  auto f = parse_filter("email_address eq 'a@b.c' and given_name eq 'John'");
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->clauses.size(), 2u);
  EXPECT_EQ(f->clauses[0].field, "email_address");
  EXPECT_EQ(f->clauses[0].op, FilterOp::kEq);
  EXPECT_EQ(f->clauses[0].value, "a@b.c");
  EXPECT_EQ(f->clauses[1].field, "given_name");
  EXPECT_EQ(f->clauses[1].op, FilterOp::kEq);
  EXPECT_EQ(f->clauses[1].value, "John");
}

TEST(ODataFilter, ModifiedDateGreaterThanDateTime) {
  auto c = single("modified_date gt '2014-03-25T15:26:45Z'");
  EXPECT_EQ(c.field, "modified_date");
  EXPECT_EQ(c.op, FilterOp::kGt);
  EXPECT_EQ(c.value, "2014-03-25T15:26:45Z");
}

TEST(ODataFilter, ModifiedDateGreaterThanDate) {
  auto c = single("modified_date gt '2014-03-25'");
  EXPECT_EQ(c.op, FilterOp::kGt);
  EXPECT_EQ(c.value, "2014-03-25");
}

TEST(ODataFilter, CreatedDateLessThan) {
  auto c = single("created_date lt '2020-01-01'");
  EXPECT_EQ(c.field, "created_date");
  EXPECT_EQ(c.op, FilterOp::kLt);
  EXPECT_EQ(c.value, "2020-01-01");
}

TEST(ODataFilter, PhoneNumberKeepsPlus) {
  auto c = single("phone_number eq '+12223334444'");
  EXPECT_EQ(c.field, "phone_number");
  EXPECT_EQ(c.value, "+12223334444");
}

TEST(ODataFilter, TagName) {
  auto c = single("name eq 'Volunteers'");
  EXPECT_EQ(c.field, "name");
  EXPECT_EQ(c.value, "Volunteers");
}

TEST(ODataFilter, IdentifierWithColonInValue) {
  auto c = single("identifier eq 'action_network:d91b4b2e-ae0e-4cd3-9ed7-d0ec501b0bc3'");
  EXPECT_EQ(c.field, "identifier");
  EXPECT_EQ(c.value, "action_network:d91b4b2e-ae0e-4cd3-9ed7-d0ec501b0bc3");
}

TEST(ODataFilter, DoubledSingleQuoteIsEscape) {
  auto c = single("given_name eq 'O''Brien'");
  EXPECT_EQ(c.field, "given_name");
  EXPECT_EQ(c.value, "O'Brien");
}

TEST(ODataFilter, TitleWithSpacesAndAndInsideValue) {
  auto c = single("title eq 'Save the whales and the seals'");
  EXPECT_EQ(c.field, "title");
  EXPECT_EQ(c.value, "Save the whales and the seals");
}

// ---- Operators ----

TEST(ODataFilter, AllOperators) {
  EXPECT_EQ(single("a eq 'x'").op, FilterOp::kEq);
  EXPECT_EQ(single("a ne 'x'").op, FilterOp::kNe);
  EXPECT_EQ(single("a gt 'x'").op, FilterOp::kGt);
  EXPECT_EQ(single("a ge 'x'").op, FilterOp::kGe);
  EXPECT_EQ(single("a lt 'x'").op, FilterOp::kLt);
  EXPECT_EQ(single("a le 'x'").op, FilterOp::kLe);
}

TEST(ODataFilter, KeywordsAreCaseInsensitive) {
  auto f = parse_filter("given_name EQ 'Ann' AND family_name Gt 'B' aNd region Le 'NY'");
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->clauses.size(), 3u);
  EXPECT_EQ(f->clauses[0].op, FilterOp::kEq);
  EXPECT_EQ(f->clauses[1].op, FilterOp::kGt);
  EXPECT_EQ(f->clauses[2].op, FilterOp::kLe);
  EXPECT_EQ(f->clauses[2].value, "NY");
}

TEST(ODataFilter, FieldIsLowerCasedValueIsNot) {
  auto c = single("Email_Address eq 'JDoe@Mail.COM'");
  EXPECT_EQ(c.field, "email_address");
  EXPECT_EQ(c.value, "JDoe@Mail.COM");
}

TEST(ODataFilter, FieldMayHoldDigitsColonsDots) {
  EXPECT_EQ(single("custom_fields.level2 eq 'x'").field, "custom_fields.level2");
  EXPECT_EQ(single("action_network:person_id eq 'x'").field, "action_network:person_id");
}

// ---- Values ----

TEST(ODataFilter, DoubleQuotedValue) {
  EXPECT_EQ(single("name eq \"Volunteers\"").value, "Volunteers");
  EXPECT_EQ(single("name eq \"O'Brien\"").value, "O'Brien");
  EXPECT_EQ(single("name eq \"say \"\"hi\"\"\"").value, "say \"hi\"");
}

TEST(ODataFilter, EmptyQuotedValue) {
  EXPECT_EQ(single("family_name eq ''").value, "");
  EXPECT_EQ(single("family_name eq \"\"").value, "");
}

TEST(ODataFilter, OnlyEscapedQuote) {
  EXPECT_EQ(single("a eq ''''").value, "'");
}

TEST(ODataFilter, UnquotedValues) {
  EXPECT_EQ(single("count gt 5").value, "5");
  EXPECT_EQ(single("amount le -12.50").value, "-12.50");
  EXPECT_EQ(single("active eq true").value, "true");
  EXPECT_EQ(single("active eq FALSE").value, "FALSE");
  EXPECT_EQ(single("modified_date gt 2014-03-25").value, "2014-03-25");
  EXPECT_EQ(single("phone_number eq +12223334444").value, "+12223334444");
}

TEST(ODataFilter, UnquotedThenAnd) {
  auto f = parse_filter("a eq 1 and b eq true");
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->clauses.size(), 2u);
  EXPECT_EQ(f->clauses[0].value, "1");
  EXPECT_EQ(f->clauses[1].value, "true");
}

TEST(ODataFilter, ValueKeepsInnerWhitespaceAndUtf8) {
  EXPECT_EQ(single("given_name eq '  José  '").value, "  José  ");
  EXPECT_EQ(single("region eq 'a\tb'").value, "a\tb");
}

TEST(ODataFilter, ValueMayContainOperatorsAndQuotesOfOtherKind) {
  EXPECT_EQ(single("title eq 'x eq \"y\" and z'").value, "x eq \"y\" and z");
}

// ---- Whitespace ----

TEST(ODataFilter, LeadingTrailingAndRepeatedWhitespace) {
  auto f = parse_filter("  \t email   eq\t'a@b.c'\n and\r\n  given_name  eq  'J'   ");
  ASSERT_TRUE(f.ok()) << f.error().message;
  ASSERT_EQ(f->clauses.size(), 2u);
  EXPECT_EQ(f->clauses[0].value, "a@b.c");
  EXPECT_EQ(f->clauses[1].value, "J");
}

TEST(ODataFilter, NoSpaceBeforeQuotedValue) {
  EXPECT_EQ(single("email eq'a@b.c'").value, "a@b.c");
}

TEST(ODataFilter, ManyClauses) {
  std::string expr;
  for (int i = 0; i < 50; ++i) expr += (i ? " and " : "") + std::string("f") + std::to_string(i) + " eq 'v'";
  auto f = parse_filter(expr);
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->clauses.size(), 50u);
  EXPECT_EQ(f->clauses[49].field, "f49");
}

// ---- Malformed input ----

TEST(ODataFilter, EmptyExpression) {
  EXPECT_EQ(error_of(""), "invalid filter: empty expression");
  EXPECT_EQ(error_of("   \t "), "invalid filter: empty expression");
}

TEST(ODataFilter, MissingValue) {
  EXPECT_EQ(error_of("email eq"), "invalid filter: expected a value after 'eq' at 8");
  EXPECT_EQ(error_of("email eq   "), "invalid filter: expected a value after 'eq' at 11");
}

TEST(ODataFilter, MissingOperator) {
  EXPECT_EQ(error_of("email"), "invalid filter: expected operator after 'email' at 5");
  EXPECT_EQ(error_of("email 'x'"),
            "invalid filter: expected operator after 'email' at 6, found a single quote");
}

TEST(ODataFilter, MissingField) {
  EXPECT_EQ(error_of("eq 'x'"), "invalid filter: expected a field name at 0, found keyword 'eq'");
  EXPECT_EQ(error_of("'x' eq 'y'"), "invalid filter: expected a field name at 0, found a single quote");
}

TEST(ODataFilter, UnknownOperator) {
  EXPECT_EQ(error_of("email foo 'x'"),
            "invalid filter: unknown operator 'foo' at 6 (expected eq, ne, gt, ge, lt or le)");
  EXPECT_NE(error_of("email = 'x'").find("expected operator after 'email' at 6, found '='"),
            std::string::npos);
  EXPECT_NE(error_of("email eqq 'x'").find("unknown operator 'eqq'"), std::string::npos);
  EXPECT_NE(error_of("email contains 'x'").find("unknown operator 'contains'"), std::string::npos);
}

TEST(ODataFilter, UnterminatedQuote) {
  EXPECT_EQ(error_of("email eq 'unterminated"), "invalid filter: unterminated quoted value starting at 9");
  EXPECT_EQ(error_of("email eq \"unterminated"), "invalid filter: unterminated quoted value starting at 9");
  EXPECT_NE(error_of("a eq 'it''s").find("unterminated"), std::string::npos);
  EXPECT_NE(error_of("a eq '").find("unterminated"), std::string::npos);
  EXPECT_NE(error_of("a eq 'x\"").find("unterminated"), std::string::npos);  // mismatched quotes
}

TEST(ODataFilter, DanglingAnd) {
  EXPECT_EQ(error_of("a eq 'b' and"), "invalid filter: expected a clause after 'and' at 12");
  EXPECT_EQ(error_of("a eq 'b' and   "), "invalid filter: expected a clause after 'and' at 15");
  EXPECT_NE(error_of("a eq 'b' and and c eq 'd'").find("found keyword 'and'"), std::string::npos);
}

TEST(ODataFilter, LeadingAnd) {
  EXPECT_EQ(error_of("and a eq 'b'"), "invalid filter: expected a field name at 0, found keyword 'and'");
}

TEST(ODataFilter, OrIsUnsupported) {
  EXPECT_EQ(error_of("a eq 'b' or c eq 'd'"),
            "invalid filter: unsupported operator 'or' at 9 (only 'and' may join clauses)");
  EXPECT_NE(error_of("a eq 'b' OR c eq 'd'").find("unsupported operator 'or'"), std::string::npos);
}

TEST(ODataFilter, NotAndParenthesesAreUnsupported) {
  EXPECT_NE(error_of("not a eq 'b'").find("found keyword 'not'"), std::string::npos);
  EXPECT_NE(error_of("(a eq 'b')").find("parentheses are not supported"), std::string::npos);
  EXPECT_NE(error_of("a eq 'b' and (c eq 'd')").find("parentheses are not supported"), std::string::npos);
  EXPECT_NE(error_of("a eq (1)").find("expected a value after 'eq' at 5, found '('"), std::string::npos);
}

TEST(ODataFilter, ClausesWithoutAnd) {
  EXPECT_EQ(error_of("a eq 'b' c eq 'd'"), "invalid filter: expected 'and' or end of filter at 9, found 'c'");
  EXPECT_EQ(error_of("a eq 'b' 'c'"),
            "invalid filter: expected 'and' or end of filter at 9, found a single quote");
  EXPECT_NE(error_of("a eq 'b'x").find("found 'x'"), std::string::npos);
  EXPECT_NE(error_of("a eq 'b' andy eq 'c'").find("found 'andy'"), std::string::npos);
}

TEST(ODataFilter, UnquotedKeywordIsNotAValue) {
  EXPECT_NE(error_of("a eq and").find("found keyword 'and'"), std::string::npos);
  EXPECT_NE(error_of("a eq or").find("found keyword 'or'"), std::string::npos);
}

TEST(ODataFilter, BadCharactersInFieldAreNamed) {
  EXPECT_NE(error_of("em@il eq 'x'").find("expected operator after 'em' at 2, found '@'"), std::string::npos);
  EXPECT_NE(error_of("a-b eq 'x'").find("found '-'"), std::string::npos);
}

TEST(ODataFilter, ControlAndHighBytesAreNotEchoedRaw) {
  const std::string msg = error_of(std::string("a \x01 'x'"));
  EXPECT_NE(msg.find("byte 0x01"), std::string::npos) << msg;
  const std::string msg2 = error_of("\xC3\xA9 eq 'x'");
  EXPECT_NE(msg2.find("byte 0xC3"), std::string::npos) << msg2;
  EXPECT_EQ(msg2.find('\xC3'), std::string::npos);
}

TEST(ODataFilter, EmbeddedNulIsHandled) {
  const std::string with_nul("a eq 'x\0y'", 10);
  EXPECT_EQ(single(with_nul).value, std::string("x\0y", 3));
  EXPECT_NE(error_of(std::string("a\0eq 'x'", 8)).find("byte 0x00"), std::string::npos);
}

// ---- compare ----

TEST(ODataFilterCompare, Equality) {
  EXPECT_TRUE(compare("a@b.c", FilterOp::kEq, "a@b.c"));
  EXPECT_FALSE(compare("a@b.c", FilterOp::kEq, "A@B.C"));  // case-sensitive
  EXPECT_FALSE(compare("a@b.c", FilterOp::kNe, "a@b.c"));
  EXPECT_TRUE(compare("a@b.c", FilterOp::kNe, "x@b.c"));
  EXPECT_TRUE(compare("", FilterOp::kEq, ""));
}

TEST(ODataFilterCompare, OrderingIsLexicographic) {
  EXPECT_TRUE(compare("2014-03-26", FilterOp::kGt, "2014-03-25"));
  EXPECT_FALSE(compare("2014-03-25", FilterOp::kGt, "2014-03-25"));
  EXPECT_TRUE(compare("2014-03-25", FilterOp::kGe, "2014-03-25"));
  EXPECT_TRUE(compare("2014-03-24", FilterOp::kLt, "2014-03-25"));
  EXPECT_TRUE(compare("2014-03-25", FilterOp::kLe, "2014-03-25"));
  EXPECT_FALSE(compare("2014-03-26", FilterOp::kLe, "2014-03-25"));
  // A datetime sorts after its own date prefix.
  EXPECT_TRUE(compare("2014-03-25T15:26:45Z", FilterOp::kGt, "2014-03-25"));
  // Strings, not numbers: "10" < "9".
  EXPECT_TRUE(compare("10", FilterOp::kLt, "9"));
  EXPECT_TRUE(compare("abc", FilterOp::kGt, "ab"));
  EXPECT_TRUE(compare("", FilterOp::kLt, "a"));
}

TEST(ODataFilterCompare, HighBytesSortAfterAscii) {
  EXPECT_TRUE(compare("\xC3\xA9", FilterOp::kGt, "z"));
}

// ---- Robustness ----

void expect_well_formed_result(const std::string& input) {
  auto f = parse_filter(input);
  if (f.ok()) {
    EXPECT_FALSE(f->clauses.empty());
    for (const auto& c : f->clauses) EXPECT_FALSE(c.field.empty());
  } else {
    EXPECT_EQ(f.error().http_status, 400);
    EXPECT_EQ(f.error().message.rfind("invalid filter: ", 0), 0u) << f.error().message;
  }
}

TEST(ODataFilterFuzz, RandomBytesNeverCrash) {
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> len(0, 80);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 4000; ++i) {
    std::string s(static_cast<size_t>(len(rng)), '\0');
    for (char& c : s) c = static_cast<char>(byte(rng));
    expect_well_formed_result(s);
  }
}

TEST(ODataFilterFuzz, RandomTokenSoupNeverCrashes) {
  // Biased towards meaningful pieces so the parser's deeper states are reached, not just the first error.
  const std::vector<std::string> pieces = {
      "email", "eq",        "gt", "lt", "and", "or", "AND", "'", "''",    "\"",   "'x'",
      " ",     "  ",        "\t", "(",  ")",   "1",  "+1",  "%", "a.b:c", "\xff", std::string(1, '\0'),
      "=",     "'O''Brien'"};
  std::mt19937 rng(7);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> count(0, 16);
  int accepted = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string s;
    for (int n = count(rng); n > 0; --n) s += pieces[pick(rng)];
    expect_well_formed_result(s);
    accepted += parse_filter(s).ok();
  }
  EXPECT_GT(accepted, 0);  // the soup does sometimes form valid filters
}

TEST(ODataFilterFuzz, MutatedValidExpressionsNeverCrash) {
  const std::string base = "email_address eq 'a@b.c' and given_name eq 'O''Brien' and modified_date gt 5";
  std::mt19937 rng(99);
  std::uniform_int_distribution<size_t> where(0, base.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 3000; ++i) {
    std::string s = base;
    for (int k = 0; k < 3; ++k) {
      switch (rng() % 3) {
        case 0:
          s[where(rng) % s.size()] = static_cast<char>(byte(rng));
          break;
        case 1:
          s.erase(where(rng) % s.size(), 1);
          break;
        default:
          s.resize(where(rng) % s.size());
          break;
      }
      if (s.empty()) break;
    }
    expect_well_formed_result(s);
  }
}

TEST(ODataFilterFuzz, VeryLongInputs) {
  expect_well_formed_result(std::string(100000, 'a'));
  expect_well_formed_result("a eq '" + std::string(100000, 'x'));
  expect_well_formed_result(std::string(100000, '\''));
  auto f = parse_filter("a eq '" + std::string(100000, 'x') + "'");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->clauses[0].value.size(), 100000u);
}

}  // namespace
}  // namespace tocsin::api
