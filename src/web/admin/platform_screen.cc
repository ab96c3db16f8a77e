#include "web/admin/platform_screen.h"

#include <mstch/mstch.hpp>

#include <algorithm>

#include "core/clock.h"

namespace tocsin::web::admin {
namespace {

constexpr const char* kPlatform = R"(<main><h1>Platform</h1>
{{#notice}}<div class="ok" role="status" id="platform-notice">{{notice}}</div>{{/notice}}
{{#error}}<div class="alert" role="alert" id="platform-error">{{error}}</div>{{/error}}
<section aria-labelledby="orgs"><h2 id="orgs">Organizations</h2>
<div class="scroll"><table aria-labelledby="orgs"><thead><tr><th scope="col">Organization</th><th scope="col">People</th><th scope="col">Sending</th><th scope="col">Suspension</th></tr></thead><tbody>
{{#org_rows}}<tr id="org-{{id}}"><td>{{name}}<br><small><code>{{id}}</code></small></td><td>{{people}}</td><td>{{state}}</td><td>
{{#suspended}}<form method="post" action="/admin/platform/orgs/{{id}}/unsuspend"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="Lift the suspension of {{name}}">Lift</button></form>{{/suspended}}
{{^suspended}}<form method="post" action="/admin/platform/orgs/{{id}}/suspend"><input type="hidden" name="csrf" value="{{csrf}}"><label for="reason-{{id}}">Reason (shown with every refusal)</label><input id="reason-{{id}}" name="reason" required maxlength="500"><button type="submit" aria-label="Suspend {{name}}">Suspend</button></form>{{/suspended}}
</td></tr>{{/org_rows}}
</tbody></table></div></section>
<section aria-labelledby="cases"><h2 id="cases">Open abuse cases</h2>
{{#has_cases}}<div class="scroll"><table aria-labelledby="cases"><thead><tr><th scope="col">Opened</th><th scope="col">Organization</th><th scope="col">About</th><th scope="col">Report</th></tr></thead><tbody>
{{#case_rows}}<tr><td>{{opened}}<br><small><code>{{id}}</code></small></td><td>{{org}}</td><td>{{about}}: <code style="overflow-wrap:anywhere">{{target}}</code></td><td>{{text}}</td></tr>{{/case_rows}}
</tbody></table></div><p>Close a case with what was done: <code>tocsin abuse close --case ID --reason ...</code> (it can disable the number, take the page down or stop the message).</p>{{/has_cases}}{{^has_cases}}<p>None open.</p>{{/has_cases}}
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
  if (s.bulk_email_paused) return "bulk email paused: " + s.bulk_email_paused_reason;
  return "sending";
}

}  // namespace

Result<PlatformView> read_platform(const people::Directory& directory, store::Store& store) {
  PlatformView v;
  std::vector<std::string> holders{""};
  for (people::OrgState* org : directory.all()) {
    std::shared_lock lock(org->mu);
    const auto& s = org->messaging.settings();
    v.orgs.push_back({org->org.id, org->org.name, sending_state(s),
                      static_cast<int64_t>(org->person_order.size()), s.suspended});
    holders.push_back(org->org.id);
  }
  std::sort(v.orgs.begin(), v.orgs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& holder : holders) {
    auto docs = store.scope(holder).docs_of_kind(messaging::kAbuseCaseKind);
    if (!docs) return docs.error();
    for (const auto& d : docs.value()) {
      auto c = messaging::decode_abuse_case(d.doc);
      if (!c || c->status != "open") continue;
      std::string org_name = "(none found)";
      for (const auto& o : v.orgs)
        if (o.id == c->org_id) org_name = o.name;
      v.cases.push_back({std::move(c).value(), org_name});
    }
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
                              {"csrf", f.csrf}});
  for (const auto& c : v.cases)
    cases.push_back(mstch::map{{"id", c.c.id},
                               {"opened", format_iso8601(c.c.opened).substr(0, 16)},
                               {"org", c.org_name},
                               {"about", c.c.about},
                               {"target", c.c.target},
                               {"text", c.c.text}});
  return render_screen("Platform", &f, kPlatform,
                       {{"notice", v.notice},
                        {"error", v.error},
                        {"org_rows", orgs},
                        {"has_cases", !v.cases.empty()},
                        {"case_rows", cases},
                        {"csrf", f.csrf}});
}

}  // namespace tocsin::web::admin
