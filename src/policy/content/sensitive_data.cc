#include "policy/content/sensitive_data.h"

#include <re2/re2.h>

#include <string>
#include <vector>

namespace tocsin::policy::content {
namespace {

bool digit(char c) {
  return c >= '0' && c <= '9';
}

// A run of digits, possibly grouped by single spaces or dashes ("4111 1111 1111 1111").
struct DigitRun {
  size_t begin = 0, end = 0;
  std::string digits;
  bool plain = true;  // no separators
};

std::vector<DigitRun> digit_runs(std::string_view s) {
  std::vector<DigitRun> runs;
  for (size_t i = 0; i < s.size();) {
    if (!digit(s[i]) || (i > 0 && (is_word_byte(s[i - 1]) && !digit(s[i - 1])))) {
      ++i;
      continue;
    }
    DigitRun r;
    r.begin = i;
    size_t j = i;
    while (j < s.size()) {
      if (digit(s[j])) {
        r.digits += s[j++];
      } else if ((s[j] == ' ' || s[j] == '-') && j + 1 < s.size() && digit(s[j + 1]) && j > r.begin) {
        r.plain = false;
        ++j;
      } else {
        break;
      }
    }
    r.end = j;
    // A run glued to letters on its right ("123abc") is an identifier, not a number.
    if (j == s.size() || !is_word_byte(s[j])) runs.push_back(r);
    i = j + 1;
  }
  return runs;
}

std::string masked(std::string_view digits) {
  if (digits.size() <= 4) return std::string(digits);
  return std::string(digits.size() - 4, '*') + std::string(digits.substr(digits.size() - 4));
}

Finding block(std::string code, Part part, size_t b, size_t e, std::string excerpt, std::string sentence) {
  return Finding{Verdict::kBlock, std::move(code), part, b, e, std::move(excerpt), std::move(sentence)};
}

bool ssn_valid(std::string_view d) {
  int area = std::stoi(std::string(d.substr(0, 3)));
  return area != 0 && area != 666 && area < 900 && d.substr(3, 2) != "00" && d.substr(5) != "0000";
}

// Within `window` bytes before `pos`, one of `words` (folded text).
bool near_before(const std::string& folded, size_t pos, size_t window,
                 std::initializer_list<std::string_view> words) {
  size_t from = pos > window ? pos - window : 0;
  std::string_view w(folded.data() + from, pos - from);
  for (auto word : words)
    if (w.find(word) != std::string_view::npos) return true;
  return false;
}

}  // namespace

bool luhn_valid(std::string_view d) {
  int sum = 0;
  bool dbl = false;
  for (size_t i = d.size(); i-- > 0;) {
    int v = d[i] - '0';
    if (dbl) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
    dbl = !dbl;
  }
  return !d.empty() && sum % 10 == 0;
}

bool aba_routing_valid(std::string_view d) {
  if (d.size() != 9) return false;
  int w[] = {3, 7, 1, 3, 7, 1, 3, 7, 1};
  int sum = 0;
  for (size_t i = 0; i < 9; ++i) sum += (d[i] - '0') * w[i];
  return sum % 10 == 0 && d != "000000000";
}

void find_sensitive_data(std::string_view text, const FoldedText& folded, Part part, Screening& out) {
  const std::string& f = folded.folded();
  auto runs = digit_runs(text);
  // Routing/account pairs: a valid routing number named as one, and another long number naming an account.
  std::optional<DigitRun> routing, account;
  for (const auto& r : runs) {
    size_t n = r.digits.size();
    size_t fpos = 0;  // the run's folded position, for the keyword look-behind
    while (fpos < f.size() && folded.original_begin(fpos) < r.begin) ++fpos;
    if (n >= 13 && n <= 19 && luhn_valid(r.digits)) {
      out.add(
          block("card_number", part, r.begin, r.end, masked(r.digits),
                "A payment card number (it passes the Luhn check) must never be sent in a message. Remove "
                "it; ask people to pay on the organization's donation page."));
      continue;
    }
    if (n == 9) {
      bool dashed = !r.plain && r.end - r.begin == 11 && text[r.begin + 3] == '-' && text[r.begin + 6] == '-';
      bool named = near_before(f, fpos, 24, {"ssn", "social security", "seguro social", "ss#"});
      if ((dashed || named) && ssn_valid(r.digits)) {
        out.add(block("ssn", part, r.begin, r.end, masked(r.digits),
                      "A US social security number must never be sent in a message. Remove it."));
        continue;
      }
      if (aba_routing_valid(r.digits) && near_before(f, fpos, 32, {"routing", "aba", "ruta", "transit"})) {
        routing = r;
        continue;
      }
    }
    if (n >= 6 && n <= 17 && near_before(f, fpos, 32, {"account", "acct", "cuenta"})) account = r;
  }
  if (routing && account) {
    size_t b = std::min(routing->begin, account->begin), e = std::max(routing->end, account->end);
    out.add(block("bank_account", part, b, e, masked(routing->digits) + " / " + masked(account->digits),
                  "A bank routing number with an account number must never be sent in a message. Remove "
                  "them."));
  }

  // Requests for credentials: a verb that asks for something, then the secret, in one sentence, not negated.
  static const RE2 kAsk(
      R"((reply|respond|text|send|enter|confirm|verify|give|share|provide|tell|type|submit|update|)"
      R"(responde|responda|envia|envie|enviar|comparte|comparta|ingresa|ingrese|confirma|confirme|dinos|danos|proporciona)\b)"
      R"([^.!?\n]{0,40}?\b(password|passcode|pin|pin number|one[- ]time (?:pass)?code|verification code|)"
      R"(security code|login code|otp|2fa code|cvv|contrasena|clave|codigo de verificacion|codigo de seguridad|nip)\b)");
  static const RE2 kNegation(R"(\b(never|not|don't|dont|do not|nunca|no)\b)");
  re2::StringPiece input(f);
  re2::StringPiece verb, secret;
  size_t sentence_start = 0;
  while (RE2::FindAndConsume(&input, kAsk, &verb, &secret)) {
    size_t b = static_cast<size_t>(verb.data() - f.data());
    size_t e = static_cast<size_t>(secret.data() + secret.size() - f.data());
    size_t s = f.find_last_of(".!?\n", b);
    sentence_start = s == std::string::npos ? 0 : s + 1;
    std::string_view before(f.data() + sentence_start, b - sentence_start);
    if (RE2::PartialMatch(re2::StringPiece(before.data(), before.size()), kNegation)) continue;
    size_t ob = folded.original_begin(b), oe = folded.original_end(e);
    out.add(block("credential_request", part, ob, oe, std::string(text.substr(ob, oe - ob)),
                  "The message asks for a password, PIN or one-time code: phishing, whoever sends it. "
                  "Remove the request; people sign in on the organization's own site."));
  }
}

}  // namespace tocsin::policy::content
