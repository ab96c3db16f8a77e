#include "web/admin/screens.h"

#include <mstch/mstch.hpp>

namespace tocsin::web::admin {
namespace {

// One layout for every screen. Inline CSS is allowed by the CSP's style-src; no script runs.
constexpr const char* kHead = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{title}} · tocsin</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.5}
header,main{max-width:60rem;margin:0 auto;padding:0.75rem 1rem}
header{display:flex;flex-wrap:wrap;gap:0.5rem 1rem;align-items:center;border-bottom:1px solid #ccc}
nav a{margin-right:1rem}
a{color:#0645ad}
label{display:block;margin-top:0.75rem;font-weight:600}
input{font:inherit;padding:0.4rem;width:100%;max-width:22rem;box-sizing:border-box}
button{font:inherit;padding:0.4rem 1rem;margin-top:1rem}
.alert{border:2px solid #a00;background:#fff0f0;padding:0.5rem 1rem;margin:1rem 0}
.figures{display:flex;flex-wrap:wrap;gap:1rem;padding:0;list-style:none}
.figures li{border:1px solid #ccc;padding:0.5rem 1rem;min-width:9rem}
.figures strong{display:block;font-size:1.5rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:0.3rem 0.5rem;border-bottom:1px solid #ddd}
</style></head><body>
)";

constexpr const char* kFrame = R"(<header><strong>{{org_name}}</strong>
<nav aria-label="Console"><a href="/admin">Dashboard</a><a href="/admin/people">People</a>{{#can_team}}<a href="/admin/team">Team</a>{{/can_team}}</nav>
<span>{{email}} ({{role}})</span>
<form method="post" action="/admin/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Log out</button></form>
</header>
)";

constexpr const char* kLogin = R"(<main><h1>Log in to tocsin</h1>
{{#error}}<div class="alert" role="alert" id="login-error">{{error}}</div>{{/error}}
<form method="post" action="/admin/login">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="{{email}}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<label for="code">Code from your authenticator app</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required>
<button type="submit">Log in</button>
</form></main></body></html>
)";

constexpr const char* kDashboard = R"(<main><h1>Dashboard</h1>
{{#has_blockers}}<section aria-labelledby="blocking"><h2 id="blocking">Sending is blocked</h2>
{{#blockers}}<div class="alert" role="alert"><p><strong>{{what}}</strong></p><p>{{fix}}</p></div>{{/blockers}}
</section>{{/has_blockers}}
<section aria-labelledby="audience"><h2 id="audience">People</h2>
<ul class="figures">
<li><strong id="people-count">{{people}}</strong>people</li>
<li><strong id="email-subscribed">{{email_subscribed}}</strong>subscribed to email (of {{with_email}} with an address)</li>
<li><strong id="sms-subscribed">{{sms_subscribed}}</strong>subscribed to texts (of {{with_phone}} with a number)</li>
</ul></section>
<section aria-labelledby="in-flight"><h2 id="in-flight">Messages in flight</h2>
{{#has_in_flight}}<table><thead><tr><th scope="col">Message</th><th scope="col">Channel</th><th scope="col">Status</th><th scope="col">Recipients</th></tr></thead><tbody>
{{#in_flight}}<tr><td>{{name}}</td><td>{{channel}}</td><td>{{status}}</td><td>{{targeted}}</td></tr>{{/in_flight}}
</tbody></table>{{/has_in_flight}}{{^has_in_flight}}<p>None.</p>{{/has_in_flight}}
</section>
<section aria-labelledby="recent"><h2 id="recent">Recent actions</h2>
{{#has_actions}}<table><thead><tr><th scope="col">Action</th><th scope="col">Kind</th><th scope="col">Records</th></tr></thead><tbody>
{{#actions}}<tr><td>{{title}}</td><td>{{kind}}</td><td>{{records}}</td></tr>{{/actions}}
</tbody></table>{{/has_actions}}{{^has_actions}}<p>None yet.</p>{{/has_actions}}
</section></main></body></html>
)";

constexpr const char* kTeam = R"(<main><h1>Team</h1>
<table><thead><tr><th scope="col">Email</th><th scope="col">Role</th></tr></thead><tbody>
{{#members}}<tr><td>{{email}}</td><td>{{role}}</td></tr>{{/members}}
</tbody></table>
<p>Add members with <code>tocsin user create</code> for now.</p></main></body></html>
)";

constexpr const char* kPeople = R"(<main><h1>People</h1>
<form method="post" action="/admin/people" role="search">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="q">Email, phone, family name, or a filter such as <code>given_name eq 'Ada'</code></label>
<input id="q" name="q" type="search" required value="{{query}}">
<button type="submit">Search</button>
</form>
{{#error}}<div class="alert" role="alert">{{error}}</div>{{/error}}
{{#searched}}<h2 id="results">{{count}} found</h2>
{{#has_rows}}<table aria-labelledby="results"><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Email status</th><th scope="col">Phone</th><th scope="col">Text status</th></tr></thead><tbody>
{{#rows}}<tr><td>{{name}}</td><td>{{email}}</td><td>{{email_status}}</td><td>{{phone}}</td><td>{{sms_status}}</td></tr>{{/rows}}
</tbody></table>{{/has_rows}}{{/searched}}
</main></body></html>
)";

constexpr const char* kForbidden = R"(<main><h1>Not allowed</h1>
<p role="alert">Your role does not allow {{what}}. Ask an owner of this organization.</p></main></body></html>
)";

std::string render(const std::string& title, const Frame* f, const char* body, mstch::map ctx) {
  std::string out = mstch::render(kHead, mstch::map{{"title", title}});
  if (f)
    out += mstch::render(kFrame, mstch::map{{"org_name", f->org_name},
                                            {"email", f->email},
                                            {"role", f->role},
                                            {"csrf", f->csrf},
                                            {"can_team", f->can_team}});
  return out + mstch::render(body, ctx);
}

std::string num(int64_t n) {
  return std::to_string(n);
}

}  // namespace

std::string login_page(const std::string& csrf, const std::string& error, const std::string& email) {
  return render("Log in", nullptr, kLogin, {{"csrf", csrf}, {"error", error}, {"email", email}});
}

std::string dashboard_page(const Frame& f, const DashboardFacts& d) {
  mstch::array blockers, in_flight, actions;
  for (const auto& b : d.blockers) blockers.push_back(mstch::map{{"what", b.what}, {"fix", b.fix}});
  for (const auto& m : d.in_flight)
    in_flight.push_back(mstch::map{
        {"name", m.name}, {"channel", m.channel}, {"status", m.status}, {"targeted", num(m.targeted)}});
  for (const auto& a : d.recent_actions)
    actions.push_back(mstch::map{{"title", a.title}, {"kind", a.kind}, {"records", num(a.records)}});
  return render("Dashboard", &f, kDashboard,
                {{"has_blockers", !d.blockers.empty()},
                 {"blockers", blockers},
                 {"people", num(d.people)},
                 {"with_email", num(d.with_email)},
                 {"email_subscribed", num(d.email_subscribed)},
                 {"with_phone", num(d.with_phone)},
                 {"sms_subscribed", num(d.sms_subscribed)},
                 {"has_in_flight", !d.in_flight.empty()},
                 {"in_flight", in_flight},
                 {"has_actions", !d.recent_actions.empty()},
                 {"actions", actions}});
}

std::string team_page(const Frame& f, const std::vector<staff::TeamMember>& team) {
  mstch::array members;
  for (const auto& m : team)
    members.push_back(mstch::map{{"email", m.email}, {"role", std::string(staff::role_name(m.role))}});
  return render("Team", &f, kTeam, {{"members", members}});
}

std::string people_page(const Frame& f, const std::string& query, const std::vector<PersonRow>* rows,
                        const std::string& error) {
  mstch::array list;
  if (rows)
    for (const auto& r : *rows)
      list.push_back(mstch::map{{"name", r.name},
                                {"email", r.email},
                                {"email_status", r.email_status},
                                {"phone", r.phone},
                                {"sms_status", r.sms_status}});
  return render("People", &f, kPeople,
                {{"csrf", f.csrf},
                 {"query", query},
                 {"error", error},
                 {"searched", rows != nullptr},
                 {"count", num(rows ? static_cast<int64_t>(rows->size()) : 0)},
                 {"has_rows", rows && !rows->empty()},
                 {"rows", list}});
}

std::string forbidden_page(const Frame& f, const std::string& what) {
  return render("Not allowed", &f, kForbidden, {{"what", what}});
}

}  // namespace tocsin::web::admin
