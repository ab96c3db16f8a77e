#include "web/admin/import_screen.h"

#include <fmt/format.h>
#include <mstch/mstch.hpp>

#include <algorithm>

#include "core/clock.h"
#include "core/json_out.h"
#include "importer/csv_cell.h"

namespace tocsin::web::admin {
namespace {

constexpr size_t kErrorsOnPage = 1000;

constexpr const char* kForm = R"(<main><h1>Import people from a CSV file</h1>
<p>The same import as <code>tocsin import</code> (docs/IMPORT.md): one row a person, the header names the columns (<code>email</code>, <code>phone</code>, <code>given_name</code>, <code>family_name</code>, address columns, <code>consent_source</code>, <code>consent_date</code>, <code>consent_method</code>, <code>sms_opt_in</code>, <code>email_status</code>, <code>phone_status</code>; any other column is a custom field). Up to {{max_mib}} MiB; a larger file goes through <code>tocsin import</code>. Rows that match a person update them; empty cells change nothing.</p>
{{#error}}<div class="alert" role="alert" id="import-error">{{error}}</div>{{/error}}
<form method="post" action="/admin/people/import" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="file">CSV file (UTF-8)</label><input id="file" name="file" type="file" accept=".csv,text/csv" required>
<fieldset><legend>Consent basis</legend>
<p class="hint">Who agreed to hear from you, when and how. A row is subscribed only with a source, a date and a method — each from the row's own column when it has one, else from here — and never over an opt-out, bounce or complaint already recorded. A phone number is subscribed only when the row also says <code>sms_opt_in</code>: your attestation that the person opted in to texts. Every ledger entry names the file, its SHA-256 and the row.</p>
<label for="source">Where they signed up (source)</label><input id="source" name="source" maxlength="500" value="{{source}}">
<label for="consent_date">When (consent date, ISO-8601, e.g. 2024-05-01)</label><input id="consent_date" name="consent_date" maxlength="40" value="{{consent_date}}">
<label for="consent_method">How (consent method, e.g. "paper sign-up sheet")</label><input id="consent_method" name="consent_method" maxlength="200" value="{{consent_method}}">
<label for="disclosure_text">The words they agreed to (disclosure text)</label><textarea id="disclosure_text" name="disclosure_text" rows="3" maxlength="4000">{{disclosure_text}}</textarea>
<label><input type="checkbox" name="no_basis" value="1"{{#no_basis}} checked{{/no_basis}}> This file's consent is in its own columns, or it has none: import without a basis from this form (rows without one are stored, not subscribed)</label>
</fieldset>
<label for="list_name">Add everyone imported to the list (optional)</label><input id="list_name" name="list_name" maxlength="200" value="{{list_name}}">
<button type="submit">Import</button>
</form>
{{#has_recent}}<h2 id="recent">Recent imports</h2>
<table aria-labelledby="recent"><thead><tr><th scope="col">Started</th><th scope="col">File</th><th scope="col">State</th></tr></thead><tbody>
{{#recent}}<tr><td>{{started}}</td><td><a href="/admin/people/import/{{id}}">{{file}}</a></td><td>{{state}}</td></tr>{{/recent}}
</tbody></table>{{/has_recent}}
</main></body></html>
)";

constexpr const char* kJob = R"(<main><h1>Import of {{file}}</h1>
{{^done}}<noscript><meta http-equiv="refresh" content="2"></noscript>
<div id="import-progress" data-url="/admin/people/import/{{id}}/progress">
<label for="bar">Read {{percent}}% of the file</label>
<progress id="bar" max="100" value="{{percent}}">{{percent}}%</progress>
<p id="import-status" role="status" aria-live="polite">{{rows}} rows read: {{imported}} imported, {{errors}} rejected so far.</p>
</div>
<p><a href="/admin/people/import/{{id}}">Reload</a> (the page reloads itself every 2 seconds without scripts).</p>
<script src="/admin/static/import.js" defer></script>{{/done}}
{{#done}}{{#failure}}<div class="alert" role="alert" id="import-failure">The import stopped: {{failure}}</div>{{/failure}}
{{#summary}}<div class="ok" role="status" id="import-done">Import finished: {{rows}} rows, {{imported}} imported, {{errors}} rejected.</div>
<h2 id="counts">Counts</h2>
<dl class="facts" aria-labelledby="counts" id="import-counts">
<dt>Rows read</dt><dd data-count="rows">{{rows}}</dd>
<dt>Imported</dt><dd data-count="imported">{{imported}}</dd>
<dt>New people</dt><dd data-count="created">{{created}}</dd>
<dt>Updated people</dt><dd data-count="updated">{{updated}}</dd>
<dt>Subscribed by this import</dt><dd data-count="subscribed">{{subscribed}}</dd>
<dt>Kept unsubscribed (an opt-out, bounce or complaint already recorded)</dt><dd data-count="kept_suppressed">{{kept_suppressed}}</dd>
<dt>Without a consent basis (stored, not subscribed)</dt><dd data-count="without_consent_basis">{{without_consent_basis}}</dd>
<dt>Opt-outs recorded from the file</dt><dd data-count="opted_out">{{opted_out}}</dd>
<dt>Rejected rows</dt><dd data-count="errors">{{errors}}</dd>
<dt>Batch (the ledger entries' actor <code>import:…</code>)</dt><dd>{{batch}}</dd>
</dl>{{/summary}}
{{#has_errors}}<h2 id="row-errors">Rejected rows</h2>
<p><a href="/admin/people/import/{{id}}/errors" download>Download the rejected rows as CSV</a>{{#capped}} (the page shows the first {{shown}}){{/capped}}. Row numbers count data rows, the header excluded, as <code>tocsin import</code> does.</p>
<div class="scroll"><table aria-labelledby="row-errors" id="error-table"><thead><tr><th scope="col">Row</th><th scope="col">Why it was rejected</th></tr></thead><tbody>
{{#row_errors}}<tr><td>{{row}}</td><td>{{reason}}</td></tr>{{/row_errors}}
</tbody></table></div>{{/has_errors}}
<p><a href="/admin/people/import">Import another file</a> · <a href="/admin/people">People</a></p>{{/done}}
</main></body></html>
)";

std::string num(int64_t n) {
  return std::to_string(n);
}

int percent_of(const ImportJobView& j) {
  if (j.done) return 100;
  if (j.progress.total_bytes <= 0) return 0;
  return static_cast<int>(std::clamp<int64_t>(j.progress.bytes * 100 / j.progress.total_bytes, 0, 99));
}

}  // namespace

const std::string kImportScriptJs =
    R"JS(// The import's progress, live: polls the job's JSON once a second and updates the bar; reloads the page
// (the report) when the import has finished. Without scripts the page reloads itself (a <noscript> refresh).
(function () {
  var box = document.getElementById('import-progress');
  if (!box) return;
  var bar = document.getElementById('bar');
  var label = document.querySelector('label[for=bar]');
  var status = document.getElementById('import-status');
  function tick() {
    fetch(box.getAttribute('data-url'), {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) return setTimeout(tick, 2000);
        if (p.done) return location.reload();
        bar.value = p.percent;
        bar.textContent = p.percent + '%';
        label.textContent = 'Read ' + p.percent + '% of the file';
        status.textContent = p.rows + ' rows read: ' + p.imported + ' imported, ' + p.errors + ' rejected so far.';
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 500);
})();
)JS";

std::string import_form_page(const Frame& f, const std::vector<ImportJobView>& recent, const ImportForm& form,
                             const std::string& error) {
  mstch::array rows;
  for (const auto& j : recent) {
    std::string state = !j.done ? "running"
                        : j.summary
                            ? fmt::format("{} imported, {} rejected", j.summary->imported, j.summary->errors)
                            : "stopped";
    rows.push_back(mstch::map{{"id", j.id},
                              {"file", j.file_name},
                              {"started", format_iso8601(j.started).substr(0, 16)},
                              {"state", state}});
  }
  return render_screen("Import people", &f, kForm,
                       {{"csrf", f.csrf},
                        {"max_mib", num(kImportMaxBytes >> 20)},
                        {"error", error},
                        {"source", form.source},
                        {"consent_date", form.consent_date},
                        {"consent_method", form.consent_method},
                        {"disclosure_text", form.disclosure_text},
                        {"list_name", form.list_name},
                        {"no_basis", form.no_basis},
                        {"has_recent", !rows.empty()},
                        {"recent", rows}});
}

std::string import_job_page(const Frame& f, const ImportJobView& j) {
  mstch::map ctx{{"id", j.id},
                 {"file", j.file_name},
                 {"done", j.done},
                 {"percent", std::to_string(percent_of(j))},
                 {"rows", num(j.progress.rows)},
                 {"imported", num(j.progress.imported)},
                 {"errors", num(j.progress.errors)},
                 {"failure", j.failure}};
  if (j.summary) {
    const auto& s = *j.summary;
    ctx.emplace("summary", mstch::map{{"rows", num(s.rows)},
                                      {"imported", num(s.imported)},
                                      {"created", num(s.created)},
                                      {"updated", num(s.updated)},
                                      {"subscribed", num(s.subscribed)},
                                      {"kept_suppressed", num(s.kept_suppressed)},
                                      {"without_consent_basis", num(s.without_consent_basis)},
                                      {"opted_out", num(s.opted_out)},
                                      {"errors", num(s.errors)},
                                      {"batch", s.batch}});
  }
  mstch::array errs;
  for (size_t i = 0; i < j.errors.size() && i < kErrorsOnPage; ++i)
    errs.push_back(mstch::map{{"row", num(j.errors[i].row)}, {"reason", j.errors[i].reason}});
  ctx.emplace("has_errors", !j.errors.empty());
  ctx.emplace("row_errors", errs);
  ctx.emplace("capped", j.errors.size() > kErrorsOnPage);
  ctx.emplace("shown", num(static_cast<int64_t>(kErrorsOnPage)));
  return render_screen("Import", &f, kJob, std::move(ctx));
}

std::string import_progress_json(const ImportJobView& j) {
  JsonOut o;
  o.begin();
  o.kv("done", j.done);
  o.kv("percent", static_cast<int64_t>(percent_of(j)));
  o.kv("rows", j.summary ? j.summary->rows : j.progress.rows);
  o.kv("imported", j.summary ? j.summary->imported : j.progress.imported);
  o.kv("errors", j.summary ? j.summary->errors : j.progress.errors);
  o.end();
  return o.take();
}

std::string import_errors_csv(const ImportJobView& j) {
  std::string out = "row,error\r\n";
  for (const auto& e : j.errors) {
    out += num(e.row);
    out += ',';
    std::string_view r = e.reason;
    std::string defused;
    if (!r.empty() && (r.front() == '=' || r.front() == '+' || r.front() == '-' || r.front() == '@')) {
      defused = "'" + e.reason;
      r = defused;
    }
    importer::append_csv_cell(out, r);
    out += "\r\n";
  }
  return out;
}

}  // namespace tocsin::web::admin
