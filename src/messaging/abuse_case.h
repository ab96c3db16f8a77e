// Abuse reports and the cases the platform operator works (issue 15, "Abuse reports"): anyone can report a
// hosted action page, a message or a sending number (POST /abuse, api/abuse_handlers.cc; or the operator
// records one with `tocsin abuse open`), and each report becomes a case — an organization document of kind
// `abuse_case` under the organization the report concerns, or under org '' when none could be found. The
// operator lists and closes cases from the CLI (app/abuse_commands.h); closing one can disable the reported
// number (app/sender_levers.h), with the case named in the reason the organization sees.
//
// A case keeps no personal data of the reporter (no address, no IP): what was reported and the free text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "people/directory.h"

namespace tocsin::messaging {

inline constexpr std::string_view kAbuseCaseKind = "abuse_case";
inline constexpr size_t kAbuseTextMax = 4000;
inline constexpr size_t kAbuseTargetMax = 2000;

struct AbuseCase {
  std::string id;      // UUID
  std::string org_id;  // the organization concerned, '' when the report names nothing tocsin knows
  std::string about;   // "page" | "message" | "number"
  std::string target;  // the page's URL, the message id, or the number (E.164 or short code)
  std::string text;    // the reporter's words
  std::string source;  // "web" (POST /abuse) or "cli:USER"
  Micros opened = 0;
  std::string status = "open";  // open | closed
  std::string resolution;       // closed: what the operator did and why
  std::string closed_by;
  Micros closed = 0;
};

std::string encode_abuse_case(const AbuseCase& c);
Result<AbuseCase> decode_abuse_case(std::string_view doc);
// The case as one JSON object (the CLI's lines, the POST's answer leaves out what was resolved).
std::string abuse_case_json(const AbuseCase& c);

// Checks and normalizes a report: `about` one of page|message|number, a target (a number normalized to
// E.164 in the US region, a short code as its digits), text within kAbuseTextMax. 400 with the reason.
Result<AbuseCase> make_abuse_report(std::string about, std::string target, std::string text);

// A hosted page as its URL names it: /o/{org slug}/{kind}/{action slug} (actions/page_path.h).
struct PageRef {
  std::string org_slug, kind, slug;
};
std::optional<PageRef> page_of(std::string_view url);

// A page the platform operator took down (`tocsin abuse close --take-down-page`): an organization document
// of this kind, id "{kind}/{action slug}", which the hosted pages (web/web_service.cc) answer 410 for, with
// the reason.
inline constexpr std::string_view kPageTakedownKind = "page_takedown";
std::string page_takedown_id(std::string_view kind, std::string_view slug);
std::string encode_page_takedown(const std::string& reason, const std::string& case_id, Micros at);
std::string page_takedown_reason(std::string_view doc);

// The organization a report concerns: the one whose page is at the URL's path (/o/{slug}/...), whose
// message has the id, or whose senders include the number; '' when none. Takes organizations' locks shared.
std::string abuse_org(const people::Directory& directory, const AbuseCase& c);

}  // namespace tocsin::messaging
