// An invitation's link, /admin/invite/{token}, without a login (docs/CONSOLE.md "Invitations"). GET shows the
// organization and the role with the acceptance form; POST accepts: a new account gets the password chosen
// here (argon2id through StaffService::add_member, like `tocsin user create`) and a TOTP secret shown once on
// the answer; an account that exists only gains the role (its password and TOTP stay; a member of the
// organization already keeps the role they have, so an invitation never lowers anyone). The invitation is
// spent in the same step (staff::Invitations::spend), audited as `team.invite_accepted`. Every token that
// opens nothing gets the same 404 page. CSRF: the login form's double-submit cookie; posts share the login
// form's per-address limit, as each may cost an argon2id hash.
#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/query_string.h"
#include "core/secret_compare.h"
#include "web/admin/console.h"
#include "web/admin/console_cookies.h"
#include "web/admin/console_response.h"
#include "web/admin/team_screen.h"

namespace tocsin::web::admin {

void Console::invitation(const api::Request& req, api::Respond& respond, const std::string& token) {
  auto gone = [&] { respond(html(404, invitation_not_found_page())); };
  if (req.method != "GET" && req.method != "POST") return respond(html(405, "method not allowed"));
  const Micros now = now_micros();
  auto inv = invitations_.open(token, now);
  if (!inv && inv.error().http_status == 404) return gone();
  if (!inv) return respond(html(500, invitation_not_found_page()));
  people::OrgState* org = directory_.find(inv->org_id);
  if (!org) {
    (void)directory_.refresh(store_);
    org = directory_.find(inv->org_id);
  }
  if (!org) return gone();
  const std::string org_name = org->org.name;
  auto account = staff_.find(inv->email);
  if (!account) return respond(html(500, invitation_not_found_page()));
  const bool has_account = account.value().has_value();

  const std::string csrf = login_token(req);
  auto page = [&](int status, const std::string& error) {
    api::Response r = html(status, invitation_page(org_name, inv.value(), has_account, csrf, error, token));
    r.headers.push_back({"Set-Cookie", login_cookie(csrf, options_.secure_cookies)});
    respond(std::move(r));
  };
  if (req.method == "GET") return page(200, "");

  const Target form = parse_target("?" + req.body);
  if (!same_secret(request_cookie(req, kLoginCookie), form.param("csrf").value_or("")))
    return page(403, "The form expired; please try again.");
  const std::string ip = client_ip(req);
  if (int wait = login_limit_.acquire(ip, now)) {
    api::Response r =
        html(429, invitation_page(org_name, inv.value(), has_account, csrf,
                                  "Too many attempts from this address; wait a minute.", token));
    r.headers.push_back({"Retry-After", std::to_string(wait)});
    return respond(std::move(r));
  }
  const std::string password = form.param("password").value_or("");
  if (!has_account) {
    if (password != form.param("password2").value_or("")) return page(422, "The two passwords differ.");
    if (auto s = staff::check_new_password(password); !s)
      return page(422, "The password must be 12 to 256 characters long.");
  }

  staff::StaffService::Created made;
  auto spent = invitations_.spend(token, now, [&](const staff::Invitation& i) -> Status {
    if (auto a = staff_.find(i.email); a && a.value() && staff::role_in(*a.value(), i.org_id)) return Ok{};
    auto c = staff_.add_member(i.org_id, i.email, i.role, password, "invitation:" + i.id.substr(0, 16), now);
    if (!c) return c.error();
    made = std::move(c).value();
    return Ok{};
  });
  if (!spent && spent.error().http_status == 404) return gone();
  if (!spent && spent.error().http_status == 422) return page(422, spent.error().message);
  if (!spent) {
    spdlog::error("accepting a staff invitation: {}", spent.error().message);
    return respond(html(500, invitation_not_found_page()));
  }
  const std::string accepter =
      made.account.id.empty() ? staff_.account_id_for(spent->email) : made.account.id;
  (void)writes_.audit.record(
      {spent->org_id, accepter, "team.invite_accepted", spent->id.substr(0, 16), ip, now_micros()});
  // The TOTP secret is in this answer only (no-store): the account's one enrolment, as the CLI prints it.
  respond(html(200, invitation_accepted_page(org_name, spent.value(), made.enrolment_uri,
                                             made.enrolment_uri.empty() ? "" : made.account.totp_secret)));
}

}  // namespace tocsin::web::admin
