#include "web/admin/action_screens.h"

#include <mstch/mstch.hpp>

#include "actions/action_type.h"
#include "actions/embed_sites.h"
#include "actions/page_path.h"
#include "core/clock.h"
#include "web/admin/person_view.h"

namespace tocsin::web::admin {
namespace {

constexpr const char* kActions = R"(<main><h1>Actions</h1>
{{#has_rows}}<div class="scroll"><table aria-labelledby="actions-list"><caption id="actions-list">Actions with a hosted page</caption>
<thead><tr><th scope="col">Title</th><th scope="col">Kind</th><th scope="col">Records</th><th scope="col">Created</th></tr></thead><tbody>
{{#rows}}<tr><td><a href="/admin/actions/{{id}}">{{title}}</a></td><td>{{kind}}</td><td>{{records}}</td><td>{{created}}</td></tr>{{/rows}}
</tbody></table></div>{{/has_rows}}{{^has_rows}}<p>No actions yet.</p>{{/has_rows}}
{{#can_edit}}<section aria-labelledby="create"><h2 id="create">Create an action</h2>
{{#error}}<div class="alert" role="alert" id="action-error">{{error}}</div>{{/error}}
<form method="post" action="/admin/actions">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="kind">Kind</label><select id="kind" name="kind">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/kinds}}</select>
<label for="title">Title</label><input id="title" name="title" required maxlength="500" value="{{title}}">
<label for="description">Description (HTML allowed, shown on the page)</label><textarea id="description" name="description" rows="5">{{description}}</textarea>
<label for="disclosure">Consent language shown above the button (empty: the organization's default)</label><textarea id="disclosure" name="disclosure" rows="3">{{disclosure}}</textarea>
<label for="goal">Goal (petitions: signatures; empty for none)</label><input id="goal" name="goal" inputmode="numeric" value="{{goal}}">
<button type="submit">Create</button>
</form></section>{{/can_edit}}
</main></body></html>
)";

constexpr const char* kAction = R"(<main><p><a href="/admin/actions">Actions</a></p>
<h1>{{title}}</h1>
<dl class="facts">
<dt>Kind</dt><dd>{{kind}}</dd>
<dt>Records</dt><dd id="record-count">{{records}}</dd>
{{#goal}}<dt>Goal</dt><dd>{{goal}}</dd>{{/goal}}
<dt>Created</dt><dd>{{created}}</dd>
<dt>Hosted page</dt><dd><a id="page-link" href="{{page_url}}">{{page_url}}</a></dd>
<dt>Consent language (version {{version}})</dt><dd id="disclosure-text">{{#disclosure}}<blockquote>{{disclosure}}</blockquote>{{/disclosure}}{{^disclosure}}the organization's default{{/disclosure}}</dd>
{{#purpose}}<dt>Consent purpose</dt><dd>{{purpose}}</dd>{{/purpose}}
<dt>Sites allowed to embed the form</dt><dd id="embed-sites">{{#embed_sites}}{{.}} {{/embed_sites}}{{^embed_sites}}any site{{/embed_sites}}</dd>
</dl>
<section aria-labelledby="preview-heading"><h2 id="preview-heading">Preview</h2>
<p>The hosted page as a first-time visitor sees it now (its form does nothing here).</p>
<iframe class="preview" id="page-preview" src="{{page_path}}" title="Preview of the hosted page {{title}}" sandbox loading="lazy"></iframe>
</section>
<section aria-labelledby="records-heading"><h2 id="records-heading">Latest records</h2>
{{#has_latest}}<div class="scroll"><table aria-labelledby="records-heading"><thead><tr><th scope="col">Person</th><th scope="col">Date</th></tr></thead><tbody>
{{#latest}}<tr><td><a href="/admin/people/{{person_id}}">{{name}}</a></td><td>{{date}}</td></tr>{{/latest}}
</tbody></table></div>{{/has_latest}}{{^has_latest}}<p>None yet.</p>{{/has_latest}}
{{#can_export}}<form method="post" action="/admin/actions/{{id}}/export">
<input type="hidden" name="csrf" value="{{csrf}}">
<button type="submit">Export records as CSV</button> <span>(the export is logged)</span>
</form>{{/can_export}}
</section>
{{#can_edit}}<section aria-labelledby="edit"><h2 id="edit">Edit</h2>
{{#error}}<div class="alert" role="alert" id="action-error">{{error}}</div>{{/error}}
<form method="post" action="/admin/actions/{{id}}">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="title">Title</label><input id="title" name="title" required maxlength="500" value="{{edit_title}}">
<label for="description">Description</label><textarea id="description" name="description" rows="5">{{edit_description}}</textarea>
<label for="disclosure">Consent language (a change makes a new version; earlier signers keep the text they saw)</label><textarea id="disclosure" name="disclosure" rows="3">{{edit_disclosure}}</textarea>
<label for="goal">Goal</label><input id="goal" name="goal" inputmode="numeric" value="{{edit_goal}}">
<label for="embed_sites">Sites allowed to embed the form: one per line, https://example.org or https://*.example.org (empty: any site)</label><textarea id="embed_sites" name="embed_sites" rows="3">{{edit_embed_sites}}</textarea>
<button type="submit">Save</button>
</form></section>{{/can_edit}}
</main></body></html>
)";

std::string title_of(const actions::Action& a) {
  auto t = actions::string_field(a.fields, "title");
  return t && !t->empty() ? *t : std::string("(untitled)");
}

ActionRow row_of(const people::OrgState& org, const actions::Action& a, const std::string& public_url) {
  return {a.id,
          title_of(a),
          a.kind,
          format_iso8601(a.created).substr(0, 10),
          public_url + actions::page_path(org.slug, a),
          actions::page_path(org.slug, a),
          static_cast<int64_t>(org.actions.records_of_action(a.id).size())};
}

}  // namespace

const std::vector<std::string>& console_action_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> out;
    for (const char* k : {"petitions", "forms", "events", "fundraising_pages", "advocacy_campaigns"})
      if (actions::has_page(k)) out.push_back(k);
    return out;
  }();
  return kinds;
}

std::vector<ActionRow> list_actions(const people::OrgState& org, const std::string& public_url) {
  std::vector<ActionRow> rows;
  for (const auto& kind : console_action_kinds())
    for (const auto& id : org.actions.actions_of_kind(kind))
      if (const auto* a = org.actions.find_action(id)) rows.push_back(row_of(org, *a, public_url));
  // Newest first: what an organizer works on now.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const ActionRow& x, const ActionRow& y) { return x.created > y.created; });
  return rows;
}

std::optional<ActionDetail> read_action(const people::OrgState& org, const std::string& id,
                                        const std::string& public_url) {
  const actions::Action* a = org.actions.find_action(id);
  if (!a || !actions::has_page(a->kind)) return std::nullopt;
  ActionDetail d;
  d.row = row_of(org, *a, public_url);
  d.description = actions::string_field(a->fields, "description").value_or("");
  d.disclosure = a->disclosure;
  d.purpose = a->purpose;
  d.disclosure_version = a->disclosure_version;
  d.goal = a->goal;
  d.embed_allowed_sites = actions::embed_allowed_sites(*a);
  const auto& records = org.actions.records_of_action(id);
  for (auto it = records.rbegin(); it != records.rend() && d.latest.size() < kLatestRecords; ++it) {
    const auto* r = org.actions.find_record(*it);
    if (!r) continue;
    d.latest.push_back(
        {r->person_id, person_label(org.find_person(r->person_id)), format_iso8601(r->created)});
  }
  return d;
}

std::string actions_page(const Frame& f, const std::vector<ActionRow>& rows, const ActionForm& typed) {
  mstch::array list, kinds;
  for (const auto& r : rows)
    list.push_back(mstch::map{{"id", r.id},
                              {"title", r.title},
                              {"kind", r.kind},
                              {"records", std::to_string(r.records)},
                              {"created", r.created}});
  for (const auto& k : console_action_kinds())
    kinds.push_back(mstch::map{{"value", k}, {"selected", k == typed.kind}});
  return render_screen("Actions", &f, kActions,
                       {{"has_rows", !rows.empty()},
                        {"rows", list},
                        {"can_edit", f.can_edit},
                        {"csrf", f.csrf},
                        {"kinds", kinds},
                        {"title", typed.title},
                        {"description", typed.description},
                        {"disclosure", typed.disclosure},
                        {"goal", typed.goal},
                        {"error", typed.error}});
}

std::string action_page(const Frame& f, const ActionDetail& a, const ActionForm& edit) {
  mstch::array latest, sites;
  for (const auto& site : a.embed_allowed_sites) sites.push_back(site);
  for (const auto& r : a.latest)
    latest.push_back(mstch::map{{"person_id", r.person_id}, {"name", r.name}, {"date", r.date}});
  return render_screen(a.row.title, &f, kAction,
                       {{"id", a.row.id},
                        {"title", a.row.title},
                        {"kind", a.row.kind},
                        {"records", std::to_string(a.row.records)},
                        {"goal", a.goal > 0 ? std::to_string(a.goal) : std::string()},
                        {"created", a.row.created},
                        {"page_url", a.row.page_url},
                        {"page_path", a.row.page_path},
                        {"version", std::to_string(a.disclosure_version)},
                        {"disclosure", a.disclosure},
                        {"purpose", a.purpose},
                        {"embed_sites", sites},
                        {"has_latest", !a.latest.empty()},
                        {"latest", latest},
                        {"can_export", f.can_export},
                        {"can_edit", f.can_edit},
                        {"csrf", f.csrf},
                        {"error", edit.error},
                        {"edit_title", edit.title},
                        {"edit_description", edit.description},
                        {"edit_disclosure", edit.disclosure},
                        {"edit_goal", edit.goal},
                        {"edit_embed_sites", edit.embed_sites.value_or("")}});
}

}  // namespace tocsin::web::admin
