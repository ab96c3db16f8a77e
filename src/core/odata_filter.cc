// Hand-written parser: no Debian-packaged library parses this small OData $filter subset (field op value [and
// ...]).
#include "core/odata_filter.h"

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/text.h"

namespace tocsin {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Characters allowed in a field name (and, by the same scan, in keywords).
bool is_word_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '_' || c == ':' || c == '.';
}

bool is_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// An unquoted value (a number, true/false, a bare date) runs until whitespace; quotes, parentheses and
// control characters end it too.
bool is_bare_value_char(char c) {
  return !is_space(c) && !is_control(c) && c != '\'' && c != '"' && c != '(' && c != ')';
}

std::optional<FilterOp> op_from(std::string_view lowered) {
  if (lowered == "eq") return FilterOp::kEq;
  if (lowered == "ne") return FilterOp::kNe;
  if (lowered == "gt") return FilterOp::kGt;
  if (lowered == "ge") return FilterOp::kGe;
  if (lowered == "lt") return FilterOp::kLt;
  if (lowered == "le") return FilterOp::kLe;
  return std::nullopt;
}

bool is_keyword(std::string_view lowered) {
  return op_from(lowered) || lowered == "and" || lowered == "or" || lowered == "not";
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<Filter> parse() {
    Filter filter;
    skip_space();
    if (at_end()) return fail("empty expression");
    for (;;) {
      auto clause = parse_clause();
      if (!clause) return clause.error();
      filter.clauses.push_back(std::move(clause).value());

      skip_space();
      if (at_end()) return filter;
      const size_t at = pos_;
      const std::string_view word = read_word();
      const std::string joiner = lower_ascii(word);
      if (joiner == "and") {
        skip_space();
        if (at_end()) return fail("expected a clause after 'and' at " + std::to_string(pos_));
        continue;
      }
      if (joiner == "or" || joiner == "not")
        return fail("unsupported operator '" + joiner + "' at " + std::to_string(at) +
                    " (only 'and' may join clauses)");
      if (word.empty())
        return fail("expected 'and' or end of filter at " + std::to_string(at) + ", found " +
                    describe_here());
      return fail("expected 'and' or end of filter at " + std::to_string(at) + ", found '" +
                  std::string(word) + "'");
    }
  }

 private:
  Result<FilterClause> parse_clause() {
    FilterClause clause;

    // Field.
    size_t at = pos_;
    if (peek() == '(' || peek() == ')')
      return fail("parentheses are not supported (at " + std::to_string(at) + ")");
    const std::string_view field = read_word();
    if (field.empty())
      return fail("expected a field name at " + std::to_string(at) + ", found " + describe_here());
    clause.field = lower_ascii(field);
    if (is_keyword(clause.field))
      return fail("expected a field name at " + std::to_string(at) + ", found keyword '" + clause.field +
                  "'");

    // Operator.
    skip_space();
    at = pos_;
    if (at_end())
      return fail("expected operator after '" + std::string(field) + "' at " + std::to_string(at));
    const std::string_view op_word = read_word();
    if (op_word.empty())
      return fail("expected operator after '" + std::string(field) + "' at " + std::to_string(at) +
                  ", found " + describe_here());
    const std::string op_lower = lower_ascii(op_word);
    const auto op = op_from(op_lower);
    if (!op)
      return fail("unknown operator '" + std::string(op_word) + "' at " + std::to_string(at) +
                  " (expected eq, ne, gt, ge, lt or le)");
    clause.op = *op;

    // Value.
    skip_space();
    at = pos_;
    if (at_end()) return fail("expected a value after '" + op_lower + "' at " + std::to_string(at));
    const char c = peek();
    if (c == '\'' || c == '"') {
      auto value = read_quoted(c);
      if (!value) return value.error();
      clause.value = std::move(value).value();
      return clause;
    }
    const size_t begin = pos_;
    while (!at_end() && is_bare_value_char(peek())) ++pos_;
    const std::string_view bare = s_.substr(begin, pos_ - begin);
    if (bare.empty())
      return fail("expected a value after '" + op_lower + "' at " + std::to_string(at) + ", found " +
                  describe_here());
    const std::string bare_lower = lower_ascii(bare);
    if (bare_lower == "and" || bare_lower == "or" || bare_lower == "not")
      return fail("expected a value after '" + op_lower + "' at " + std::to_string(at) + ", found keyword '" +
                  bare_lower + "'");
    clause.value = std::string(bare);
    return clause;
  }

  // At an opening quote: reads to the matching close, a doubled quote standing for one quote character.
  Result<std::string> read_quoted(char quote) {
    const size_t open = pos_;
    ++pos_;
    std::string value;
    while (!at_end()) {
      const char c = s_[pos_++];
      if (c != quote) {
        value.push_back(c);
        continue;
      }
      if (!at_end() && peek() == quote) {  // '' inside '...' (or "" inside "...")
        value.push_back(quote);
        ++pos_;
        continue;
      }
      return value;
    }
    return fail("unterminated quoted value starting at " + std::to_string(open));
  }

  std::string_view read_word() {
    const size_t begin = pos_;
    while (!at_end() && is_word_char(peek())) ++pos_;
    return s_.substr(begin, pos_ - begin);
  }

  // Names the character at the current position without echoing raw control or non-ASCII bytes.
  std::string describe_here() const {
    if (at_end()) return "end of filter";
    const auto u = static_cast<unsigned char>(peek());
    if (u == '\'') return "a single quote";
    if (u == '"') return "a double quote";
    if (u >= 0x20 && u < 0x7f) return std::string("'") + static_cast<char>(u) + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02X", static_cast<unsigned>(u));
    return buf;
  }

  void skip_space() {
    while (!at_end() && is_space(peek())) ++pos_;
  }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }

  static Error fail(const std::string& what) { return bad_request("invalid filter: " + what); }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Result<Filter> parse_filter(std::string_view expression) {
  return Parser(expression).parse();
}

namespace {
// Whether `op` holds for a three-way comparison result c (<0, 0, >0).
bool holds(int c, FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return c == 0;
    case FilterOp::kNe:
      return c != 0;
    case FilterOp::kGt:
      return c > 0;
    case FilterOp::kGe:
      return c >= 0;
    case FilterOp::kLt:
      return c < 0;
    case FilterOp::kLe:
      return c <= 0;
  }
  return false;
}
}  // namespace

bool compare(std::string_view field_value, FilterOp op, std::string_view clause_value) {
  return holds(field_value.compare(clause_value), op);
}

bool compare(int64_t field_value, FilterOp op, int64_t clause_value) {
  return holds(field_value < clause_value ? -1 : field_value > clause_value ? 1 : 0, op);
}

}  // namespace tocsin
