#include "core/contact_point.h"
#include "core/text.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <sodium.h>

#include <cstddef>
#include <string>
#include <tuple>

namespace tocsin {

static_assert(crypto_generichash_BYTES == std::tuple_size_v<ContactHash>);
static_assert(crypto_generichash_KEYBYTES == 32);

namespace {

// sodium_init() is idempotent and thread-safe; calling it here keeps this module correct even if
// the caller forgot to initialize libsodium.
bool ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Echoes (a prefix of) client input into an error message: printable ASCII only, everything else
// (control bytes, quotes, non-ASCII) as \xNN, so the message is short, single-line and valid UTF-8.
std::string quoted(std::string_view raw) {
  constexpr size_t kMaxEcho = 64;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < raw.size() && i < kMaxEcho; ++i) {
    auto b = static_cast<unsigned char>(raw[i]);
    if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
      out.push_back(static_cast<char>(b));
    } else {
      out += "\\x";
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xf]);
    }
  }
  if (raw.size() > kMaxEcho) out += "...";
  out.push_back('"');
  return out;
}

Error invalid_email(std::string_view raw) {
  return bad_request("invalid email address: " + quoted(raw));
}
Error invalid_phone(std::string_view raw) {
  return bad_request("invalid phone number: " + quoted(raw));
}

// RFC 5322 "atext" plus '.', i.e. an unquoted dot-atom local part (no quoted strings, no SMTPUTF8).
bool is_local_char(char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~.";
  return is_alpha(c) || is_digit(c) || kSpecials.find(c) != std::string_view::npos;
}

bool valid_local_part(std::string_view local) {
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.') return false;
  if (local.find("..") != std::string_view::npos) return false;
  for (char c : local) {
    if (!is_local_char(c)) return false;
  }
  return true;
}

// DNS host name: dot-separated LDH labels of 1..63 octets, no leading/trailing hyphen. IDNs must
// already be in punycode ("xn--..."), which this accepts as ordinary LDH labels.
bool valid_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 255) return false;
  if (domain.find('.') == std::string_view::npos) return false;
  std::string_view last_label;
  size_t start = 0;
  while (true) {
    size_t dot = domain.find('.', start);
    std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!is_alpha(c) && !is_digit(c) && c != '-') return false;
    }
    last_label = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // An all-numeric top-level label is an IP address in disguise, not a mail domain.
  bool tld_has_non_digit = false;
  for (char c : last_label) tld_has_non_digit |= !is_digit(c);
  return tld_has_non_digit;
}

// Characters a person plausibly types in a phone number. Letters are refused on purpose: no vanity
// numbers ("1-800-FLOWERS") and no extensions ("x12"), which libphonenumber would otherwise quietly
// turn into digits or drop.
bool is_phone_char(char c) {
  return is_digit(c) || c == ' ' || c == '\t' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' ||
         c == '+';
}

}  // namespace

const char* channel_name(Channel c) {
  switch (c) {
    case Channel::kEmail:
      return "email";
    case Channel::kSms:
      return "sms";
  }
  return "unknown";
}

// Pragmatic validator for addresses people actually submit, not a full RFC 5322 parser.
Result<std::string> normalize_email(std::string_view raw) {
  std::string_view s = trim_ascii_space(raw);
  if (s.empty() || s.size() > 254) return invalid_email(raw);
  size_t at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) {
    return invalid_email(raw);
  }
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  if (!valid_local_part(local) || !valid_domain(domain)) return invalid_email(raw);

  std::string out(s);
  for (size_t i = at + 1; i < out.size(); ++i) {
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  }
  return out;
}

// Local parts are ASCII only (valid_local_part), so ASCII folding is the whole case-fold.
std::string email_match_key(std::string_view normalized) {
  return lower_ascii(normalized);
}

bool same_email(std::string_view a, std::string_view b) {
  return email_match_key(a) == email_match_key(b);
}

Result<std::string> normalize_phone(std::string_view raw, std::string_view default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;

  // Longer than any formatted E.164 number (15 digits) plus generous punctuation.
  constexpr size_t kMaxInput = 32;
  std::string_view s = trim_ascii_space(raw);
  if (s.empty() || s.size() > kMaxInput) return invalid_phone(raw);
  size_t digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!is_phone_char(c)) return invalid_phone(raw);
    if (c == '+' && i != 0) return invalid_phone(raw);
    digits += is_digit(c) ? 1 : 0;
  }
  if (digits == 0) return invalid_phone(raw);
  const bool bare_digits = digits == s.size();

  std::string region(default_region);
  for (char& c : region) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }

  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  struct Candidate {
    bool parsed = false;
    PhoneNumber number;
  };
  auto parse = [&](const std::string& text) {
    Candidate cand;
    cand.parsed = util->Parse(text, region, &cand.number) == PhoneNumberUtil::NO_PARSING_ERROR;
    return cand;
  };
  auto valid = [&](const Candidate& c) { return c.parsed && util->IsValidNumber(c.number); };
  // Full-length for the country; "local only" numbers (no area code) cannot be turned into E.164.
  // In the North American plan an area code never starts with 0 or 1, whatever the metadata's age.
  auto possible = [&](const Candidate& c) {
    if (!c.parsed || util->IsPossibleNumberWithReason(c.number) != PhoneNumberUtil::IS_POSSIBLE) return false;
    if (c.number.country_code() != 1) return true;
    std::string nsn;
    util->GetNationalSignificantNumber(c.number, &nsn);
    return !nsn.empty() && nsn[0] >= '2';
  };
  auto e164 = [&](const Candidate& c) -> Result<std::string> {
    std::string out;
    util->Format(c.number, PhoneNumberUtil::E164, &out);
    return out;
  };

  // Bare digits may be Action Network's display form (E.164 without '+'); when the default region does
  // not give a valid number, a leading '+' is tried. A valid reading beats a merely possible one, and
  // among possible readings the default region wins. Possible-but-unassigned numbers are accepted (the
  // 2022 metadata in Debian 12 calls AN's own example 12021234444 invalid) so that fixtures and numbers
  // in newer area codes are not refused.
  Candidate national = parse(std::string(s));
  if (bare_digits) {
    if (valid(national)) return e164(national);
    Candidate international = parse("+" + std::string(s));
    if (valid(international)) return e164(international);
    if (possible(national)) return e164(national);
    if (possible(international)) return e164(international);
    return invalid_phone(raw);
  }
  // Not bare digits: the one reading is accepted when valid or possible. IsValidNumber (regular expressions
  // for every number type) costs as much as the parse itself, the length check behind possible() a tenth of
  // it, so the cheap test goes first; the result is the same either way.
  if (possible(national) || valid(national)) return e164(national);
  return invalid_phone(raw);
}

std::string phone_for_display(std::string_view e164) {
  if (!e164.empty() && e164.front() == '+') e164.remove_prefix(1);
  return std::string(e164);
}

ContactHash ContactHasher::hash(Channel channel, std::string_view normalized) const {
  ensure_sodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_.data(), key_.size(), crypto_generichash_BYTES);
  const unsigned char tag = channel == Channel::kEmail ? 0 : 1;
  crypto_generichash_update(&state, &tag, 1);
  const std::string folded = channel == Channel::kEmail ? email_match_key(normalized) : std::string();
  const std::string_view key = channel == Channel::kEmail ? std::string_view(folded) : normalized;
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  ContactHash out;
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

std::optional<ContactHash> contact_hash_from_hex(std::string_view hex) {
  ContactHash h{};
  size_t n = 0;
  if (hex.size() != h.size() * 2 ||
      sodium_hex2bin(h.data(), h.size(), hex.data(), hex.size(), nullptr, &n, nullptr) != 0 || n != h.size())
    return std::nullopt;
  return h;
}

std::string to_hex(const ContactHash& h) {
  std::string hex(h.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), h.data(), h.size());
  hex.pop_back();
  return hex;
}

}  // namespace tocsin
