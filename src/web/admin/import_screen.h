// The import screens (docs/CONSOLE.md "Import"): the upload form with the consent basis, the progress page (a
// <progress> bar that reloads itself without scripts — <noscript> meta refresh — and is updated live by
// /admin/static/import.js when scripts run), the report (the summary's counts and every rejected row as
// `tocsin import` reports it) and that report as CSV.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "web/admin/import_jobs.h"
#include "web/admin/layout.h"

namespace tocsin::web::admin {

inline constexpr std::string_view kImportScriptPath = "/admin/static/import.js";
extern const std::string kImportScriptJs;

// What the form was filled with, shown again with an error.
struct ImportForm {
  std::string source, consent_date, consent_method, disclosure_text, list_name;
  bool no_basis = false;
};

std::string import_form_page(const Frame& f, const std::vector<ImportJobView>& recent, const ImportForm& form,
                             const std::string& error);
// While running: the bar; when done: the counts and the rejected rows (the first 1,000 on the page, all in
// the CSV).
std::string import_job_page(const Frame& f, const ImportJobView& job);
// {"done":..,"rows":..,"imported":..,"errors":..,"percent":..}: what the script polls.
std::string import_progress_json(const ImportJobView& job);
// "row,error" then one line per rejected row, as the CLI prints "row N: reason"; a reason a spreadsheet
// would run as a formula gets a leading apostrophe.
std::string import_errors_csv(const ImportJobView& job);

}  // namespace tocsin::web::admin
