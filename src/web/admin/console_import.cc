// The console's CSV import (docs/CONSOLE.md "Import"): organizers, admins and owners upload a file with the
// consent basis `tocsin import` takes as flags; the import runs in the background through the server's
// committer (web/admin/import_jobs.h) while its page shows the progress, then the counts and the rejected
// rows. Viewers get 403; a job of another organization is 404.
#include "core/clock.h"
#include "core/query_string.h"
#include "core/secret_compare.h"
#include "web/admin/console.h"
#include "web/admin/console_path.h"
#include "web/admin/console_response.h"
#include "web/admin/form_upload.h"
#include "web/admin/import_screen.h"
#include "web/admin/screens.h"

namespace tocsin::web::admin {
namespace {

constexpr std::string_view kImportPath = "/admin/people/import";

// A file name fit for the evidence and the screen: its last component, control characters dropped, bounded.
std::string clean_file_name(const std::string& raw) {
  std::string out;
  for (char c : raw)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
  if (out.size() > 100) out.resize(100);
  return out.empty() ? "upload.csv" : out;
}

}  // namespace

size_t Console::body_limit_for(std::string_view method, std::string_view path) {
  return method == "POST" && path == kImportPath ? kImportMaxBytes : 0;
}

bool Console::route_import(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                           const std::string& path, api::Respond& respond, const Frame& frame) {
  const bool form_path = path == kImportPath;
  const std::string job_path = form_path ? std::string() : id_in(path, "/admin/people/import/", "");
  std::string job_id = job_path, verb;
  if (form_path || !job_path.empty()) {
  } else if (std::string id = id_in(path, "/admin/people/import/", "/progress"); !id.empty()) {
    job_id = id, verb = "progress";
  } else if (std::string id2 = id_in(path, "/admin/people/import/", "/errors"); !id2.empty()) {
    job_id = id2, verb = "errors";
  } else {
    return false;
  }
  // Importing writes people and consent: the roles that may edit people (viewers read only).
  if (!p.can(staff::Permission::kSend))
    return respond(html(403, forbidden_page(frame, "importing people"))), true;

  if (form_path && req.method == "GET")
    return respond(html(200, import_form_page(frame, imports_.recent(org.org.id, 10), {}, ""))), true;
  if (form_path && req.method == "POST") {
    const std::string* ct = req.header("content-type");
    auto parts = parse_form_data(ct ? *ct : "", req.body);
    if (!parts) return respond(html(400, forbidden_page(frame, "this form: " + parts.error().message))), true;
    auto field = [&](const char* name) {
      auto it = parts->find(name);
      return it == parts->end() ? std::string() : it->second.value;
    };
    if (!same_secret(frame.csrf, field("csrf")))
      return respond(html(403, forbidden_page(frame, "this form without its token (reload the page)"))), true;
    ImportForm form{field("source"),          field("consent_date"), field("consent_method"),
                    field("disclosure_text"), field("list_name"),    !field("no_basis").empty()};
    auto again = [&](int status, const std::string& why) {
      respond(html(status, import_form_page(frame, imports_.recent(org.org.id, 10), form, why)));
      return true;
    };
    auto file = parts->find("file");
    if (file == parts->end() || file->second.value.empty()) return again(400, "Choose a CSV file to import.");
    if (form.source.size() > 500 || form.consent_method.size() > 200 || form.consent_date.size() > 40 ||
        form.disclosure_text.size() > 4000 || form.list_name.size() > 200)
      return again(400, "A field of the form is longer than it may be.");
    // The same basis as `tocsin import`'s flags (source, date and method: all three make one). The form asks
    // for all three or an explicit "none here", so a half-filled basis never silently imports unsubscribed.
    const int given = !form.source.empty() + !form.consent_date.empty() + !form.consent_method.empty();
    if (given > 0 && given < 3)
      return again(400,
                   "A consent basis is a source, a date and a method, all three; fill in the missing ones or "
                   "clear them all.");
    if (given == 0 && !form.no_basis)
      return again(400,
                   "Give the consent basis (source, date and method), or tick the box to import without one "
                   "from this form.");
    if (!form.consent_date.empty() && !parse_iso8601(form.consent_date))
      return again(400, "The consent date is not an ISO-8601 date (e.g. 2024-05-01).");
    ImportRequest in{clean_file_name(file->second.filename),
                     std::move(file->second.value),
                     form.source,
                     form.consent_date,
                     form.consent_method,
                     form.disclosure_text,
                     form.list_name,
                     options_.age_custom_field};
    auto id = imports_.start(org, p.account_id, client_ip(req), std::move(in));
    if (!id) return again(id.error().http_status == 409 ? 409 : 503, id.error().message);
    return respond(redirect(std::string(kImportPath) + "/" + id.value())), true;
  }
  if (form_path) return respond(html(405, "method not allowed")), true;
  if (req.method != "GET") return respond(html(405, "method not allowed")), true;

  auto job = imports_.snapshot(org.org.id, job_id);
  if (!job) return respond(html(404, not_found_page(frame, "such import"))), true;
  if (verb == "progress") {
    api::Response r;
    r.status = 200;
    r.content_type = "application/json";
    r.body = import_progress_json(*job);
    r.headers = {{"Cache-Control", "no-store"}, {"X-Content-Type-Options", "nosniff"}};
    return respond(std::move(r)), true;
  }
  if (verb == "errors") {
    api::Response r;
    r.status = 200;
    r.content_type = "text/csv; charset=utf-8";
    r.body = import_errors_csv(*job);
    r.headers = {
        {"Content-Disposition", "attachment; filename=\"import-errors-" + job_id.substr(0, 8) + ".csv\""},
        {"Cache-Control", "no-store"},
        {"X-Content-Type-Options", "nosniff"}};
    return respond(std::move(r)), true;
  }
  respond(allow_own_polling(html(200, import_job_page(frame, *job))));
  return true;
}

}  // namespace tocsin::web::admin
