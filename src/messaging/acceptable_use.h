// An organization's acceptances of the platform's acceptable-use policy (AUP). The platform operator
// publishes a version ([platform] acceptable_use_version and acceptable_use_url in tocsin.toml, the same on
// every node); until the organization accepts exactly that version its blasts are refused by the gate
// (`acceptable_use_not_accepted`, policy/gate.h) and a blast in flight pauses. Publishing a new version asks
// every organization to accept again; what a person asked for (replies, HELP, opt-out confirmations) and
// one-off mail are never held back by it.
//
// Each acceptance is its own organization document (kind `acceptable_use`): which version, when, the name
// of the person who accepted it for the organization, and the actor (API key or the operator's CLI) and IP
// it came from — so the platform can show which version each organization accepted, when and by whom. The
// messaging settings carry the latest accepted version, which is what the gate reads; both are written in
// one step.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json_out.h"
#include "core/result.h"
#include "messaging/settings.h"
#include "policy/gate.h"
#include "store/store.h"

namespace tocsin::messaging {

inline constexpr std::string_view kAcceptableUseKind = "acceptable_use";

struct AupAcceptance {
  std::string version;
  std::string url;          // the published text's address at the time
  std::string accepted_by;  // the name (and role) of the person who accepted it for the organization
  std::string actor;        // "api_key:<id>" or "platform:cli"
  std::string ip;           // of the request; empty from the CLI
  Micros accepted_at = 0;
};

std::string encode_acceptance(const AupAcceptance& a);
Result<AupAcceptance> decode_acceptance(std::string_view doc);

// Checks an acceptance against the published version: 409 when none is published, 422 for another version,
// 400 without a name (or one over 200 bytes).
Status check_acceptance(const policy::AcceptableUse& published, std::string_view version,
                        std::string_view accepted_by);

// The acceptance's document (its id: the version and the instant, so every acceptance stays on record).
store::OrgDoc acceptance_doc(const AupAcceptance& a);

// `settings` with the accepted version recorded.
Settings with_acceptance(Settings settings, const AupAcceptance& a);

// The organization's acceptances read from its documents (in the order they were written), newest first.
std::vector<AupAcceptance> acceptances_newest_first(const std::vector<store::OrgDoc>& docs);

// Into an open object, as the API and the CLI show it: the published version and URL, the version the
// organization accepted last, whether that is the published one, and every acceptance (from `docs`, its
// `acceptable_use` documents) newest first.
void write_acceptance_state(JsonOut& j, const policy::AcceptableUse& published,
                            const std::string& accepted_version, const std::vector<store::OrgDoc>& docs);

}  // namespace tocsin::messaging
