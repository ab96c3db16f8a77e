#include "web/admin/team_screen.h"

#include <mstch/mstch.hpp>

#include "core/clock.h"

namespace tocsin::web::admin {
namespace {

constexpr const char* kTeam = R"(<main><h1>Team</h1>
{{#notice}}<div class="ok" role="status" id="invite-notice">{{notice}}</div>{{/notice}}
{{#error}}<div class="alert" role="alert" id="invite-error">{{error}}</div>{{/error}}
<table><thead><tr><th scope="col">Email</th><th scope="col">Role</th></tr></thead><tbody>
{{#members}}<tr><td>{{email}}</td><td>{{role}}</td></tr>{{/members}}
</tbody></table>
<section aria-labelledby="invite"><h2 id="invite">Invite someone</h2>
<p>The invitation is emailed from the organization's verified sending domain; its link works once, for 7 days.
Owners are made on the command line (<code>tocsin user create</code>), never by invitation.</p>
<form method="post" action="/admin/team/invite">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="invite-email">Email</label><input id="invite-email" name="email" type="email" required value="{{email}}">
<label for="invite-role">Role</label><select id="invite-role" name="role">
{{#roles}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/roles}}
</select>
<button type="submit">Send invitation</button>
</form></section>
<section aria-labelledby="pending"><h2 id="pending">Pending invitations</h2>
{{#has_pending}}<table><thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Revoke</span></th></tr></thead><tbody>
{{#pending}}<tr><td>{{email}}</td><td>{{role}}</td><td>{{expires}}</td><td><form method="post" action="/admin/team/invitations/{{id}}/revoke">
<input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="Revoke the invitation of {{email}}">Revoke</button></form></td></tr>{{/pending}}
</tbody></table>{{/has_pending}}{{^has_pending}}<p>None.</p>{{/has_pending}}
</section></main></body></html>
)";

constexpr const char* kInvitation = R"(<main><h1>Join {{org_name}}</h1>
<p>You are invited to <strong>{{org_name}}</strong>'s console as <strong id="invite-role">{{role}}</strong> ({{email}}).</p>
{{#error}}<div class="alert" role="alert" id="invite-error">{{error}}</div>{{/error}}
<form method="post" action="/admin/invite/{{token_path}}">
<input type="hidden" name="csrf" value="{{csrf}}">
{{#has_account}}<p>You already have a tocsin account: accepting adds this role to it; you log in as before.</p>{{/has_account}}
{{^has_account}}<label for="password">Choose a password (12 to 256 characters)</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="12" maxlength="256" required>
<label for="password2">The same password again</label><input id="password2" name="password2" type="password" autocomplete="new-password" minlength="12" maxlength="256" required>{{/has_account}}
<button type="submit">Accept the invitation</button>
</form></main></body></html>
)";

constexpr const char* kAccepted = R"(<main><h1>Welcome to {{org_name}}</h1>
<p>You are now {{role}} of <strong>{{org_name}}</strong>.</p>
{{#new_account}}<section aria-labelledby="totp"><h2 id="totp">Set up your authenticator</h2>
<p>Logging in needs a code from an authenticator app. Add this account to yours now: this page is the only time the secret is shown.</p>
<p>Secret: <code id="totp-secret">{{secret}}</code></p>
<p>Or the whole URI (a QR code of it works with most apps): <code id="totp-uri" class="scroll">{{uri}}</code></p>
</section>{{/new_account}}
<p><a href="/admin/login">Log in</a></p></main></body></html>
)";

constexpr const char* kNotFound = R"(<main><h1>Invitation not found</h1>
<p>This invitation link is not valid: it may have been used, revoked, replaced by a newer one, or it expired. Ask the organization's owner for a new invitation.</p>
<p><a href="/admin/login">Log in</a></p></main></body></html>
)";

}  // namespace

std::string team_page(const Frame& f, const TeamView& v) {
  mstch::array members, pending, roles;
  for (const auto& m : v.members)
    members.push_back(mstch::map{{"email", m.email}, {"role", std::string(staff::role_name(m.role))}});
  for (const auto& i : v.pending)
    pending.push_back(mstch::map{{"email", i.email},
                                 {"role", std::string(staff::role_name(i.role))},
                                 {"expires", format_iso8601(i.expires).substr(0, 16) + " UTC"},
                                 {"id", i.id},
                                 {"csrf", f.csrf}});
  const std::string chosen = v.role.empty() ? "organizer" : v.role;
  for (const char* r : {"admin", "organizer", "viewer"})
    roles.push_back(mstch::map{{"value", std::string(r)}, {"selected", chosen == r}});
  return render_screen("Team", &f, kTeam,
                       {{"members", members},
                        {"pending", pending},
                        {"has_pending", !v.pending.empty()},
                        {"roles", roles},
                        {"csrf", f.csrf},
                        {"notice", v.notice},
                        {"error", v.error},
                        {"email", v.email}});
}

std::string invitation_page(const std::string& org_name, const staff::Invitation& i, bool has_account,
                            const std::string& csrf, const std::string& error, const std::string& token) {
  return render_screen("Invitation", nullptr, kInvitation,
                       {{"org_name", org_name},
                        {"role", std::string(staff::role_name(i.role))},
                        {"email", i.email},
                        {"has_account", has_account},
                        {"csrf", csrf},
                        {"error", error},
                        {"token_path", token}});
}

std::string invitation_accepted_page(const std::string& org_name, const staff::Invitation& i,
                                     const std::string& enrolment_uri, const std::string& secret) {
  return render_screen("Invitation accepted", nullptr, kAccepted,
                       {{"org_name", org_name},
                        {"role", std::string(staff::role_name(i.role))},
                        {"new_account", !enrolment_uri.empty()},
                        {"uri", enrolment_uri},
                        {"secret", secret}});
}

std::string invitation_not_found_page() {
  return render_screen("Invitation not found", nullptr, kNotFound, {});
}

}  // namespace tocsin::web::admin
