// The team page (owners only: staff::Permission::kTeam) with invitations (docs/CONSOLE.md "Invitations"): an
// owner invites an address as admin, organizer or viewer — never owner, which only the command line makes, so
// a leaked or mistyped invitation can never hand over the organization. The gate is asked first (plan, no
// side effects): when it refuses, nothing is stored or sent and the page says why in the gate's own
// sentence. Otherwise the invitation is stored (staff/invitation.h: replacing a pending one of the address)
// and its email queued (messaging/staff_invitation_mail.h, which asks the gate again right before the
// hand-over). Pending invitations are listed with Revoke; an id not pending in the session's organization is
// 404, whoever else it belongs to. Audited: `team.invite`, `team.invite_revoked`, on the invitation id's
// first 16 characters (never the address).
#include "core/clock.h"
#include "core/contact_point.h"
#include "core/query_string.h"
#include "messaging/staff_invitation_mail.h"
#include "web/admin/console.h"
#include "web/admin/console_response.h"
#include "web/admin/team_screen.h"

namespace tocsin::web::admin {
namespace {

constexpr std::string_view kRevokePrefix = "/admin/team/invitations/", kRevokeSuffix = "/revoke";

// The roles an invitation may give.
std::optional<staff::Role> invitable_role(const std::string& name) {
  auto r = staff::parse_role(name);
  if (!r || *r == staff::Role::kOwner) return std::nullopt;
  return r;
}

}  // namespace

bool Console::route_team(const staff::Principal& p, const api::Request& req, const std::string& path,
                         api::Respond& respond, const Frame& frame) {
  if (path != "/admin/team" && path.rfind("/admin/team/", 0) != 0) return false;
  if (!p.can(staff::Permission::kTeam))
    return respond(html(403, forbidden_page(frame, "managing the team"))), true;
  const bool post = req.method == "POST";
  const Target form = parse_target("?" + (post ? req.body : std::string()));
  const std::string ip = client_ip(req);

  auto screen = [&](int status, TeamView v) {
    auto team = staff_.team(p.org_id);
    auto pending = invitations_.pending(p.org_id, now_micros());
    if (!team || !pending) return respond(html(500, forbidden_page(frame, "reading the team now")));
    v.members = std::move(team).value();
    v.pending = std::move(pending).value();
    respond(html(status, team_page(frame, v)));
  };

  if (path == "/admin/team") {
    if (post) return respond(html(405, forbidden_page(frame, "this page without its form"))), true;
    return screen(200, {}), true;
  }
  if (!post) return respond(html(405, forbidden_page(frame, "this page without its form"))), true;

  if (path == "/admin/team/invite") {
    TeamView v;
    v.email = form.param("email").value_or("");
    v.role = form.param("role").value_or("");
    auto fail = [&](int status, std::string why) {
      v.error = std::move(why);
      screen(status, std::move(v));
      return true;
    };
    auto normalized =
        v.email.size() <= 320 ? normalize_email(v.email) : Result<std::string>(unprocessable(""));
    if (!normalized) return fail(422, "That is not an email address.");
    const std::string address = email_match_key(normalized.value());
    auto role = invitable_role(v.role);
    if (!role)
      return fail(422, "Invite as admin, organizer or viewer (owners are made on the command line).");
    auto team = staff_.team(p.org_id);
    if (!team) return fail(500, "The team cannot be read now; try again.");
    for (const auto& m : team.value())
      if (m.email == address) return fail(422, "That address is already a member of the team.");
    if (!writes_.invitation_mail) return fail(503, "Invitations cannot be emailed from this server.");
    policy::Decision d = writes_.invitation_mail->plan(p.org_id, address);
    if (!d.sends()) return fail(422, "The invitation could not be sent: " + d.sentence);
    const Micros now = now_micros();
    auto issued = invitations_.issue(p.org_id, address, *role, p.account_id, now);
    if (!issued) return fail(issued.error().http_status == 422 ? 422 : 500, issued.error().message);
    const staff::Invitation& inv = issued->invitation;
    if (auto s = writes_.audit.record({p.org_id, p.account_id, "team.invite", inv.id.substr(0, 16), ip, now});
        !s)
      return fail(500, "The invitation could not be recorded; try again.");
    writes_.invitation_mail->send({p.org_id, address, std::string(staff::role_name(inv.role)), p.email,
                                   options_.public_url + std::string(kInvitePrefix) + issued->token,
                                   inv.delivery_id});
    // The page itself answers (no redirect), so the address can be named without putting it in a URL.
    TeamView done;
    done.notice = "Invitation sent to " + address + " as " + std::string(staff::role_name(inv.role)) + ".";
    return screen(200, std::move(done)), true;
  }

  if (path.size() > kRevokePrefix.size() + kRevokeSuffix.size() && path.rfind(kRevokePrefix, 0) == 0 &&
      path.compare(path.size() - kRevokeSuffix.size(), kRevokeSuffix.size(), kRevokeSuffix) == 0) {
    const std::string id =
        path.substr(kRevokePrefix.size(), path.size() - kRevokePrefix.size() - kRevokeSuffix.size());
    const Micros now = now_micros();
    auto revoked = invitations_.revoke(p.org_id, id, now);
    if (!revoked && revoked.error().http_status == 404)
      return respond(html(404, not_found_page(frame, "such invitation"))), true;
    if (!revoked) return respond(html(500, forbidden_page(frame, "revoking the invitation now"))), true;
    (void)writes_.audit.record({p.org_id, p.account_id, "team.invite_revoked", id.substr(0, 16), ip, now});
    return respond(redirect("/admin/team#pending")), true;
  }
  return respond(html(404, forbidden_page(frame, "this page (it does not exist)"))), true;
}

}  // namespace tocsin::web::admin
