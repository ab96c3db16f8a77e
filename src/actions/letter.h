// An advocacy campaign's letter and targets as its page shows them: the letter (tocsin:letter, {"subject",
// "body"}), whether a supporter may edit it before sending (tocsin:letter_editable, default false), and the
// targets (Action Network's `targets`: a string such as "Acme CEO" or a list of offices {title, given_name,
// family_name, ocdid, email}). What an outreach record carries: the letter as sent and the targets.
// Targets with an `email` get the letter by email (messaging/letter_delivery.h, docs/PAGES.md "Delivering
// letters").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actions/action.h"
#include "core/result.h"

namespace tocsin::actions {

inline constexpr size_t kMaxLetterSubject = 200;
inline constexpr size_t kMaxLetterBody = 10'000;

struct Letter {
  std::string subject;
  std::string body;
  bool editable = false;
};

// The campaign's letter; nullopt when it has none.
std::optional<Letter> campaign_letter(const Action& a);
// One line per target, for the page ("Representative Jill Black", "Acme CEO").
std::vector<std::string> target_lines(const Action& a);
// The targets as an outreach record's `targets` (a JSON array of objects; a string target becomes
// {"title": "..."}); "[]" when the campaign names none.
std::string outreach_targets_json(const Action& a);

// One target of an outreach: its line (as target_lines) and its email address, normalized ("" if none).
struct LetterTarget {
  std::string line;
  std::string email;
};
// The targets of an outreach record's `targets` JSON (outreach_targets_json), in order.
std::vector<LetterTarget> letter_targets(const std::string& targets_json);

// Checks the targets' `email` members of a create/update (each a valid address; read normalized).
Status check_target_emails(const RawFields& fields);

// Checks a create/update's tocsin:letter (a non-empty body; subject and body within their limits).
Status check_letter_settings(const RawFields& fields);

}  // namespace tocsin::actions
