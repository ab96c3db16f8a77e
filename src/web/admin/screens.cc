#include "web/admin/screens.h"

#include <mstch/mstch.hpp>

#include "core/clock.h"
#include "web/admin/layout.h"
#include "web/admin/time_chart.h"

namespace tocsin::web::admin {
namespace {

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
{{#counted}}<ul class="figures">
<li><strong id="people-count">{{people}}</strong>people</li>
<li><strong id="email-subscribed">{{email_subscribed}}</strong>subscribed to email (of {{with_email}} with an address)</li>
<li><strong id="sms-subscribed">{{sms_subscribed}}</strong>subscribed to texts (of {{with_phone}} with a number)</li>
</ul>{{#counted_at}}<p id="counted-at">Counted at {{counted_at}}{{#recounting}}; a new count is under way{{/recounting}}.</p>{{/counted_at}}
<h3 id="growth-heading">Growth over the last 30 days</h3>
{{{growth}}}{{/counted}}
{{^counted}}<p id="counting" role="status">Counting everyone: this organization is large, so it is counted in the background. This page reloads in a few seconds.</p>{{/counted}}</section>
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

constexpr const char* kPeople = R"(<main><h1>People</h1>
<form method="post" action="/admin/people" role="search">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="q">Email, phone, family name, or a filter such as <code>given_name eq 'Ada'</code></label>
<input id="q" name="q" type="search" required value="{{query}}">
<button type="submit">Search</button>
</form>
{{#can_export}}<form method="post" action="/admin/people/export">
<input type="hidden" name="csrf" value="{{csrf}}">
<button type="submit">Export everyone as CSV</button> <span>(the file <code>tocsin import</code> reads back; people under a restriction of processing are left out; the export is logged)</span>
</form>{{/can_export}}
{{#can_edit}}<p><a href="/admin/people/import">Import people from a CSV file</a></p>{{/can_edit}}
{{#error}}<div class="alert" role="alert">{{error}}</div>{{/error}}
{{#searched}}<h2 id="results">{{count}} found</h2>
{{#has_rows}}<table aria-labelledby="results"><thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Email status</th><th scope="col">Phone</th><th scope="col">Text status</th></tr></thead><tbody>
{{#rows}}<tr><td><a href="/admin/people/{{id}}">{{label}}</a></td><td>{{email}}</td><td>{{email_status}}</td><td>{{phone}}</td><td>{{sms_status}}</td></tr>{{/rows}}
</tbody></table>{{/has_rows}}{{/searched}}
</main></body></html>
)";

constexpr const char* kPerson = R"(<main><p><a href="/admin/people">People</a></p>
<h1>{{label}}</h1>
<section aria-labelledby="fields"><h2 id="fields">Fields</h2>
<dl class="facts">
<dt>Given name</dt><dd id="given-name">{{given_name}}</dd>
<dt>Family name</dt><dd id="family-name">{{family_name}}</dd>
<dt>Email</dt><dd>{{#has_email}}{{email}} ({{email_status}}){{/has_email}}{{^has_email}}none{{/has_email}}</dd>
<dt>Phone</dt><dd>{{#has_phone}}{{phone}} ({{sms_status}}){{/has_phone}}{{^has_phone}}none{{/has_phone}}</dd>
<dt>Postal addresses</dt><dd>{{#addresses}}<address>{{#lines}}{{line}}<br>{{/lines}}{{place}}{{#primary}} (primary){{/primary}}</address>{{/addresses}}{{^addresses}}none{{/addresses}}</dd>
<dt>Languages</dt><dd>{{languages}}</dd>
<dt>Created</dt><dd>{{created}}</dd>
<dt>Modified</dt><dd>{{modified}}</dd>
<dt>Open and click tracking</dt><dd id="tracking">{{#tracking_objection}}objected on {{tracking_objection}}: never tracked{{/tracking_objection}}{{^tracking_objection}}as the organization sets it{{/tracking_objection}}</dd>
</dl>
<h3>Custom fields</h3>
{{#has_custom}}<dl class="facts" id="custom-fields">{{#custom}}<dt>{{name}}</dt><dd>{{value}}</dd>{{/custom}}</dl>{{/has_custom}}{{^has_custom}}<p>None.</p>{{/has_custom}}
{{#can_edit}}<form method="post" action="/admin/people/{{id}}/fields">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="edit-given-name">Given name</label><input id="edit-given-name" name="given_name" value="{{given_name}}" maxlength="255" autocomplete="off">
<label for="edit-family-name">Family name</label><input id="edit-family-name" name="family_name" value="{{family_name}}" maxlength="255" autocomplete="off">
{{#custom}}<label for="edit-field-{{index}}">{{name}}</label><input id="edit-field-{{index}}" name="field:{{name}}" value="{{value}}" maxlength="4096" autocomplete="off">
{{/custom}}<label for="new-field">New custom field</label><input id="new-field" name="new_field" maxlength="255" autocomplete="off">
<label for="new-value">Its value</label><input id="new-value" name="new_value" maxlength="4096" autocomplete="off">
<p class="hint">An emptied field is removed.</p>
<button type="submit">Save fields</button>
</form>{{/can_edit}}
{{#can_edit}}<h3 id="contact-points">Contact points</h3>
<form method="post" action="/admin/people/{{id}}/contact" aria-labelledby="contact-points">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="edit-email">Email address</label><input id="edit-email" name="email" type="email" value="{{email}}" maxlength="320" autocomplete="off">
<label for="edit-phone">Mobile number</label><input id="edit-phone" name="phone" type="tel" value="{{phone}}" maxlength="40" autocomplete="off">
<fieldset><legend>Postal address (primary)</legend>
<label for="edit-line1">Address line 1</label><input id="edit-line1" name="address_line1" value="{{addr_line1}}" maxlength="255" autocomplete="off">
<label for="edit-line2">Address line 2</label><input id="edit-line2" name="address_line2" value="{{addr_line2}}" maxlength="255" autocomplete="off">
<label for="edit-locality">City</label><input id="edit-locality" name="locality" value="{{addr_locality}}" maxlength="255" autocomplete="off">
<label for="edit-region">Region or state</label><input id="edit-region" name="region" value="{{addr_region}}" maxlength="255" autocomplete="off">
<label for="edit-postal-code">Postal code</label><input id="edit-postal-code" name="postal_code" value="{{addr_postal_code}}" maxlength="255" autocomplete="off">
<label for="edit-country">Country</label><input id="edit-country" name="country" value="{{addr_country}}" maxlength="255" autocomplete="off">
</fieldset>
<fieldset><legend>Consent</legend>
<p class="hint">A new address or number is not subscribed: changing it records no consent. Tick only when the person agreed to hear from you there, and say where and how.</p>
<label><input type="checkbox" name="consent_email" value="1"> They agreed to receive email at this address</label>
<label><input type="checkbox" name="consent_sms" value="1"> They opted in to texts at this number</label>
<label for="consent-source">Where they agreed</label><input id="consent-source" name="consent_source" maxlength="500" autocomplete="off">
<label for="consent-method">How they agreed (e.g. "told us on the phone")</label><input id="consent-method" name="consent_method" maxlength="200" autocomplete="off">
<label for="consent-disclosure">The words they agreed to (optional)</label><textarea id="consent-disclosure" name="consent_disclosure" rows="2" maxlength="4000"></textarea>
</fieldset>
<p class="hint">An emptied address or number is removed (a person keeps at least one). Unsubscribe per channel is beside each timeline below.</p>
<button type="submit">Save contact points</button>
</form>{{/can_edit}}
<h3>Tags</h3>{{#has_tags}}<ul class="tags" id="tags">{{#tags}}<li>{{tag_name}}{{#can_edit}} <form method="post" action="/admin/people/{{id}}/untag" class="inline">
<input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="tag" value="{{tag_id}}"><button type="submit" aria-label="Remove the tag {{tag_name}}">Remove</button></form>{{/can_edit}}</li>{{/tags}}</ul>{{/has_tags}}{{^has_tags}}<p id="tags">None.</p>{{/has_tags}}
{{#can_tag}}<form method="post" action="/admin/people/{{id}}/tag">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="add-tag">Add a tag</label> <select id="add-tag" name="tag">{{#tag_choices}}<option value="{{tag_id}}">{{tag_name}}</option>{{/tag_choices}}</select>
<button type="submit">Add tag</button>
</form>{{/can_tag}}
<h3>Lists</h3><p id="lists">{{#has_lists}}{{lists}}{{/has_lists}}{{^has_lists}}None.{{/has_lists}}</p>
</section>
<section aria-labelledby="actions-taken"><h2 id="actions-taken">Actions taken</h2>
{{#has_actions}}<div class="scroll"><table aria-labelledby="actions-taken"><thead><tr><th scope="col">Action</th><th scope="col">Kind</th><th scope="col">Date</th></tr></thead><tbody>
{{#actions}}<tr><td>{{title}}</td><td>{{kind}}</td><td>{{date}}</td></tr>{{/actions}}
</tbody></table></div>{{#actions_capped}}<p>The newest {{actions_shown}} of {{actions_total}}.</p>{{/actions_capped}}{{/has_actions}}{{^has_actions}}<p>None.</p>{{/has_actions}}
</section>
<section aria-labelledby="messages-received"><h2 id="messages-received">Messages received</h2>
{{#has_messages}}<div class="scroll"><table aria-labelledby="messages-received"><thead><tr><th scope="col">Message</th><th scope="col">Channel</th><th scope="col">Delivery</th><th scope="col">Reason</th><th scope="col">Date</th></tr></thead><tbody>
{{#messages}}<tr><td>{{name}}</td><td>{{channel}}</td><td>{{state}}</td><td>{{reason}}</td><td>{{date}}</td></tr>{{/messages}}
</tbody></table></div>{{/has_messages}}{{^has_messages}}<p>None.</p>{{/has_messages}}
{{#messages_capped}}<p>Looked up in the organization's newest {{messages_looked}} messages sent.</p>{{/messages_capped}}
</section>
<section aria-labelledby="consent"><h2 id="consent">Consent timeline</h2>
<form method="post" action="/admin/people/{{id}}/verify#consent">
<input type="hidden" name="csrf" value="{{csrf}}">
<p>Each entry is a link in the organization's hash chain. Verify recomputes every entry's hash and checks the chain end to end.</p>
<button type="submit">Verify</button>
</form>
{{#has_chain}}<div class="{{chain_class}}" role="status" id="chain-result">{{chain_summary}}</div>{{/has_chain}}
{{#timelines}}<h3>{{channel_label}}: {{address}} ({{status}})</h3>
{{#can_unsubscribe}}<form method="post" action="/admin/people/{{id}}/unsubscribe">
<input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="channel" value="{{channel}}">
<button type="submit">Unsubscribe from {{channel_noun}}</button>
</form>{{/can_unsubscribe}}
{{#has_entries}}<ol class="timeline">
{{#entries}}<li><p><strong>{{time}}</strong>: {{old_status}} → {{new_status}}{{^intact}} <strong>(this entry's hash does not match its contents)</strong>{{/intact}}</p>
<dl class="facts">
<dt>Method</dt><dd>{{method}}</dd>
<dt>Source</dt><dd>{{source}}</dd>
{{#has_consent_time}}<dt>Consent given</dt><dd>{{consent_time}}</dd>{{/has_consent_time}}
<dt>IP</dt><dd>{{ip}}</dd>
<dt>User agent</dt><dd>{{user_agent}}</dd>
<dt>Actor</dt><dd>{{actor}}</dd>
<dt>Disclosure shown</dt><dd>{{#has_disclosure}}<blockquote>{{disclosure}}</blockquote>{{/has_disclosure}}{{^has_disclosure}}{{no_disclosure}}{{/has_disclosure}}</dd>
<dt>Entry</dt><dd>#{{seq}}</dd>
</dl></li>{{/entries}}
</ol>{{/has_entries}}{{^has_entries}}<p>No ledger entry for this contact point.</p>{{/has_entries}}
{{/timelines}}{{^timelines}}<p>This person has no email address or phone number.</p>{{/timelines}}
</section></main></body></html>
)";

constexpr const char* kNotFound = R"(<main><h1>Not found</h1>
<p role="alert">There is no {{what}} in this organization.</p></main></body></html>
)";

constexpr const char* kForbidden = R"(<main><h1>Not allowed</h1>
<p role="alert">Your role does not allow {{what}}. Ask an owner of this organization.</p></main></body></html>
)";

std::string num(int64_t n) {
  return std::to_string(n);
}

}  // namespace

std::string login_page(const std::string& csrf, const std::string& error, const std::string& email) {
  return render_screen("Log in", nullptr, kLogin, {{"csrf", csrf}, {"error", error}, {"email", email}});
}

// The dashboard's growth: everyone at the end of each of the last days, and those new that day.
TimeChart growth_chart(const PeopleCounts& d) {
  TimeChart c;
  c.id = "growth";
  c.caption = "People at the end of each day, and new people that day (UTC)";
  ChartSeries total{"people", "People", {}}, fresh{"new", "New that day", {}};
  int64_t running = d.before_growth;
  for (size_t i = 0; i < d.new_per_day.size(); ++i) {
    running += d.new_per_day[i];
    c.labels.push_back(
        format_iso8601(d.growth_from + static_cast<Micros>(i) * 86400 * 1'000'000).substr(0, 10));
    total.values.push_back(running);
    fresh.values.push_back(d.new_per_day[i]);
  }
  c.series = {std::move(total), std::move(fresh)};
  return c;
}

std::string dashboard_page(const Frame& f, const DashboardFacts& d) {
  const PeopleCounts c = d.counts ? *d.counts : PeopleCounts{};
  mstch::array blockers, in_flight, actions;
  for (const auto& b : d.blockers) blockers.push_back(mstch::map{{"what", b.what}, {"fix", b.fix}});
  for (const auto& m : d.in_flight)
    in_flight.push_back(mstch::map{
        {"name", m.name}, {"channel", m.channel}, {"status", m.status}, {"targeted", num(m.targeted)}});
  for (const auto& a : d.recent_actions)
    actions.push_back(mstch::map{{"title", a.title}, {"kind", a.kind}, {"records", num(a.records)}});
  return render_screen(
      "Dashboard", &f, kDashboard,
      {{"has_blockers", !d.blockers.empty()},
       {"blockers", blockers},
       {"counted", d.counts != nullptr},
       {"counted_at", d.counted_at ? format_iso8601(d.counted_at).substr(11, 8) + " UTC" : ""},
       {"recounting", d.recounting},
       {"people", num(c.people)},
       {"with_email", num(c.with_email)},
       {"email_subscribed", num(c.email_subscribed)},
       {"with_phone", num(c.with_phone)},
       {"sms_subscribed", num(c.sms_subscribed)},
       {"growth", d.counts ? render_chart(growth_chart(c)) : std::string()},
       {"has_in_flight", !d.in_flight.empty()},
       {"in_flight", in_flight},
       {"has_actions", !d.recent_actions.empty()},
       {"actions", actions}});
}

std::string people_page(const Frame& f, const std::string& query, const std::vector<PersonRow>* rows,
                        const std::string& error) {
  mstch::array list;
  if (rows)
    for (const auto& r : *rows)
      list.push_back(mstch::map{{"id", r.id},
                                {"label", r.name.empty() ? std::string("(no name)") : r.name},
                                {"email", r.email},
                                {"email_status", r.email_status},
                                {"phone", r.phone},
                                {"sms_status", r.sms_status}});
  return render_screen("People", &f, kPeople,
                       {{"csrf", f.csrf},
                        {"can_export", f.can_export},
                        {"can_edit", f.can_edit},
                        {"query", query},
                        {"error", error},
                        {"searched", rows != nullptr},
                        {"count", num(rows ? static_cast<int64_t>(rows->size()) : 0)},
                        {"has_rows", rows && !rows->empty()},
                        {"rows", list}});
}

std::string person_page(const Frame& f, const PersonView& v, const ChainCheck* chain) {
  const Person& p = v.person;
  const std::string name =
      p.given_name + (p.given_name.empty() || p.family_name.empty() ? "" : " ") + p.family_name;
  const std::string label = name.empty() ? std::string("(no name)") : name;
  auto joined = [](const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  };
  mstch::array addresses, custom, actions, messages, timelines, tags, tag_choices;
  for (const auto& t : v.tags) tags.push_back(mstch::map{{"tag_id", t.id}, {"tag_name", t.name}});
  for (const auto& t : v.tag_choices)
    tag_choices.push_back(mstch::map{{"tag_id", t.id}, {"tag_name", t.name}});
  for (const auto& a : p.postal_addresses) {
    mstch::array lines;
    for (const auto& l : a.address_lines) lines.push_back(mstch::map{{"line", l}});
    std::string place;
    for (const std::string* part : {&a.locality, &a.region, &a.postal_code, &a.country})
      if (!part->empty()) place += (place.empty() ? "" : " ") + *part;
    addresses.push_back(mstch::map{{"lines", lines}, {"place", place}, {"primary", a.primary}});
  }
  // The address the contact points form edits: the primary one, else the first.
  const PostalAddress* primary = nullptr;
  for (const auto& a : p.postal_addresses)
    if (a.primary && !primary) primary = &a;
  if (!primary && !p.postal_addresses.empty()) primary = &p.postal_addresses.front();
  for (const auto& [k, val] : p.custom_fields)
    custom.push_back(
        mstch::map{{"name", k}, {"value", val}, {"index", num(static_cast<int64_t>(custom.size()))}});
  for (const auto& a : v.actions)
    actions.push_back(mstch::map{{"title", a.title}, {"kind", a.kind}, {"date", a.date}});
  for (const auto& m : v.messages)
    messages.push_back(mstch::map{{"name", m.name},
                                  {"channel", m.channel},
                                  {"state", m.state},
                                  {"reason", m.reason},
                                  {"date", m.date}});
  for (const auto& tl : v.timelines) {
    mstch::array entries;
    for (const auto& e : tl.entries)
      entries.push_back(mstch::map{{"seq", num(e.seq)},
                                   {"time", e.time},
                                   {"has_consent_time", !e.consent_time.empty()},
                                   {"consent_time", e.consent_time},
                                   {"old_status", e.old_status},
                                   {"new_status", e.new_status},
                                   {"intact", e.intact},
                                   {"method", e.method},
                                   {"source", e.source},
                                   {"ip", e.ip},
                                   {"user_agent", e.user_agent},
                                   {"actor", e.actor},
                                   {"has_disclosure", e.disclosure.has_value()},
                                   {"disclosure", e.disclosure.value_or("")},
                                   {"no_disclosure", std::string("none recorded")}});
    timelines.push_back(mstch::map{{"channel_label", tl.channel == "sms" ? std::string("Texts") : "Email"},
                                   {"channel", tl.channel},
                                   {"channel_noun", tl.channel == "sms" ? std::string("texts") : "email"},
                                   {"can_unsubscribe", f.can_edit && tl.status == "subscribed"},
                                   {"address", tl.address},
                                   {"status", tl.status},
                                   {"has_entries", !tl.entries.empty()},
                                   {"entries", entries}});
  }
  return render_screen(
      label, &f, kPerson,
      {{"id", p.id},
       {"csrf", f.csrf},
       {"label", label},
       {"given_name", p.given_name},
       {"family_name", p.family_name},
       {"has_email", p.email.has_value()},
       {"email", p.email.value_or("")},
       {"email_status", v.email_status},
       {"has_phone", p.phone.has_value()},
       {"phone", p.phone.value_or("")},
       {"sms_status", v.sms_status},
       {"addresses", addresses},
       {"addr_line1", primary && !primary->address_lines.empty() ? primary->address_lines[0] : std::string()},
       {"addr_line2",
        primary && primary->address_lines.size() > 1 ? primary->address_lines[1] : std::string()},
       {"addr_locality", primary ? primary->locality : std::string()},
       {"addr_region", primary ? primary->region : std::string()},
       {"addr_postal_code", primary ? primary->postal_code : std::string()},
       {"addr_country", primary ? primary->country : std::string()},
       {"languages", joined(p.languages_spoken)},
       {"created", p.created ? format_iso8601(p.created) : std::string()},
       {"modified", p.modified ? format_iso8601(p.modified) : std::string()},
       {"tracking_objection", p.tracking_objection ? format_iso8601(p.tracking_objection) : std::string()},
       {"has_custom", !custom.empty()},
       {"custom", custom},
       {"has_tags", !v.tags.empty()},
       {"tags", tags},
       {"can_edit", f.can_edit},
       {"can_tag", f.can_edit && !v.tag_choices.empty()},
       {"tag_choices", tag_choices},
       {"has_lists", !v.lists.empty()},
       {"lists", joined(v.lists)},
       {"has_actions", !v.actions.empty()},
       {"actions", actions},
       {"actions_capped", v.actions_total > v.actions.size()},
       {"actions_shown", num(static_cast<int64_t>(v.actions.size()))},
       {"actions_total", num(static_cast<int64_t>(v.actions_total))},
       {"has_messages", !v.messages.empty()},
       {"messages", messages},
       {"messages_capped", v.messages_capped},
       {"messages_looked", num(static_cast<int64_t>(kMaxMessagesLooked))},
       {"has_chain", chain != nullptr},
       {"chain_class", std::string(chain && chain->ok ? "ok" : "alert")},
       {"chain_summary", chain ? chain->summary : std::string()},
       {"timelines", timelines}});
}

std::string not_found_page(const Frame& f, const std::string& what) {
  return render_screen("Not found", &f, kNotFound, {{"what", what}});
}

std::string forbidden_page(const Frame& f, const std::string& what) {
  return render_screen("Not allowed", &f, kForbidden, {{"what", what}});
}

}  // namespace tocsin::web::admin
