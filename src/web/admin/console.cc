#include "web/admin/console.h"

#include <sodium.h>
#include <stdio.h>

#include <cstdlib>

#include "core/clock.h"
#include "core/ids.h"
#include "core/query_string.h"
#include "core/secret_compare.h"
#include "core/text.h"
#include "importer/csv_export.h"
#include "people/upsert.h"
#include "privacy/disclosure_log.h"
#include "web/admin/console_cookies.h"
#include "web/admin/console_path.h"
#include "web/admin/console_response.h"
#include "web/admin/dashboard_facts.h"
#include "web/admin/import_screen.h"
#include "web/admin/inbox_screen.h"
#include "web/admin/people_search.h"
#include "web/admin/person_view.h"
#include "web/admin/screens.h"
#include "web/admin/segment_counter.h"

namespace tocsin::web::admin {
namespace {

constexpr std::string_view kCsrfContext = "tocsin console csrf v1";

}  // namespace

bool secure_cookies_for(const std::string& public_url, const std::string& listen) {
  const bool plain = public_url.rfind("http://", 0) == 0;
  const bool loopback =
      listen.rfind("127.", 0) == 0 || listen.rfind("[::1]", 0) == 0 || listen.rfind("localhost:", 0) == 0;
  return !(plain && loopback);
}

Console::Console(people::Directory& directory, store::Store& store, staff::StaffService& staff,
                 ConsoleWrites writes, const std::array<unsigned char, 32>& installation_key,
                 ConsoleOptions options)
    : directory_(directory),
      store_(store),
      staff_(staff),
      writes_(writes),
      invitations_(store, installation_key),
      options_(std::move(options)),
      login_limit_(options_.login_posts_per_second, options_.login_burst),
      verify_limit_(options_.verifies_per_second, options_.verify_burst),
      imports_(store, writes.committer, writes.fence, writes.audit) {
  options_.trusted_proxy_header = lower_ascii(options_.trusted_proxy_header);
  crypto_generichash(csrf_key_.data(), csrf_key_.size(),
                     reinterpret_cast<const unsigned char*>(kCsrfContext.data()), kCsrfContext.size(),
                     installation_key.data(), installation_key.size());
}

bool Console::owns(const std::string& target) {
  return target == "/admin" || target.rfind("/admin/", 0) == 0 || target.rfind("/admin?", 0) == 0;
}

// As the API does (api/api_service.cc): the left-most X-Forwarded-For address when a proxy is trusted.
std::string Console::client_ip(const api::Request& req) const {
  if (!options_.trusted_proxy_header.empty())
    if (const auto* h = req.header(options_.trusted_proxy_header)) {
      std::string first = h->substr(0, h->find(','));
      auto b = first.find_first_not_of(' '), e = first.find_last_not_of(' ');
      if (b != std::string::npos) return first.substr(b, e - b + 1);
    }
  return req.remote_ip;
}

std::string Console::csrf_for(const std::string& session_token) const {
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(session_token.data()),
                     session_token.size(), csrf_key_.data(), csrf_key_.size());
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return std::string(hex, sizeof h * 2);
}

void Console::login_form(const api::Request& req, api::Respond& respond, int status, const std::string& error,
                         const std::string& email) {
  const std::string token = login_token(req);
  api::Response r = html(status, login_page(token, error, email));
  r.headers.push_back({"Set-Cookie", login_cookie(token, options_.secure_cookies)});
  respond(std::move(r));
}

void Console::login_post(const api::Request& req, api::Respond& respond) {
  const Target form = parse_target("?" + req.body);
  const std::string email = form.param("email").value_or("");
  if (!same_secret(request_cookie(req, kLoginCookie), form.param("csrf").value_or("")))
    return login_form(req, respond, 403, "The form expired; please try again.", email);
  const std::string ip = client_ip(req);
  if (int wait = login_limit_.acquire(ip, now_micros())) {
    api::Response r = html(429, login_page(request_cookie(req, kLoginCookie),
                                           "Too many attempts from this address; wait a minute.", email));
    r.headers.push_back({"Retry-After", std::to_string(wait)});
    return respond(std::move(r));
  }
  auto in = staff_.login(email, form.param("password").value_or(""), form.param("code").value_or(""), "", ip,
                         now_micros());
  if (!in) {
    const int status = in.error().http_status == 429 ? 429 : (in.error().http_status == 401 ? 401 : 500);
    const std::string text = status == 401 ? "Wrong email, password or code."
                             : status == 429
                                 ? "Too many failed attempts: this account is locked for 15 minutes."
                                 : "Login is unavailable; try again later.";
    return login_form(req, respond, status, text, email);
  }
  api::Response r = redirect("/admin");
  r.headers.push_back({"Set-Cookie", staff::session_cookie(in->token, options_.secure_cookies)});
  respond(std::move(r));
}

void Console::release_read(const staff::Principal& p, const people::OrgState& org, const api::Request& req,
                           std::string action, std::vector<std::string> person_ids, api::Response r,
                           api::Respond respond, int64_t count, std::string_view disclosure_basis) {
  if (!writes_.access_log) return respond(std::move(r));
  // The search text itself is not logged (it may be an address or a name); the people found are.
  privacy::AccessRead read{org.org.id,
                           "staff:" + p.account_id,
                           client_ip(req),
                           std::move(action),
                           parse_target(req.target).path,
                           std::move(person_ids),
                           count};
  // What leaves as a file is also a disclosure to the staff member (privacy/disclosure_log.h).
  if (!disclosure_basis.empty()) read = privacy::disclosed_to_reader(std::move(read), disclosure_basis);
  writes_.access_log->record(
      std::move(read), [respond = std::move(respond), r = std::move(r)]() mutable { respond(std::move(r)); });
}

// The same CSV as `tocsin export` (importer/csv_export.h), written into memory under the organization's
// shared lock; audited as an export and logged as a read of everyone in it.
void Console::export_people(const staff::Principal& p, const people::OrgState& org, const api::Request& req,
                            api::Respond respond, const Frame& frame) {
  char* data = nullptr;
  size_t size = 0;
  std::FILE* out = ::open_memstream(&data, &size);
  if (!out) return respond(html(500, forbidden_page(frame, "exporting people now")));
  Result<int64_t> written = int64_t{0};
  std::vector<std::string> ids;
  int64_t everyone = 0;
  {
    std::shared_lock lock(org.mu);
    written = importer::export_csv(org, out);
    ids = privacy::listed_people(org.person_order);
    everyone = static_cast<int64_t>(org.person_order.size());
  }
  std::fclose(out);
  std::string csv(data ? data : "", size);
  std::free(data);
  if (!written) return respond(html(500, forbidden_page(frame, "exporting people now")));
  Micros now = now_micros();
  if (auto s = writes_.audit.record({org.org.id, p.account_id, "people.export",
                                     std::to_string(written.value()) + " people", client_ip(req), now});
      !s)
    return respond(html(500, forbidden_page(frame, "exporting people now")));
  api::Response r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(csv);
  r.headers = {{"Content-Disposition",
                "attachment; filename=\"people-" + format_iso8601(now).substr(0, 10) + ".csv\""},
               {"Cache-Control", "no-store"}};
  release_read(p, org, req, "console.people_export", std::move(ids), std::move(r), std::move(respond),
               everyone, privacy::kOwnUseBasis);
}

bool Console::counts_later(const people::OrgState& org) const {
  std::shared_lock lock(org.mu);
  return static_cast<int64_t>(org.people.size()) >= options_.count_inline_below;
}

// Small organizations are counted for each view; large ones show the last background count and when it was
// made (what the count depends on: the ledger's head for consents, the number of people).
void Console::dashboard(const people::OrgState& org, const Frame& frame, api::Respond& respond) {
  DashboardFacts facts = dashboard_facts(org);
  if (!counts_later(org)) {
    facts.counts = std::make_shared<const PeopleCounts>(count_people(org));
    return respond(html(200, dashboard_page(frame, facts)));
  }
  std::string revision;
  {
    std::shared_lock lock(org.mu);
    revision = std::to_string(org.ledger_seq) + " " + std::to_string(org.people.size());
  }
  auto seen = people_counts_.get(
      org.org.id, revision, [&org] { return count_people(org); }, kWaitForCount);
  facts.counts = seen.value;
  facts.counted_at = seen.computed_at;
  facts.recounting = !seen.current;
  api::Response r = html(200, dashboard_page(frame, facts));
  if (!seen.value) r.headers.push_back({"Refresh", "3"});
  respond(std::move(r));
}

void Console::handle(api::Request&& req, api::Respond respond) {
  const Target t = parse_target(req.target);
  const std::string& path = t.path;
  if (path == "/admin/login") {
    if (req.method == "GET") return login_form(req, respond, 200, "", "");
    if (req.method == "POST") return login_post(req, respond);
    return respond(html(405, "method not allowed"));
  }
  // The console's scripts (the segment counter, web/admin/segment_counter.h; the import's progress,
  // web/admin/import_screen.h): public, like any static file.
  for (const auto& [script_path, script] :
       {std::pair{kSegmentCounterPath, &kSegmentCounterJs}, std::pair{kImportScriptPath, &kImportScriptJs}}) {
    if (path != script_path || req.method != "GET") continue;
    api::Response r;
    r.status = 200;
    r.content_type = "text/javascript; charset=utf-8";
    r.body = *script;
    r.headers = {{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "public, max-age=3600"}};
    return respond(std::move(r));
  }
  // An invitation's link opens its page without a login (web/admin/console_team.cc).
  if (path.rfind(kInvitePrefix, 0) == 0) return invitation(req, respond, path.substr(kInvitePrefix.size()));

  const std::string token = request_cookie(req, staff::kSessionCookie);
  auto who = staff_.authenticate(token, now_micros());
  if (!who) return respond(redirect("/admin/login"));
  const staff::Principal& p = who.value();
  auto logout = [&] {
    (void)staff_.logout(token, client_ip(req), now_micros());
    api::Response r = redirect("/admin/login");
    r.headers.push_back({"Set-Cookie", staff::clear_session_cookie(options_.secure_cookies)});
    respond(std::move(r));
  };
  if (p.org_id.empty()) {  // a platform operator without an org role: the platform screen only
    Frame bare{"tocsin", p.email, "platform operator", csrf_for(token), false};
    bare.platform = true;
    bare.has_org = false;
    if (req.method == "POST" && path == "/admin/logout" &&
        same_secret(bare.csrf, parse_target("?" + req.body).param("csrf").value_or(""))) {
      return logout();
    }
    if (route_platform(p, req, path, respond, bare)) return;
    if (path == "/admin" && req.method == "GET") return respond(redirect("/admin/platform"));
    return respond(html(403, forbidden_page(bare, "organization screens without a role in an organization")));
  }
  people::OrgState* org = directory_.find(p.org_id);
  if (!org) {
    (void)directory_.refresh(store_);  // an organization created by the CLI since we started
    org = directory_.find(p.org_id);
  }
  if (!org) return respond(redirect("/admin/login"));
  Frame frame{org->org.name,
              p.email,
              std::string(staff::role_name(p.role)),
              csrf_for(token),
              p.can(staff::Permission::kTeam),
              p.can(staff::Permission::kSend),
              p.can(staff::Permission::kExport),
              p.can(staff::Permission::kSettings),
              p.can(staff::Permission::kKeys),
              p.platform_operator};
  if (route_platform(p, req, path, respond, frame)) return;

  // The person page; an id that is not a person of the session's organization (another's included) is 404.
  auto person_screen = [&](const std::string& id, bool verify) {
    if (!p.can(staff::Permission::kRead)) return respond(html(403, forbidden_page(frame, "reading people")));
    auto view = read_person(*org, store_.scope(org->org.id), id);
    if (!view) return respond(html(500, forbidden_page(frame, "reading this person now")));
    if (!view.value()) return respond(html(404, not_found_page(frame, "such person")));
    std::optional<ChainCheck> chain;
    if (verify) {
      if (int wait = verify_limit_.acquire(org->org.id, now_micros())) {
        api::Response r = html(429, forbidden_page(frame,
                                                   "another Verify right now (the chain was checked "
                                                   "moments ago; try again in a few seconds)"));
        r.headers.push_back({"Retry-After", std::to_string(wait)});
        return respond(std::move(r));
      }
      chain = check_chain(*org, store_.scope(org->org.id));
    }
    release_read(p, *org, req, verify ? "console.person_verify" : "console.person", {id},
                 html(200, person_page(frame, *view.value(), chain ? &*chain : nullptr)), std::move(respond));
  };

  if (route_import(p, *org, req, path, respond, frame)) return;  // before the urlencoded CSRF check
  if (req.method == "POST") {
    const Target form = parse_target("?" + req.body);
    if (!same_secret(frame.csrf, form.param("csrf").value_or("")))
      return respond(html(403, forbidden_page(frame, "this form without its token (reload the page)")));
    if (path == "/admin/logout") return logout();
    if (path == "/admin/people") {
      const std::string q = form.param("q").value_or("");
      if (q.empty() || q.size() > 500)
        return respond(html(400, people_page(frame, "", nullptr, "Type something to search for.")));
      auto rows = search_people(*org, q);
      if (!rows) return respond(html(400, people_page(frame, q, nullptr, rows.error().message)));
      std::vector<std::string> found;
      for (const auto& row : rows.value()) found.push_back(row.id);
      return release_read(p, *org, req, "console.people_search", std::move(found),
                          html(200, people_page(frame, q, &rows.value(), "")), std::move(respond));
    }
    if (path == "/admin/people/export") {
      if (!p.can(staff::Permission::kExport))
        return respond(html(403, forbidden_page(frame, "exporting people (viewers read only)")));
      return export_people(p, *org, req, std::move(respond), frame);
    }
    // Verifying reads and changes nothing: every role that may read the page may run it.
    if (std::string id = id_in(path, "/admin/people/", "/verify"); !id.empty())
      return person_screen(id, true);
    if (route_person_changes(p, *org, req, path, respond, frame)) return;
    if (route_contact_points(p, *org, req, path, respond, frame)) return;
    if (route_inbox(p, *org, req, path, respond, frame)) return;
    if (route_actions(p, *org, req, path, respond, frame)) return;
    if (route_messages(p, *org, req, path, respond, frame)) return;
    if (route_settings(p, *org, req, path, respond, frame)) return;
    if (route_team(p, req, path, respond, frame)) return;
    return respond(html(404, forbidden_page(frame, "this action")));
  }
  if (req.method != "GET") return respond(html(405, "method not allowed"));
  if (path == "/admin") return dashboard(*org, frame, respond);
  if (path == "/admin/people") return respond(html(200, people_page(frame, "", nullptr, "")));
  if (route_inbox(p, *org, req, path, respond, frame)) return;
  if (std::string id = id_in(path, "/admin/people/", ""); !id.empty()) return person_screen(id, false);
  if (route_team(p, req, path, respond, frame)) return;
  if (route_actions(p, *org, req, path, respond, frame)) return;
  if (route_messages(p, *org, req, path, respond, frame)) return;
  if (route_settings(p, *org, req, path, respond, frame)) return;
  respond(html(404, forbidden_page(frame, "this page (it does not exist)")));
}

}  // namespace tocsin::web::admin
