#include "web/admin/platform_screen.h"

#include <mstch/mstch.hpp>

#include <algorithm>

#include "core/clock.h"
#include "oversight/abuse_close.h"
#include "oversight/org_standing.h"

namespace tocsin::web::admin {
namespace {

constexpr const char* kPlatform = R"(<main><h1>Platform</h1>
{{#notice}}<div class="ok" role="status" id="platform-notice">{{notice}}</div>{{/notice}}
{{#error}}<div class="alert" role="alert" id="platform-error">{{error}}</div>{{/error}}
<section aria-labelledby="review"><h2 id="review">Held for review</h2>
{{#has_held}}<p>Each message below was held when its organization sent it. Approve lets exactly this content go when the organization sends it again (an edit needs a new review); reject stops it, and the organization reads your note.</p>
{{#held_rows}}<article class="held" id="held-{{message_id}}" aria-labelledby="held-title-{{message_id}}"><h3 id="held-title-{{message_id}}">{{title}}</h3>
<dl class="facts"><dt>Organization</dt><dd>{{org}} <small><code>{{org_id}}</code></small></dd>
<dt>Message</dt><dd><code>{{message_id}}</code> ({{channel}}){{#subject}}, subject “{{subject}}”{{/subject}}</dd>
<dt>Recipients</dt><dd class="held-recipients">{{recipients}}</dd>
<dt>Held</dt><dd>{{held_at}}</dd>
<dt>Why</dt><dd class="held-reason">{{reason}}</dd></dl>
{{#has_findings}}<ul class="held-findings">{{#findings}}<li><strong>{{verdict}}</strong> <code>{{code}}</code> in the {{part}}: “<mark>{{excerpt}}</mark>” — {{sentence}}</li>{{/findings}}</ul>{{/has_findings}}
<details><summary>The content</summary><pre style="white-space:pre-wrap;overflow-wrap:anywhere">{{body}}</pre></details>
<form method="post" action="/admin/platform/review"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="org" value="{{org_id}}"><input type="hidden" name="message" value="{{message_id}}"><input type="hidden" name="decision" value="approve">
<label for="approve-note-{{message_id}}">Note (optional)</label><input id="approve-note-{{message_id}}" name="note" maxlength="2000"><button type="submit" aria-label="Approve {{title}}">Approve</button></form>
<form method="post" action="/admin/platform/review"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="org" value="{{org_id}}"><input type="hidden" name="message" value="{{message_id}}"><input type="hidden" name="decision" value="reject">
<label for="reject-note-{{message_id}}">Why it is rejected (the organization reads this)</label><input id="reject-note-{{message_id}}" name="note" required maxlength="2000"><button type="submit" aria-label="Reject {{title}}">Reject</button></form>
</article>{{/held_rows}}{{/has_held}}{{^has_held}}<p id="no-held">Nothing is held.</p>{{/has_held}}
</section>
<section aria-labelledby="orgs"><h2 id="orgs">Organizations</h2>
<div class="scroll"><table aria-labelledby="orgs"><thead><tr><th scope="col">Organization</th><th scope="col">People</th><th scope="col">Sending</th><th scope="col">Standing</th><th scope="col">Suspension</th></tr></thead><tbody>
{{#org_rows}}<tr id="org-{{id}}"><td>{{name}}<br><small><code>{{id}}</code></small></td><td>{{people}}</td><td class="org-state">{{state}}
{{#email_paused}}<p class="paused-email"><strong>Bulk email paused:</strong> {{email_paused}}</p>
<form method="post" action="/admin/platform/orgs/{{id}}/resume-email"><input type="hidden" name="csrf" value="{{csrf}}"><label for="resume-email-{{id}}">Reason to resume</label><input id="resume-email-{{id}}" name="reason" required maxlength="500"><button type="submit" aria-label="Resume the bulk email of {{name}}">Resume email</button></form>{{/email_paused}}
{{#texts_paused}}<p class="paused-texts"><strong>Text blasts paused:</strong> {{texts_paused}}</p>
<form method="post" action="/admin/platform/orgs/{{id}}/resume-texts"><input type="hidden" name="csrf" value="{{csrf}}"><label for="resume-texts-{{id}}">Reason to resume</label><input id="resume-texts-{{id}}" name="reason" required maxlength="500"><button type="submit" aria-label="Resume the text blasts of {{name}}">Resume texts</button></form>{{/texts_paused}}
</td><td class="org-standing">
{{#trusted}}<p>Trusted{{#trusted_reason}}: {{trusted_reason}}{{/trusted_reason}}</p><form method="post" action="/admin/platform/orgs/{{id}}/untrust"><input type="hidden" name="csrf" value="{{csrf}}"><label for="untrust-{{id}}">Reason</label><input id="untrust-{{id}}" name="reason" required maxlength="500"><button type="submit" aria-label="Withdraw trust from {{name}}">Untrust</button></form>{{/trusted}}
{{^trusted}}<p>Not trusted: its first large blasts wait for review</p><form method="post" action="/admin/platform/orgs/{{id}}/trust"><input type="hidden" name="csrf" value="{{csrf}}"><label for="trust-{{id}}">Reason</label><input id="trust-{{id}}" name="reason" required maxlength="500"><button type="submit" aria-label="Trust {{name}}">Trust</button></form>{{/trusted}}
</td><td>
{{#suspended}}<form method="post" action="/admin/platform/orgs/{{id}}/unsuspend"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="Lift the suspension of {{name}}">Lift</button></form>{{/suspended}}
{{^suspended}}<form method="post" action="/admin/platform/orgs/{{id}}/suspend"><input type="hidden" name="csrf" value="{{csrf}}"><label for="reason-{{id}}">Reason (shown with every refusal)</label><input id="reason-{{id}}" name="reason" required maxlength="500"><button type="submit" aria-label="Suspend {{name}}">Suspend</button></form>{{/suspended}}
</td></tr>{{/org_rows}}
</tbody></table></div></section>
<section aria-labelledby="cases"><h2 id="cases">Open abuse cases</h2>
{{#has_cases}}<div class="scroll"><table aria-labelledby="cases"><thead><tr><th scope="col">Opened</th><th scope="col">Organization</th><th scope="col">About</th><th scope="col">Report</th><th scope="col">Close</th></tr></thead><tbody>
{{#case_rows}}<tr id="case-{{id}}"><td>{{opened}}<br><small><code>{{id}}</code></small></td><td>{{org}}</td><td>{{about}}: <code style="overflow-wrap:anywhere">{{target}}</code></td><td>{{text}}</td><td>
<form method="post" action="/admin/platform/abuse/{{id}}/close"><input type="hidden" name="csrf" value="{{csrf}}">
<label for="case-action-{{id}}">What to do</label><select id="case-action-{{id}}" name="action"><option value="none">Close without acting</option>{{#action}}<option value="{{action}}">{{action_label}}</option>{{/action}}</select>
<label for="case-reason-{{id}}">What was found (the organization is told)</label><input id="case-reason-{{id}}" name="reason" required maxlength="500"><button type="submit" aria-label="Close case {{id}}">Close</button></form></td></tr>{{/case_rows}}
</tbody></table></div>{{/has_cases}}{{^has_cases}}<p>None open.</p>{{/has_cases}}
</section>
<section aria-labelledby="suppress"><h2 id="suppress">Block an address or number platform-wide</h2>
<form method="post" action="/admin/platform/suppressions"><input type="hidden" name="csrf" value="{{csrf}}">
<label for="address">Email address or phone number</label><input id="address" name="address" required autocomplete="off">
<label for="suppress-reason">Reason</label><input id="suppress-reason" name="reason" required maxlength="500">
<button type="submit">Block everywhere</button></form>
<p>No organization can message it again; an organization cannot lift it.</p>
</section></main></body></html>
)";

std::string sending_state(const messaging::Settings& s) {
  if (s.suspended) return "suspended: " + s.suspended_reason;
  if (!s.evidence_overdue.empty()) return "suspended: a consent-evidence request is overdue";
  if (s.bulk_email_paused && s.bulk_texts_paused) return "blasts paused";
  if (s.bulk_email_paused) return "bulk email paused";
  if (s.bulk_texts_paused) return "text blasts paused";
  return "sending";
}

// What closing a case can do besides closing it, by what the case is about (oversight/abuse_close.h); none
// for a case that concerns no organization.
std::pair<std::string, std::string> case_action(const messaging::AbuseCase& c) {
  if (c.org_id.empty()) return {};
  if (c.about == "number") return {"disable-sender", "Disable the number"};
  if (c.about == "page") return {"take-down-page", "Take the page down"};
  if (c.about == "message") return {"stop-message", "Stop the message"};
  return {};
}

}  // namespace

Result<PlatformView> read_platform(const people::Directory& directory, store::Store& store) {
  PlatformView v;
  for (people::OrgState* org : directory.all()) {
    PlatformView::OrgRow row;
    {
      std::shared_lock lock(org->mu);
      row.id = org->org.id;
      row.name = org->org.name;
      row.people = static_cast<int64_t>(org->person_order.size());
    }
    // As stored: the operator's own change (written as the CLI writes it) shows at once.
    auto s = oversight::stored_settings(store, row.id);
    if (!s) return s.error();
    row.state = sending_state(s.value());
    row.suspended = s->suspended;
    row.trusted = s->trusted;
    row.trusted_reason = s->trusted_reason;
    if (s->bulk_email_paused) row.email_paused = s->bulk_email_paused_reason;
    if (s->bulk_texts_paused) row.texts_paused = s->bulk_texts_paused_reason;
    if (s->bulk_email_paused && row.email_paused.empty()) row.email_paused = "(no figures recorded)";
    if (s->bulk_texts_paused && row.texts_paused.empty()) row.texts_paused = "(no figures recorded)";
    v.orgs.push_back(std::move(row));
  }
  std::sort(v.orgs.begin(), v.orgs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  auto name_of = [&v](const std::string& id) {
    for (const auto& o : v.orgs)
      if (o.id == id) return o.name;
    return std::string("(none found)");
  };
  auto held = oversight::held_messages(store, "");
  if (!held) return held.error();
  for (auto& h : held.value()) {
    std::string name = name_of(h.org_id);
    v.held.push_back({std::move(h), std::move(name)});
  }
  auto cases = oversight::abuse_cases(store, false);
  if (!cases) return cases.error();
  for (auto& c : cases.value()) {
    std::string name = name_of(c.org_id);
    v.cases.push_back({std::move(c), std::move(name)});
  }
  std::sort(v.cases.begin(), v.cases.end(),
            [](const auto& a, const auto& b) { return a.c.opened > b.c.opened; });
  return v;
}

std::string platform_page(const Frame& f, const PlatformView& v) {
  mstch::array orgs, cases;
  for (const auto& o : v.orgs)
    orgs.push_back(mstch::map{{"id", o.id},
                              {"name", o.name},
                              {"people", std::to_string(o.people)},
                              {"state", o.state},
                              {"suspended", o.suspended},
                              {"trusted", o.trusted},
                              {"trusted_reason", o.trusted_reason},
                              {"email_paused", o.email_paused},
                              {"texts_paused", o.texts_paused},
                              {"csrf", f.csrf}});
  mstch::array held;
  for (const auto& h : v.held) {
    const messaging::Message& m = h.held.message;
    mstch::array findings;
    for (const auto& fd : oversight::held_findings(m))
      findings.push_back(mstch::map{{"verdict", fd.verdict},
                                    {"code", fd.code},
                                    {"part", fd.part},
                                    {"excerpt", fd.excerpt},
                                    {"sentence", fd.sentence}});
    held.push_back(mstch::map{{"org_id", h.held.org_id},
                              {"org", h.org_name},
                              {"message_id", m.id},
                              {"title", !m.name.empty()      ? m.name
                                        : !m.subject.empty() ? m.subject
                                                             : std::string("(untitled)")},
                              {"channel", std::string(channel_name(m.channel))},
                              {"subject", m.subject},
                              {"recipients", std::to_string(m.total_targeted)},
                              {"held_at", format_iso8601(m.modified).substr(0, 16)},
                              {"reason", m.status_reason},
                              {"has_findings", !findings.empty()},
                              {"findings", findings},
                              {"body", m.body},
                              {"csrf", f.csrf}});
  }
  for (const auto& c : v.cases) {
    auto [action, label] = case_action(c.c);
    mstch::map row{{"id", c.c.id},         {"opened", format_iso8601(c.c.opened).substr(0, 16)},
                   {"org", c.org_name},    {"about", c.c.about},
                   {"target", c.c.target}, {"text", c.c.text},
                   {"csrf", f.csrf}};
    if (!action.empty()) row["action"] = mstch::map{{"action", action}, {"action_label", label}};
    cases.push_back(std::move(row));
  }
  return render_screen("Platform", &f, kPlatform,
                       {{"notice", v.notice},
                        {"error", v.error},
                        {"org_rows", orgs},
                        {"has_held", !v.held.empty()},
                        {"held_rows", held},
                        {"has_cases", !v.cases.empty()},
                        {"case_rows", cases},
                        {"csrf", f.csrf}});
}

}  // namespace tocsin::web::admin
