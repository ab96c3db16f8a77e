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
#include "web/admin/inbox_screen.h"
#include "web/admin/people_search.h"
#include "web/admin/person_view.h"
#include "web/admin/screens.h"

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
      verify_limit_(options_.verifies_per_second, options_.verify_burst) {
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

// A staff change to one person through the API's write path (durable before the answer; `opted_out`, when
// given, holds the answer behind the opt-out fence): `apply` answers "changed" or "unchanged", or an error
// after changing nothing. A change gets a line `audit_action` in the staff audit trail; every answer goes
// back to the person page at `fragment`.
void Console::change_person(const staff::Principal& p, people::OrgState& org, const std::string& person_id,
                            std::string audit_action, const std::string& ip, std::string fragment,
                            messaging::OrgWriteFn apply, api::Respond respond, const Frame& frame,
                            std::shared_ptr<std::vector<ContactHash>> opted_out) {
  messaging::commit_org_write(
      writes_.committer, org, std::move(apply),
      [=, this, org_id = org.org.id](Result<std::string> r) {
        if (!r && r.error().http_status == 404) {  // "no such person", "no such tag"
          const std::string& why = r.error().message;
          return respond(html(404, not_found_page(frame, why.rfind("no ", 0) == 0 ? why.substr(3) : why)));
        }
        if (!r) return respond(html(500, forbidden_page(frame, "changing this person now")));
        if (r.value() == "changed")
          (void)writes_.audit.record({org_id, p.account_id, audit_action, person_id, ip, now_micros()});
        respond(redirect("/admin/people/" + person_id + fragment));
      },
      writes_.fence, std::move(opted_out));
}

// A supporter who phones or writes to stop hearing from the organization: staff record the opt-out on one
// channel, with the staff member and the address they posted from as the ledger entry's evidence. Behind the
// opt-out fence, so no message already cleared for the address leaves after the page says so.
void Console::unsubscribe(const staff::Principal& p, people::OrgState& org, const std::string& person_id,
                          Channel channel, const std::string& ip, api::Respond respond, const Frame& frame) {
  auto opted_out = std::make_shared<std::vector<ContactHash>>();
  change_person(
      p, org, person_id, channel == Channel::kEmail ? "people.unsubscribe_email" : "people.unsubscribe_sms",
      ip, "#consent",
      [=](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
        const Person* person = o.find_person(person_id);
        if (!person) return not_found("no such person");
        const auto& address = channel == Channel::kEmail ? person->email : person->phone;
        if (!address || o.status_of(channel, *address) != consent::Status::kSubscribed)
          return std::string("unchanged");
        consent::Evidence ev;
        ev.actor = "staff:" + p.account_id;
        ev.source = "console";
        ev.method = "console: unsubscribed by staff";
        ev.ip = ip;
        o.record_status(w, channel, *address, person_id, consent::Status::kUnsubscribed, ev, now);
        opted_out->push_back(o.hasher->hash(channel, *address));
        return std::string("changed");
      },
      std::move(respond), frame, opted_out);
}

// Staff correct a person's names (a typo, a name told on the phone): the API's PUT path (people::update,
// with header-bound text normalized as for every write), audited as `people.edit`. An empty field clears the
// name; the same names again change nothing.
void Console::edit_names(const staff::Principal& p, people::OrgState& org, const std::string& person_id,
                         const std::string& given, const std::string& family, const std::string& ip,
                         api::Respond respond, const Frame& frame) {
  change_person(
      p, org, person_id, "people.edit", ip, "#fields",
      [=](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
        const Person* person = o.find_person(person_id);
        if (!person) return not_found("no such person");
        if (person->given_name == given && person->family_name == family) return std::string("unchanged");
        people::PersonInput in;
        for (auto [field, value] : {std::pair{&in.given_name, &given}, std::pair{&in.family_name, &family}}) {
          if (value->empty())
            field->state = people::Field<std::string>::kNull;
          else
            field->set(*value);
        }
        consent::Evidence ev;
        ev.actor = "staff:" + p.account_id;
        ev.source = "console";
        ev.method = "console: edited by staff";
        ev.ip = ip;
        people::WriteAuthority who;  // the organization's own staff: as its key
        who.writer = people::Writer::kApiKey;
        auto r = people::update(o, person_id, std::move(in), ev, who, w, now);
        if (!r) return r.error();
        return std::string("changed");
      },
      std::move(respond), frame);
}

// Tags a person with one of the organization's tags (people::tag_person, as the API's taggings), audited as
// `people.tag`. A tag of another organization is not found; tagging twice changes nothing.
void Console::tag(const staff::Principal& p, people::OrgState& org, const std::string& person_id,
                  const std::string& tag_id, const std::string& ip, api::Respond respond,
                  const Frame& frame) {
  change_person(
      p, org, person_id, "people.tag", ip, "#fields",
      [=](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
        if (!o.find_person(person_id)) return not_found("no such person");
        if (!o.tags.count(tag_id)) return not_found("no such tag");
        if (o.tagging_by_pair.count({tag_id, person_id})) return std::string("unchanged");
        people::tag_person(o, tag_id, person_id, w, now);
        return std::string("changed");
      },
      std::move(respond), frame);
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

void Console::handle(api::Request&& req, api::Respond respond) {
  const Target t = parse_target(req.target);
  const std::string& path = t.path;
  if (path == "/admin/login") {
    if (req.method == "GET") return login_form(req, respond, 200, "", "");
    if (req.method == "POST") return login_post(req, respond);
    return respond(html(405, "method not allowed"));
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
    if (std::string id = id_in(path, "/admin/people/", "/unsubscribe"); !id.empty()) {
      if (!p.can(staff::Permission::kSend))
        return respond(html(403, forbidden_page(frame, "changing people")));
      const std::string channel = form.param("channel").value_or("");
      if (channel != "email" && channel != "sms")
        return respond(html(400, forbidden_page(frame, "this form without a channel (email or sms)")));
      return unsubscribe(p, *org, id, channel == "email" ? Channel::kEmail : Channel::kSms, client_ip(req),
                         std::move(respond), frame);
    }
    if (std::string id = id_in(path, "/admin/people/", "/names"); !id.empty()) {
      if (!p.can(staff::Permission::kSend))
        return respond(html(403, forbidden_page(frame, "changing people")));
      const std::string given = form.param("given_name").value_or("");
      const std::string family = form.param("family_name").value_or("");
      if (given.size() > 255 || family.size() > 255)
        return respond(html(400, forbidden_page(frame, "names longer than 255 bytes")));
      return edit_names(p, *org, id, given, family, client_ip(req), std::move(respond), frame);
    }
    if (std::string id = id_in(path, "/admin/people/", "/tag"); !id.empty()) {
      if (!p.can(staff::Permission::kSend))
        return respond(html(403, forbidden_page(frame, "changing people")));
      const std::string tag_id = form.param("tag").value_or("");
      if (tag_id.empty() || tag_id.size() > 64)
        return respond(html(400, forbidden_page(frame, "this form without a tag")));
      return tag(p, *org, id, tag_id, client_ip(req), std::move(respond), frame);
    }
    if (route_actions(p, *org, req, path, respond, frame)) return;
    if (route_messages(p, *org, req, path, respond, frame)) return;
    if (route_settings(p, *org, req, path, respond, frame)) return;
    if (route_team(p, req, path, respond, frame)) return;
    return respond(html(404, forbidden_page(frame, "this action")));
  }
  if (req.method != "GET") return respond(html(405, "method not allowed"));
  if (path == "/admin") return respond(html(200, dashboard_page(frame, dashboard_facts(*org))));
  if (path == "/admin/people") return respond(html(200, people_page(frame, "", nullptr, "")));
  if (path == "/admin/inbox") {
    if (!p.can(staff::Permission::kRead))
      return respond(html(403, forbidden_page(frame, "reading the inbox")));
    auto inbox = read_inbox(*org, store_.scope(org->org.id));
    if (!inbox) return respond(html(500, forbidden_page(frame, "reading the inbox now")));
    auto shown = inbox->person_ids;
    return release_read(p, *org, req, "console.inbox", std::move(shown), html(200, inbox_page(frame, *inbox)),
                        std::move(respond));
  }
  if (std::string id = id_in(path, "/admin/people/", ""); !id.empty()) return person_screen(id, false);
  if (route_team(p, req, path, respond, frame)) return;
  if (route_actions(p, *org, req, path, respond, frame)) return;
  if (route_messages(p, *org, req, path, respond, frame)) return;
  if (route_settings(p, *org, req, path, respond, frame)) return;
  respond(html(404, forbidden_page(frame, "this page (it does not exist)")));
}

}  // namespace tocsin::web::admin
