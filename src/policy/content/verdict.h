// Content screening's answer (docs/POLICY.md "Content screening"): a verdict per finding and for the whole
// message, each finding with a stable reason code, the exact span of the text that triggered it and a
// sentence that says what to do.
//
// block: the message cannot be sent as it is (fix it). hold: it waits for the platform operator's review
// (`tocsin review`), unless the organization is registered or verified for what triggered it. warn: sent,
// and shown in the preflight. Reason codes are stored with held messages: renaming one is a data migration.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::policy::content {

enum class Verdict { kPass, kWarn, kHold, kBlock };
std::string_view verdict_name(Verdict v);  // "pass" | "warn" | "hold" | "block"

// Which part of the message a span points into.
enum class Part { kBody, kSubject, kFrom };
std::string_view part_name(Part p);  // "body" | "subject" | "from"

struct Finding {
  Verdict verdict = Verdict::kWarn;
  std::string code;  // e.g. "public_shortener", "card_number", "shaft_cannabis"
  Part part = Part::kBody;
  size_t begin = 0;  // byte offsets into that part, as given to the screener
  size_t end = 0;
  std::string excerpt;   // the text of [begin, end) (card numbers and SSNs masked but their last 4)
  std::string sentence;  // for people: why, and how to get a legitimate message through
};

struct Screening {
  Verdict verdict = Verdict::kPass;  // the worst finding's
  std::vector<Finding> findings;
  // SpamAssassin's score and the rules that fired, when a spamd is configured and the message is email.
  std::optional<double> spam_score;
  double spam_threshold = 0;
  std::vector<std::string> spam_rules;
  std::string spam_note;  // why no score was computed, when none was

  void add(Finding f);
  // The first finding with the message's verdict (what a refusal names), or null when it passes.
  const Finding* decisive() const;
};

}  // namespace tocsin::policy::content
