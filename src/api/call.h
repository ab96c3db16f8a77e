// Call: one authenticated (or blind) API request on its way through the handlers, with what they share.
#pragma once

#include <simdjson.h>

#include <memory>
#include <string>
#include <vector>

#include "api/api_settings.h"
#include "api/error_body.h"
#include "api/http.h"
#include "api/rate_limit.h"
#include "consent/ledger_entry.h"
#include "core/json_out.h"
#include "core/query_string.h"
#include "people/directory.h"
#include "store/group_commit.h"

namespace tocsin::messaging {
class GateWiring;
class Dispatcher;
class SmsReplies;
class OptOutFence;
class Autoresponder;
class ResubscribeConfirmations;
}  // namespace tocsin::messaging
namespace tocsin::privacy {
class EvidenceClock;
class SigningKey;
class AccessLog;
}  // namespace tocsin::privacy
namespace tocsin::email {
class UnsubscribeTokens;
class DeliveryTokens;
}  // namespace tocsin::email

namespace tocsin::api {

// Long-lived parts every handler may use.
struct ApiContext {
  const ApiSettings& settings;  // the API's share of tocsin.toml
  store::Store& store;
  store::GroupCommitter& committer;
  people::Directory& directory;
  std::string api_base;                   // e.g. "http://127.0.0.1:8080/api/v2"
  HelperLimits* helper_limits = nullptr;  // abuse limits on keyless record-helper posts (none when null)
  messaging::GateWiring* gate = nullptr;  // the one send gate and the facts it reads (null in API-only tests)
  const email::UnsubscribeTokens* tokens = nullptr;  // unsubscribe and tracking links
  std::string public_url;                            // e.g. "https://act.example.org" (links in messages)
  messaging::Dispatcher* dispatcher = nullptr;       // sends blasts (null in API-only tests)
  const email::DeliveryTokens* delivery_tokens = nullptr;  // bounce/mailto addresses (email/bounce_address.h)
  messaging::SmsReplies* sms_replies = nullptr;       // answers to inbound keywords (null: none are sent)
  messaging::OptOutFence* opt_out_fence = nullptr;    // in-flight blast texts an opt-out waits for
  messaging::Autoresponder* autoresponder = nullptr;  // record helpers' autoresponses (null: none sent)
  // Confirmation emails for keyless re-subscriptions, and their links (null: none sent, nothing confirmed).
  messaging::ResubscribeConfirmations* resubscribe = nullptr;
  // Consent-evidence requests: the clock their answers go through and the key that signs packets (null: the
  // answer endpoint answers 503).
  privacy::EvidenceClock* evidence_clock = nullptr;
  const privacy::SigningKey* evidence_key = nullptr;
  // Reads of personal data are logged here before they are answered (null: not logged; API-only tests).
  privacy::AccessLog* access_log = nullptr;
};

struct Call {
  ApiContext& ctx;
  Request req;
  Target target;
  std::vector<std::string> seg;     // path segments after /api/v2
  people::OrgState* org = nullptr;  // null only for blind helper posts without a target organization
  std::string actor;                // "api_key:<id>" or "anonymous"
  bool authenticated = false;
  bool background = false;  // ?background_request=true or ?background_processing=true
  Respond respond;
  int ok_status = 200;  // the status commit_write answers a successful write with (202: accepted, held)

  // Responses in Action Network's style.
  void reply(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {});
  // As reply, the body produced by `render` on the connection's io thread (http::Response::render).
  void reply_rendered(int status, std::function<std::string()> render);
  void error(int status, std::string_view message) { reply(status, error_body(message)); }
  void error(const Error& e) { error(e.http_status, e.message); }
  void empty_ok() { reply(200, "{}"); }

  // Evidence describing this request, for ledger entries it causes.
  consent::Evidence evidence(std::string method) const;

  // Parses the body as a JSON object; on failure answers 400 and returns false.
  bool parse_body(simdjson::dom::parser& parser, simdjson::dom::element& out);
};

// Answers `body`, which holds the personal data of `person_ids` (all of them, or `count` when the list is
// not given), once the read is in the access log (privacy/access_log.h) and durable. With a
// `disclosure_basis`, the data leaves with the caller: the entry is also a disclosure to the key and the
// address it called from, under that basis (privacy/disclosure_log.h).
void reply_read(Call& c, std::string action, std::vector<std::string> person_ids, std::string body,
                int64_t count = -1, std::vector<std::pair<std::string, std::string>> headers = {},
                std::string_view disclosure_basis = {});

using Deferred = std::function<void()>;

// A change to one organization, run on the committer thread with the organization's lock held exclusively.
// Returns the response body, or an error after changing nothing.
using WriteFn =
    std::function<Result<std::string>(people::OrgState&, store::WriteBatch::OrgWrites&, Micros now)>;

// Queues `apply` for the group committer and answers once its writes are durable: with the body, or with
// {} for background requests and blind posts (which never reveal anything, not even an error). `durable`,
// when given, runs after a successful apply's writes are durable (e.g. to start what they asked for).
// `opted_out`, when given, is filled by `apply` with the contact points it opted out: the answer then also
// waits until no message to them is still on its way to a transport (messaging/opt_out_fence.h).
void commit_write(Call& c, WriteFn apply, bool blind = false, std::function<void()> durable = {},
                  std::shared_ptr<std::vector<ContactHash>> opted_out = nullptr);

// As commit_write, for a write whose answer is costly to serialize (the signup helper's HAL person): `apply`
// returns a function that renders the body from what it copied under the lock; it runs on the connection's
// io thread once the write is durable, so neither the committer nor the organization's lock pays for it.
using Render = std::function<std::string()>;
using RenderedWriteFn =
    std::function<Result<Render>(people::OrgState&, store::WriteBatch::OrgWrites&, Micros now)>;
void commit_write_rendered(Call& c, RenderedWriteFn apply, bool blind = false,
                           std::function<void()> durable = {},
                           std::shared_ptr<std::vector<ContactHash>> opted_out = nullptr);

}  // namespace tocsin::api
