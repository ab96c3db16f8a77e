// The organizer's console under /admin (docs/CONSOLE.md): login (email, password, TOTP), logout, the
// dashboard, people search and the person page (with Verify, and Unsubscribe per channel), actions (create,
// edit, records, export), messages (compose, preflight with every exclusion explained, send, schedule,
// stop, progress and statistics), settings (the program's fields, sending domains with their DNS records,
// texting numbers, API keys) and the team page (owners only). Every screen behind the login:
// - finds the principal from the session cookie (staff::StaffService::authenticate), else redirects to
//   /admin/login;
// - works only in the session's organization, which no URL names, so one organization's staff cannot
//   address another's data;
// - checks the role against the permission table (staff/role.h) before reading anything;
// - reads the organization's serving state through the same accessors the API handlers use
//   (people::Directory / OrgState), never a second path to the store.
// Every form carries a CSRF token: before login a random value also set in a SameSite=Strict cookie (double
// submit); after login a keyed BLAKE2b hash of the session token, which only this server can compute.
#pragma once

#include <array>
#include <string>

#include "api/http.h"
#include "api/keyring.h"
#include "api/rate_limit.h"
#include "messaging/org_write.h"
#include "people/directory.h"
#include "privacy/access_log.h"
#include "staff/audit.h"
#include "staff/invitation.h"
#include "staff/staff_service.h"
#include "web/admin/counted_later.h"
#include "web/admin/counted_preflight.h"
#include "web/admin/dashboard_facts.h"
#include "web/admin/import_jobs.h"
#include "web/admin/screens.h"

namespace tocsin::messaging {
class GateWiring;
class Dispatcher;
class StaffInvitationMail;
class SmsReplies;
}  // namespace tocsin::messaging

namespace tocsin::web::admin {

struct ConsoleOptions {
  // Cookies carry `Secure` unless the server serves plain HTTP on a loopback address (make run, tests):
  // see secure_cookies_for().
  bool secure_cookies = true;
  // The installation's public address, for the hosted pages' links.
  std::string public_url;
  // The header a trusted reverse proxy puts the client's address in (config `trusted_proxy_header`), or "".
  std::string trusted_proxy_header;
  // Organizations with at least this many people get their dashboard counts and draft preflights from the
  // background (web/admin/counted_later.h) instead of an exact pass per view (config
  // console.count_inline_below).
  int64_t count_inline_below = 50'000;
  // A text blast's cost estimate on its message screen (config sms.price_per_segment; 0: none).
  double sms_price_per_segment = 0;
  std::string sms_price_currency = "USD";
  // Login posts per client address: argon2id costs 64 MiB and tens of milliseconds a try, so an address
  // gets a burst of 20 and then one every 3 seconds (the per-account lockout is the guessing bound).
  double login_posts_per_second = 1.0 / 3;
  double login_burst = 20;
  // Verify reads the organization's whole ledger: per organization a burst of 5, then one every 10 seconds,
  // so repeated presses (by any role, a viewer included) cannot keep the store busy.
  double verifies_per_second = 0.1;
  double verify_burst = 5;
  // [privacy] age_custom_field: the console's CSV import applies the age gate to it, as `tocsin import` does.
  std::string age_custom_field;
};

// False only when `public_url` is plain http and `listen` is a loopback address: then no browser can reach
// the console over a network, and a Secure cookie would not be sent back by browsers that do not treat the
// host as a secure context.
bool secure_cookies_for(const std::string& public_url, const std::string& listen);

// What a console change goes through: the same committer and opt-out fence as the API's writes, and the staff
// audit trail.
struct ConsoleWrites {
  store::GroupCommitter& committer;
  messaging::OptOutFence* fence = nullptr;
  staff::AuditLog& audit;
  // Screens that show supporters' data are logged here before they are sent (null: not logged).
  privacy::AccessLog* access_log = nullptr;
  // Blasts: the gate their preflight asks and the dispatcher Send starts (null: the screens say sending is
  // not available on this server).
  messaging::GateWiring* gate = nullptr;
  messaging::Dispatcher* dispatcher = nullptr;
  // API keys created or revoked on the settings screen are served at once (null: only after the server's
  // periodic refresh).
  api::KeyRing* keys = nullptr;
  // Staff invitations are emailed through it (null: the team page says invitations are not available).
  messaging::StaffInvitationMail* invitation_mail = nullptr;
  // Staff replies from the inbox leave through it, judged again by the gate (null: replies not available).
  messaging::SmsReplies* sms_replies = nullptr;
};

// A large organization's background count is redone when older than this, or when what it counts changed.
inline constexpr Micros kRecountAfter = 60'000'000;  // 60 s
// How long a view waits for a background count it started before answering without it.
inline constexpr std::chrono::milliseconds kWaitForCount{50};

// An invitation's link: {public_url}/admin/invite/{token}.
inline constexpr std::string_view kInvitePrefix = "/admin/invite/";

class Console {
 public:
  Console(people::Directory& directory, store::Store& store, staff::StaffService& staff, ConsoleWrites writes,
          const std::array<unsigned char, 32>& installation_key, ConsoleOptions options);

  // True when `req.target` is the console's (/admin or below).
  static bool owns(const std::string& target);
  // The request body bound for a method and path (api::ServerOptions::body_limit_for): the CSV upload's
  // (kImportMaxBytes) for POST /admin/people/import, 0 (the server's default) for everything else.
  static size_t body_limit_for(std::string_view method, std::string_view path);
  void handle(api::Request&& req, api::Respond respond);

 private:
  struct Page;
  void login_form(const api::Request& req, api::Respond& respond, int status, const std::string& error,
                  const std::string& email);
  void login_post(const api::Request& req, api::Respond& respond);
  std::string csrf_for(const std::string& session_token) const;
  std::string client_ip(const api::Request& req) const;
  void change_person(const staff::Principal& p, people::OrgState& org, const std::string& person_id,
                     std::string audit_action, const std::string& ip, std::string fragment,
                     messaging::OrgWriteFn apply, api::Respond respond, const Frame& frame,
                     std::shared_ptr<std::vector<ContactHash>> opted_out = nullptr);
  // The inbox and staff replies to it (console_inbox.cc).
  // The person page's contact points form (console_contact.cc): email, number, primary postal address, and
  // the consent staff record with them; answers and returns true when `path` is it (CSRF already checked).
  bool route_contact_points(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                            const std::string& path, api::Respond& respond, const Frame& frame);
  // The CSV import (console_import.cc): the form, the upload (multipart; its CSRF token is checked here),
  // the job's progress, report and rejected rows as CSV.
  bool route_import(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                    const std::string& path, api::Respond& respond, const Frame& frame);
  bool route_inbox(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                   const std::string& path, api::Respond& respond, const Frame& frame);
  // The person page's forms (console_person.cc): unsubscribe, fields, tag and untag; answers and returns
  // true when `path` is one of them (the CSRF token is already checked).
  bool route_person_changes(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                            const std::string& path, api::Respond& respond, const Frame& frame);
  // Actions (console_actions.cc) and messages (console_messages.cc): each answers and returns true when
  // `path` is one of its screens or forms (a POST's CSRF token is already checked).
  bool route_actions(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                     const std::string& path, api::Respond& respond, const Frame& frame);
  bool route_messages(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                      const std::string& path, api::Respond& respond, const Frame& frame);
  // The platform operator's screen (console_platform.cc), with or without an org role.
  bool route_platform(const staff::Principal& p, const api::Request& req, const std::string& path,
                      api::Respond& respond, const Frame& frame);
  bool route_settings(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                      const std::string& path, api::Respond& respond, const Frame& frame);
  // The team page, invitations and their revocation (console_team.cc; owners only).
  bool route_team(const staff::Principal& p, const api::Request& req, const std::string& path,
                  api::Respond& respond, const Frame& frame);
  // An invitation's own page and its acceptance (console_invitation.cc): no login; the pre-login CSRF cookie.
  void invitation(const api::Request& req, api::Respond& respond, const std::string& token);
  // A change to the organization through the API's write path, audited as `audit_action` on `subject` (or,
  // when empty, on `apply`'s answer: the id it created) unless `apply` answers "unchanged"; then 303 to
  // `to` followed by `apply`'s answer, or `failed`'s screen for the error.
  void commit_and_go(const staff::Principal& p, people::OrgState& org, std::string audit_action,
                     std::string subject, const std::string& ip, messaging::OrgWriteFn apply, std::string to,
                     std::function<api::Response(const Error&)> failed, api::Respond respond);
  void export_people(const staff::Principal& p, const people::OrgState& org, const api::Request& req,
                     api::Respond respond, const Frame& frame);
  // Whether the organization is large enough that its slow counts come from the background.
  bool counts_later(const people::OrgState& org) const;
  void dashboard(const people::OrgState& org, const Frame& frame, api::Respond& respond);
  // Sends `r`, a screen with the data of `person_ids` (or of `count` people when they are not listed), once
  // the read is in the access log.
  void release_read(const staff::Principal& p, const people::OrgState& org, const api::Request& req,
                    std::string action, std::vector<std::string> person_ids, api::Response r,
                    api::Respond respond, int64_t count = -1, std::string_view disclosure_basis = {});

  people::Directory& directory_;
  store::Store& store_;
  staff::StaffService& staff_;
  ConsoleWrites writes_;
  staff::Invitations invitations_;
  std::array<unsigned char, 32> csrf_key_{};
  ConsoleOptions options_;
  api::RateLimiter login_limit_;
  api::RateLimiter verify_limit_;  // keyed by organization
  ImportJobs imports_;             // its destructor waits for running imports
  // Large organizations' slow counts, served from the background (last: their threads stop first).
  CountedLater<PeopleCounts> people_counts_{kRecountAfter};
  CountedLater<CountedPreflight> preflights_{kRecountAfter};
};

}  // namespace tocsin::web::admin
