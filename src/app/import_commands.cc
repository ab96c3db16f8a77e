#include "app/import_commands.h"

#include "app/config.h"

#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "app/command_exit.h"
#include "app/installation.h"
#include "app/progress.h"
#include "core/json_out.h"
#include "importer/csv_export.h"
#include "importer/csv_import.h"
#include "people/directory.h"
#include "privacy/access_log.h"
#include "privacy/disclosure_log.h"

namespace tocsin {

namespace {

struct Args {
  std::string dir, org_id, file, errors_path, out, purpose, legal_basis;
  std::string export_to, export_basis;  // the export's disclosure (privacy/disclosure_log.h)
  importer::ImportOptions import;
};

int fail(const Error& e) {
  std::cerr << "tocsin: " << e.message << "\n";
  return e.http_status == 409 ? 3 : 1;
}

// Loads only the target organization: its people, groupings and consent projection.
Result<std::unique_ptr<people::OrgState>> load_org(Installation& inst, const ContactHasher& hasher,
                                                   const std::string& org_id) {
  auto orgs = inst.store->orgs();
  if (!orgs) return orgs.error();
  for (const auto& o : orgs.value()) {
    if (o.id != org_id) continue;
    auto state = std::make_unique<people::OrgState>(o, hasher);
    if (auto s = state->load(inst.store->scope(org_id)); !s) return s.error();
    return state;
  }
  return not_found("no organization " + org_id);
}

int run_import(Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) return fail(inst.error());
  auto lock = DataDirLock::acquire(*inst, "importing");
  if (!lock) return fail(lock.error());
  auto hasher = inst->hasher();
  auto org = load_org(*inst, hasher, a.org_id);
  if (!org) return fail(org.error());

  std::ofstream errors_file;
  if (!a.errors_path.empty()) {
    errors_file.open(a.errors_path, std::ios::out | std::ios::trunc);
    if (!errors_file) return fail(bad_request("cannot write " + a.errors_path));
  }
  Progress bar("importing " + a.file, "rows");
  auto& opts = a.import;
  opts.path = a.file;
  auto purpose = consent::normalize_purpose(a.purpose);
  if (!purpose) return fail(bad_request("--purpose must be at most 100 bytes without control characters"));
  opts.purpose = *purpose;
  if (!a.legal_basis.empty()) {
    opts.legal_basis = consent::parse_legal_basis(a.legal_basis);
    if (!opts.legal_basis)
      return fail(bad_request("--legal-basis must be one of " + std::string(consent::legal_basis_names())));
  }
  auto config = load_config(a.dir);  // the age gate's custom field, as the server applies it
  if (!config) return fail(config.error());
  opts.age_field = config->age_custom_field;
  // Measured in bytes of the file (its rows are not known before they are read), counted in rows.
  opts.on_progress = [&](const importer::ImportProgress& p) { bar.update(p.bytes, p.total_bytes, p.rows); };
  opts.on_row_error = [&](int64_t row, std::string_view reason) {
    if (errors_file.is_open()) {
      errors_file << "row " << row << ": " << reason << "\n";
    } else {
      bar.clear();
      std::cerr << "row " << row << ": " << reason << "\n";
    }
  };
  // A bulk load allocates and frees hundreds of megabytes per batch: keep freed memory in the heap instead
  // of returning it to the kernel and faulting it back in (page faults were a fifth of the parser's time).
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
  auto summary = importer::import_csv(*inst->store, *org.value(), opts);
  bar.finish();
  if (errors_file.is_open()) {
    errors_file.close();
    if (!errors_file) std::cerr << "tocsin: could not write all of " << a.errors_path << "\n";
  }
  if (!summary) return fail(summary.error());
  std::cout << summary->to_json() << std::endl;
  return 0;
}

int run_export(Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) return fail(inst.error());
  auto hasher = inst->hasher();
  auto org = load_org(*inst, hasher, a.org_id);
  if (!org) return fail(org.error());
  // Logged before a row is written: an export that exists has been logged, as a read and as a disclosure
  // to whoever runs the command (or the recipient it names) under the basis it states.
  const auto& order = org.value()->person_order;
  privacy::AccessRead read =
      privacy::disclosed_to_reader({a.org_id, "cli:" + os_user(), "", "people.export",
                                    "tocsin export: CSV of " + std::to_string(order.size()) + " people",
                                    privacy::listed_people(order), static_cast<int64_t>(order.size())},
                                   a.export_basis.empty() ? privacy::kOwnUseBasis : a.export_basis);
  if (!a.export_to.empty()) read.recipient = a.export_to;
  if (auto s = privacy::record_access_now(*inst->store, std::move(read)); !s) return fail(s.error());
  // CSV on a terminal's standard output would be drawn over: the bar only when the rows go elsewhere.
  bool to_stdout = a.out.empty() || a.out == "-";
  Progress bar("exporting", "people", ::isatty(2) == 1 && (!to_stdout || ::isatty(1) != 1));
  auto progress = [&](int64_t walked, int64_t total) { bar.update(walked, total); };
  if (to_stdout) {
    auto n = importer::export_csv(*org.value(), stdout, progress);
    return n ? 0 : fail(n.error());
  }
  // Written beside the target and renamed, so a failed export never leaves a truncated file behind.
  std::string tmp = a.out + ".partial";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return fail(bad_request("cannot write " + tmp));
  auto n = importer::export_csv(*org.value(), f, progress);
  bool closed = std::fclose(f) == 0;
  if (!n || !closed || std::rename(tmp.c_str(), a.out.c_str()) != 0) {
    std::remove(tmp.c_str());
    return fail(n ? internal_error("cannot write " + a.out) : n.error());
  }
  bar.finish();
  std::cerr << "exported " << n.value() << " people to " << a.out << "\n";
  // Standard output is free when the CSV went to a file: the one JSON summary line.
  JsonOut j;
  j.begin().kv("exported", n.value()).kv("out", a.out).end();
  std::cout << j.take() << std::endl;
  return 0;
}

}  // namespace

void add_import_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();

  auto* imp = app.add_subcommand("import", "import people from a CSV file (docs/IMPORT.md)");
  imp->add_option("--data", a->dir, "data directory")->required();
  imp->add_option("--org", a->org_id, "organization id")->required();
  imp->add_option("file", a->file, "CSV file with a header row")->required();
  imp->add_option("--source", a->import.source, "consent basis: where the consent was collected");
  imp->add_option("--consent-date", a->import.consent_date, "consent basis: when (ISO-8601)");
  imp->add_option("--consent-method", a->import.consent_method, "consent basis: how (e.g. web_checkbox)");
  imp->add_option("--disclosure-text", a->import.disclosure_text, "the consent language people were shown");
  imp->add_option("--list", a->import.list_name, "add every imported person to this list");
  imp->add_option("--purpose", a->purpose, "what the imported consent is for (e.g. newsletter)");
  imp->add_option("--legal-basis", a->legal_basis,
                  "the consent's legal basis: consent, explicit_consent, membership, legitimate_interest, "
                  "contract");
  imp->add_option("--errors", a->errors_path, "write rejected rows here instead of stderr");
  imp->callback([a] { throw CLI::RuntimeError(run_import(*a)); });

  auto* exp = app.add_subcommand("export", "export an organization's people as CSV");
  exp->add_option("--data", a->dir, "data directory")->required();
  exp->add_option("--org", a->org_id, "organization id")->required();
  exp->add_option("--out", a->out, "output file (default: standard output)");
  exp->add_option("--to", a->export_to,
                  "who receives the file, for the disclosure log (default: the OS user running this)");
  exp->add_option("--basis", a->export_basis, "the legal basis of the disclosure, for the disclosure log");
  exp->callback([a] { throw CLI::RuntimeError(run_export(*a)); });
}

}  // namespace tocsin
