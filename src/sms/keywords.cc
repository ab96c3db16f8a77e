#include "sms/keywords.h"

#include <re2/re2.h>

#include <array>
#include <memory>
#include <string>
#include <utility>

namespace tocsin::sms {
namespace {

using Kind = InboundIntent::Kind;

// Space, punctuation and symbols (emoji included) around and between words: "Stop!", " stop.", "STOP 🛑".
// (?i) folds case over Unicode, so ARRÊT and arrêt match too.
constexpr std::string_view kEdge = R"([\s\pP\pS]*)";
constexpr std::string_view kGap = R"([\s\pP\pS]+)";

// Words that add nothing to a keyword: "stop please", "Please stop.", "quit it", "cancel all", "help pls".
constexpr std::string_view kFiller =
    R"((?:please|pls|plz|plse|pleas|kindly|just|now|right\s+now|asap|immediately|already|again|it|all|ok|okay)"
    R"(|thanks|thank\s+you|thx|ty|sorry|seriously|for\s+real))";

struct Keyword {
  const char* pattern;  // RE2 syntax for one word or fixed phrase
  Kind kind;
  const char* canonical;
  bool needs_recent_prompt = false;
};

// Order matters only for readability: the patterns are disjoint.
constexpr std::array<Keyword, 24> kKeywords = {{
    // STOP and its common misspellings ("stopp", "STAHP", "S T O P", "sotp", "stpo") and the stop sign.
    {R"(s[\s.\-]?t[\s.\-]?(?:o+|a+h?)[\s.\-]?p+|sotp|stpo|🛑)", Kind::kOptOut, "STOP"},
    {R"(stop[\s\-_]*all)", Kind::kOptOut, "STOPALL"},
    {R"(stop\s*2\s*quit)", Kind::kOptOut, "STOP2QUIT"},
    {"unsubscribe", Kind::kOptOut, "UNSUBSCRIBE"},
    {"cancel", Kind::kOptOut, "CANCEL"},
    {"end", Kind::kOptOut, "END"},
    {"quit", Kind::kOptOut, "QUIT"},
    {"revoke", Kind::kOptOut, "REVOKE"},
    {R"(opt[\s\-_]*out)", Kind::kOptOut, "OPTOUT"},
    {"remove", Kind::kOptOut, "REMOVE"},
    {"arr[eê]te?", Kind::kOptOut, "ARRET"},
    {"td", Kind::kOptOut, "TD"},
    // Spanish: the words Spanish-language programs publish, and what people reply unprompted.
    {"alto", Kind::kOptOut, "ALTO"},
    {"parar?", Kind::kOptOut, "PARAR"},
    {"basta", Kind::kOptOut, "BASTA"},
    {"cancelar", Kind::kOptOut, "CANCELAR"},
    {"baja", Kind::kOptOut, "BAJA"},
    {"start", Kind::kOptIn, "START"},
    {"unstop", Kind::kOptIn, "UNSTOP"},
    {"yes", Kind::kOptIn, "YES", true},
    {"help", Kind::kHelp, "HELP"},
    {"info", Kind::kHelp, "INFO"},
    {R"(aide)", Kind::kHelp, "HELP"},  // French HELP, the counterpart of ARRET for Canadian programs
    {R"(ayuda)", Kind::kHelp, "HELP"},
}};

// Uses of STOP, QUIT and END that are not about the texts, removed before the weaker rules look for a lone
// "stop": negations ("don't stop", "can't stop smiling", "never quit"), places and things ("bus stop", "stop
// sign", "stopwatch" is one word already), and visits ("I'll stop by", "stop in", "stop at the store").
constexpr const char* kNotAboutTexts =
    R"((?i)\b(?:don\W?t|dont|do\s+not|never|can\W?t|cant|cannot|won\W?t|wont|couldn\W?t|shouldn\W?t|didn\W?t))"
    R"(\s+(?:ever\s+|even\s+|just\s+|you\s+)?(?:stop|quit|end)\w*)"
    R"(|\b(?:bus|train|subway|shuttle|truck|pit|next|last|first|final|one|non)[\s\-]+stops?\b)"
    R"(|\bstops?\s+(?:by|in|at|over|sign|signs|motion|watch|light|lights|on)\b)";

// Slogans: "Stop the pipeline!", "STOP LINE 3", "nothing can stop us". Removed after the explicit phrases
// had their look (so "stop the texts" still opts out) and before the lone-"stop" rules.
constexpr const char* kSlogans = R"((?i)\bstop\s+(?:the|a|an|line|us|them|him|her)\b)";

// Free-text revocations (SMS-R1), matched anywhere: each names the texts, the list or the number, or is an
// idiom no supporter uses for anything but "go away".
constexpr const char* kRevocation =
    // "stop texting me", "quit texting", "stop the messages", "end all texts", "cancel my subscription"
    R"((?i)\b(?:stop|quit|end|cancel)\s+(?:(?:the|these|those|this|all|your|ur|my|any|with\s+the)\s+)*)"
    R"((?:text|txt|messag|msg|sms|contact|send|spam|harass|subscri|email|call|get|receiv)\w*)"
    // "do not text me", "don't contact me again", "never text me", "please don't text this number"
    R"(|\b(?:no|don\W?t|dont|do\s+not|never)\s+(?:ever\s+)?(?:text|txt|message|msg|contact|sms|send|call)\w*\s+)"
    R"((?:me|us|this|again|to\s+this|any))"
    // "I don't want these texts", "I do not want to receive texts", "I don't want any more messages"
    R"(|\b(?:don\W?t|dont|do\s+not)\s+want\s+(?:to\s+(?:receive|get)\s+)?(?:any\s*more\s+|these\s+|this\s+)"
    R"(|your\s+|any\s+)?(?:text|txt|messag|msg|sms)\w*)"
    R"(|\bremove\s+(?:me|us|my\s+(?:name|number|#|info\w*)|this\s+(?:number|#))\b)"  // "remove me from the
                                                                                     // list"
    R"(|\btake\s+(?:me|us|my\s+(?:name|number|#)|this\s+(?:number|#))\s+off\b)"  // "take me off this list"
    R"(|\b(?:lose|delete)\s+(?:my|this)\s+(?:number|#|info\w*|contact\w*)\b)"
    R"(|\bunsub\w*|\bunsus?crib\w*|\bopt[\s\-_]*out\b|\bopt\s+(?:me|us)\s+out\b|\brevoke\b)"
    R"(|\bno\s+more\s+(?:text|txt|messag|msg|sms|spam)\w*)"
    R"(|\bleave\s+me\s+alone\b|\bgo\s+away\b|\bwrong\s+(?:number|#|person)|\bnot\s+interested\b)"
    R"(|\bno\s+m[aá]s\b|\bno\s+me\s+(?:manden|mandes|env[ií]en|env[ií]es|escriban|escribas)\b)"
    R"(|\bdarme\s+de\s+baja\b)";

// The weaker signs, looked for once negations, visits and slogans are gone: "stop" opening a sentence or
// clause ("Stop. Who is this?", "Wrong number! Stop"), or closing the text ("I said stop", "can you please
// stop").
constexpr const char* kLoneStop =
    R"((?i)(?:^|[\pP\pS])[\s\pP\pS]*(?:please\s+|pls\s+|plz\s+|just\s+|kindly\s+)?stop\b|\bstop[\s\pP\pS]*$)";

// Whole replies that say "enough" without a keyword: "No more", "Enough!", "no more, thanks".
constexpr std::string_view kEnough = R"((?:no\s+more|enough))";

struct Compiled {
  struct Pair {
    std::unique_ptr<RE2> exact, with_filler;
  };
  std::array<Pair, kKeywords.size()> keywords;
  RE2 not_about_texts{kNotAboutTexts};
  RE2 slogans{kSlogans};
  RE2 revocation{kRevocation};
  RE2 lone_stop{kLoneStop};
  std::unique_ptr<RE2> enough = with_filler(kEnough);

  // `words` (repeated or not) with filler words around them: "please stop", "STOP STOP", "end please".
  static std::unique_ptr<RE2> with_filler(std::string_view words) {
    std::string w = "(?:" + std::string(words) + ")", filler(kFiller), edge(kEdge), gap(kGap);
    return std::make_unique<RE2>("(?i)" + edge + "(?:" + filler + gap + ")*" + w + "(?:" + gap + "(?:" + w +
                                 "|" + filler + "))*" + edge);
  }

  Compiled() {
    for (size_t i = 0; i < kKeywords.size(); ++i) {
      keywords[i].exact = std::make_unique<RE2>("(?i)" + std::string(kEdge) + "(?:" + kKeywords[i].pattern +
                                                ")" + std::string(kEdge));
      keywords[i].with_filler = with_filler(kKeywords[i].pattern);
    }
  }
};

const Compiled& compiled() {
  static const Compiled c;  // thread-safe initialization; RE2 objects are safe for concurrent matching
  return c;
}

InboundIntent intent_of(const Keyword& k, bool exact) {
  return {k.kind, k.canonical, exact, k.needs_recent_prompt};
}

}  // namespace

InboundIntent classify_inbound(std::string_view body) {
  const Compiled& c = compiled();
  re2::StringPiece text(body.data(), body.size());
  for (size_t i = 0; i < kKeywords.size(); ++i)
    if (RE2::FullMatch(text, *c.keywords[i].exact)) return intent_of(kKeywords[i], true);
  // An opt-out keyword with filler words is an opt-out before anything else is considered.
  for (size_t i = 0; i < kKeywords.size(); ++i)
    if (kKeywords[i].kind == Kind::kOptOut && RE2::FullMatch(text, *c.keywords[i].with_filler))
      return intent_of(kKeywords[i], false);
  std::string rest(body);
  RE2::GlobalReplace(&rest, c.not_about_texts, " ");
  if (RE2::PartialMatch(rest, c.revocation)) return {Kind::kOptOut, "REVOCATION_PHRASE", false, false};
  RE2::GlobalReplace(&rest, c.slogans, " ");
  if (RE2::PartialMatch(rest, c.lone_stop) || RE2::FullMatch(text, *c.enough))
    return {Kind::kOptOut, "REVOCATION_PHRASE", false, false};
  for (size_t i = 0; i < kKeywords.size(); ++i)
    if (RE2::FullMatch(text, *c.keywords[i].with_filler)) return intent_of(kKeywords[i], false);
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
