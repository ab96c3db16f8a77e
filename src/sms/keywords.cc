#include "sms/keywords.h"

#include <re2/re2.h>

#include <array>
#include <memory>
#include <string>
#include <utility>

namespace tocsin::sms {
namespace {

using Kind = InboundIntent::Kind;

// A whole reply that is one keyword, allowing surrounding spaces, punctuation and symbols ("Stop!", " stop.",
// "STOP 🛑"). (?i) folds case over Unicode, so ARRÊT and arrêt match too.
constexpr std::string_view kEdge = R"([\s\pP\pS]*)";

struct ExactKeyword {
  const char* pattern;  // RE2 syntax, matched against the whole reply between kEdge runs
  Kind kind;
  const char* canonical;
  bool needs_recent_prompt = false;
};

// Order matters only for readability: the patterns are disjoint.
constexpr std::array<ExactKeyword, 17> kExact = {{
    {"stop", Kind::kOptOut, "STOP"},
    {R"(stop[\s\-_]*all)", Kind::kOptOut, "STOPALL"},
    {"unsubscribe", Kind::kOptOut, "UNSUBSCRIBE"},
    {"cancel", Kind::kOptOut, "CANCEL"},
    {"end", Kind::kOptOut, "END"},
    {"quit", Kind::kOptOut, "QUIT"},
    {"revoke", Kind::kOptOut, "REVOKE"},
    {R"(opt[\s\-_]*out)", Kind::kOptOut, "OPTOUT"},
    {"remove", Kind::kOptOut, "REMOVE"},
    {"arr[eê]t", Kind::kOptOut, "ARRET"},
    {"td", Kind::kOptOut, "TD"},
    {"start", Kind::kOptIn, "START"},
    {"unstop", Kind::kOptIn, "UNSTOP"},
    {"yes", Kind::kOptIn, "YES", true},
    {"help", Kind::kHelp, "HELP"},
    {"info", Kind::kHelp, "INFO"},
    {R"(aide)", Kind::kHelp, "HELP"},  // French HELP, the counterpart of ARRET for Canadian programs
}};

// Free-text revocations (SMS-R1). Written for recall on short replies; each alternative is anchored on words
// that rarely appear in a supporter's reply that still wants messages. "don't stop" is deliberately not here.
constexpr const char* kRevocation =
    R"((?i)(?:^[\s\pP]*stop\b)"                     // "stop texting me", "STOP please"
    R"(|\bstop\s+(?:text|messag|contact|send)\w*)"  // "please stop texting me"
    R"(|\b(?:no|don\W?t|do\s+not|never)\s+(?:text|message|contact|sms)\w*\s+(?:me|us|this))"
    R"(|\bremove\s+(?:me|my\s+(?:name|number))\b)"      // "remove me from your list"
    R"(|\btake\s+(?:me|my\s+(?:name|number))\s+off\b)"  // "take me off this list"
    R"(|\blose\s+my\s+number\b|\bdelete\s+my\s+(?:number|info\w*)\b)"
    R"(|\bunsubscribe\s+me\b|\bopt\s*me\s+out\b|\bi\s+(?:want\s+to\s+)?opt\s*-?\s*out\b)"
    R"(|\bno\s+more\s+(?:text|message|sms)\w*)"
    R"(|\bleave\s+me\s+alone\b|\bwrong\s+number\b)"
    R"(|\bno\s+m[aá]s\b|\bstop2quit\b))";

struct Compiled {
  std::array<std::pair<std::unique_ptr<RE2>, const ExactKeyword*>, kExact.size()> exact;
  RE2 revocation{kRevocation};

  Compiled() {
    for (size_t i = 0; i < kExact.size(); ++i) {
      std::string full = "(?i)" + std::string(kEdge) + "(?:" + kExact[i].pattern + ")" + std::string(kEdge);
      exact[i] = {std::make_unique<RE2>(full), &kExact[i]};
    }
  }
};

const Compiled& compiled() {
  static const Compiled c;  // thread-safe initialization; RE2 objects are safe for concurrent matching
  return c;
}

}  // namespace

InboundIntent classify_inbound(std::string_view body) {
  const Compiled& c = compiled();
  re2::StringPiece text(body.data(), body.size());
  for (const auto& [re, kw] : c.exact) {
    if (RE2::FullMatch(text, *re)) return {kw->kind, kw->canonical, true, kw->needs_recent_prompt};
  }
  if (RE2::PartialMatch(text, c.revocation)) return {Kind::kOptOut, "REVOCATION_PHRASE", false, false};
  return {};
}

std::string_view kind_name(InboundIntent::Kind k) {
  switch (k) {
    case Kind::kOptOut:
      return "opt_out";
    case Kind::kOptIn:
      return "opt_in";
    case Kind::kHelp:
      return "help";
    case Kind::kNone:
      break;
  }
  return "none";
}

}  // namespace tocsin::sms
