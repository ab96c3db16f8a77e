// The console's actions screens and forms (web/admin/action_screens.h). A create or edit is turned into the
// API's JSON body and read by the API's own parser (api/action_json.h), then written by
// actions::create_action / update_action through the API's write path — so the console accepts exactly what
// the API accepts.
#include <simdjson.h>

#include "actions/action_type.h"
#include "actions/action_write.h"
#include "actions/page_path.h"
#include "api/action_json.h"
#include "core/clock.h"
#include "core/json_out.h"
#include "core/query_string.h"
#include "core/text.h"
#include "importer/record_export.h"
#include "privacy/disclosure_log.h"
#include "web/admin/action_screens.h"
#include "web/admin/console.h"
#include "web/admin/console_path.h"
#include "web/admin/console_response.h"

namespace tocsin::web::admin {
namespace {

ActionForm form_of(const Target& form) {
  ActionForm f;
  f.kind = form.param("kind").value_or("petitions");
  f.title = form.param("title").value_or("");
  f.description = form.param("description").value_or("");
  f.disclosure = form.param("disclosure").value_or("");
  f.goal = form.param("goal").value_or("");
  f.embed_sites = form.param("embed_sites");
  return f;
}

// The API body the form stands for; an error in the words of the form when a field cannot be one.
Result<std::string> body_of(const ActionForm& f) {
  auto blank = [](const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; };
  if (blank(f.title)) return bad_request("A title is required.");
  if (f.title.size() > 500) return bad_request("The title is longer than 500 characters.");
  if (f.description.size() > 64 * 1024) return bad_request("The description is longer than 64 KiB.");
  if (f.disclosure.size() > 8 * 1024) return bad_request("The consent language is longer than 8 KiB.");
  int64_t goal = 0;
  if (!blank(f.goal)) {
    if (f.goal.size() > 12 || f.goal.find_first_not_of("0123456789") != std::string::npos)
      return bad_request("The goal must be a whole number, or empty for none.");
    goal = std::stoll(f.goal);
  }
  JsonOut j;
  j.begin()
      .kv("title", f.title)
      .kv("description", f.description)
      .kv("tocsin:disclosure", f.disclosure)
      .kv("tocsin:goal", goal);
  if (f.embed_sites) {
    // One site per line; the API's parser and actions::normalize_embed_sites judge each.
    j.begin_array("tocsin:embed_allowed_sites");
    std::string_view rest = *f.embed_sites;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      std::string_view line = trim_ascii_space(rest.substr(0, nl));
      if (!line.empty()) j.str(line);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    j.end_array();
  }
  j.end();
  return j.take();
}

Result<actions::ActionInput> input_of(const std::string& body, const actions::ActionType& type) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(body).get(e)) return bad_request("the form could not be read");
  return api::parse_action(e, type);
}

}  // namespace

void Console::commit_and_go(const staff::Principal& p, people::OrgState& org, std::string audit_action,
                            std::string subject, const std::string& ip, messaging::OrgWriteFn apply,
                            std::string to, std::function<api::Response(const Error&)> failed,
                            api::Respond respond) {
  messaging::commit_org_write(
      writes_.committer, org, std::move(apply),
      [=, this, org_id = org.org.id](Result<std::string> r) {
        if (!r) return respond(failed(r.error()));
        if (r.value() != "unchanged")
          (void)writes_.audit.record(
              {org_id, p.account_id, audit_action, subject.empty() ? r.value() : subject, ip, now_micros()});
        respond(redirect(r.value() == "unchanged" ? to : to + r.value()));
      },
      writes_.fence);
}

bool Console::route_actions(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                            const std::string& path, api::Respond& respond, const Frame& frame) {
  const bool post = req.method == "POST";
  const Target form = parse_target("?" + (post ? req.body : std::string()));
  const std::string& base = options_.public_url;
  auto list_screen = [&](int status, const ActionForm& typed) {
    std::vector<ActionRow> rows;
    {
      std::shared_lock lock(org.mu);
      rows = list_actions(org, base);
    }
    respond(html(status, actions_page(frame, rows, typed)));
  };

  if (path == "/admin/actions") {
    if (!p.can(staff::Permission::kRead))
      return respond(html(403, forbidden_page(frame, "reading actions"))), true;
    if (!post) return list_screen(200, ActionForm{}), true;
    if (!p.can(staff::Permission::kSend))
      return respond(html(403, forbidden_page(frame, "creating actions (viewers read only)"))), true;
    ActionForm typed = form_of(form);
    const auto& kinds = console_action_kinds();
    if (std::find(kinds.begin(), kinds.end(), typed.kind) == kinds.end()) {
      typed.kind = "petitions";
      typed.error = "Choose a kind of action.";
      return list_screen(422, typed), true;
    }
    auto body = body_of(typed);
    const actions::ActionType* type = body ? actions::type_by_collection(typed.kind) : nullptr;
    auto in = body && type ? input_of(body.value(), *type) : Result<actions::ActionInput>(body.error());
    if (!in) {
      typed.error = in.error().message;
      return list_screen(422, typed), true;
    }
    commit_and_go(
        p, org, "actions.create", "", client_ip(req),
        [type, in = std::move(in).value()](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                           Micros now) -> Result<std::string> {
          auto a = actions::create_action(o, *type, in, "", w, now);
          if (!a) return a.error();
          return a.value()->id;
        },
        "/admin/actions/",
        [frame, typed](const Error& e) {
          ActionForm again = typed;
          again.error = e.message;
          // The form as typed, with why (a refusal at commit is rare: the list is one reload away).
          return html(e.http_status == 500 ? 500 : 422, actions_page(frame, {}, again));
        },
        std::move(respond));
    return true;
  }

  std::string id = id_in(path, "/admin/actions/", "/export");
  const bool exporting = !id.empty();
  if (!exporting) id = id_in(path, "/admin/actions/", "");
  if (id.empty()) return false;
  if (!p.can(staff::Permission::kRead))
    return respond(html(403, forbidden_page(frame, "reading actions"))), true;

  if (exporting) {
    if (!post) return respond(html(405, forbidden_page(frame, "this page without its form"))), true;
    if (!p.can(staff::Permission::kExport))
      return respond(html(403, forbidden_page(frame, "exporting records (viewers read only)"))), true;
    Result<importer::RecordExport> out = not_found("");
    std::string title;
    {
      std::shared_lock lock(org.mu);
      const actions::Action* a = org.actions.find_action(id);
      if (a && actions::has_page(a->kind)) {
        out = importer::export_records_csv(org, id);
        title = a->slug;
      }
    }
    if (!out) return respond(html(404, not_found_page(frame, "such action"))), true;
    Micros now = now_micros();
    auto& ex = out.value();
    if (!writes_.audit.record({org.org.id, p.account_id, "actions.export",
                               id + " (" + std::to_string(ex.person_ids.size()) + " records)", client_ip(req),
                               now}))
      return respond(html(500, forbidden_page(frame, "exporting records now"))), true;
    api::Response r;
    r.status = 200;
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::move(ex.csv);
    r.headers = {{"Content-Disposition", "attachment; filename=\"" + title + "-records-" +
                                             format_iso8601(now).substr(0, 10) + ".csv\""},
                 {"Cache-Control", "no-store"}};
    release_read(p, org, req, "console.action_records_export", std::move(ex.person_ids), std::move(r),
                 std::move(respond), -1, privacy::kOwnUseBasis);
    return true;
  }

  auto detail_screen = [&](int status, const ActionForm* typed) {
    std::optional<ActionDetail> d;
    {
      std::shared_lock lock(org.mu);
      d = read_action(org, id, base);
    }
    if (!d) return respond(html(404, not_found_page(frame, "such action")));
    ActionForm edit;
    if (typed) {
      edit = *typed;
    } else {
      edit.title = d->row.title;
      edit.description = d->description;
      edit.disclosure = d->disclosure;
      edit.goal = d->goal > 0 ? std::to_string(d->goal) : "";
      std::string sites;
      for (const auto& site : d->embed_allowed_sites) sites += site + "\n";
      edit.embed_sites = sites;
    }
    std::vector<std::string> shown;
    for (const auto& r : d->latest) shown.push_back(r.person_id);
    release_read(p, org, req, "console.action", std::move(shown), html(status, action_page(frame, *d, edit)),
                 std::move(respond));
  };
  if (!post) return detail_screen(200, nullptr), true;
  if (!p.can(staff::Permission::kSend))
    return respond(html(403, forbidden_page(frame, "editing actions (viewers read only)"))), true;
  ActionForm typed = form_of(form);
  std::string kind;
  {
    std::shared_lock lock(org.mu);
    const actions::Action* a = org.actions.find_action(id);
    if (a && actions::has_page(a->kind)) kind = a->kind;
  }
  if (kind.empty()) return respond(html(404, not_found_page(frame, "such action"))), true;
  const actions::ActionType* type = actions::type_by_collection(kind);
  auto body = body_of(typed);
  auto in = body ? input_of(body.value(), *type) : Result<actions::ActionInput>(body.error());
  if (!in) {
    typed.error = in.error().message;
    return detail_screen(422, &typed), true;
  }
  commit_and_go(
      p, org, "actions.edit", id, client_ip(req),
      [type, id, in = std::move(in).value()](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                             Micros now) -> Result<std::string> {
        auto a = actions::update_action(o, *type, id, in, w, now);
        if (!a) return a.error();
        return std::string();
      },
      "/admin/actions/" + id,
      [frame](const Error& e) {
        return html(e.http_status == 404 ? 404 : 422,
                    e.http_status == 404 ? not_found_page(frame, "such action")
                                         : forbidden_page(frame, "this change: " + e.message));
      },
      std::move(respond));
  return true;
}

}  // namespace tocsin::web::admin
