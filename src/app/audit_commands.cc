#include "app/audit_commands.h"

#include <iostream>
#include <memory>

#include "app/command_exit.h"
#include "app/installation.h"
#include "core/clock.h"
#include "privacy/access_log.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, org_id, person_id, since;
  int64_t limit = 0;  // 0: every entry
  bool verify = false;
  bool disclosures = false;
};

constexpr int64_t kPage = 1000;

void run(const Args& a) {
  auto o = open_org_installation(a.dir, a.org_id);
  if (!o) fail_command(o.error());
  auto scope = o->inst.store->scope(o->org.id);
  if (a.verify) {
    auto check = privacy::verify_access_chain(scope);
    if (!check) fail_command(check.error());
    JsonOut j;
    j.begin().kv("entries", check->entries).kv("verified", check->broken_seq == 0);
    if (check->broken_seq) j.kv("broken_seq", check->broken_seq).kv("problem", check->problem);
    std::cout << j.end().take() << std::endl;
    finish_command(check->broken_seq == 0 ? 0 : 1);
  }
  store::AccessQuery q;
  q.person_id = a.person_id;
  q.disclosures_only = a.disclosures;
  if (!a.since.empty()) {
    auto t = parse_iso8601(a.since);
    if (!t) fail_command(bad_request("--since must be an ISO 8601 time, e.g. 2026-01-31T00:00:00Z"));
    q.since = *t;
  }
  int64_t left = a.limit > 0 ? a.limit : INT64_MAX;
  while (left > 0) {
    q.limit = std::min(kPage, left);
    auto page = scope.access_log(q);
    if (!page) fail_command(page.error());
    for (const auto& e : page.value()) {
      JsonOut j;
      privacy::write_access_entry(j, e);
      std::cout << j.take() << "\n";
    }
    if (static_cast<int64_t>(page->size()) < q.limit) break;
    left -= q.limit;
    q.after_seq = page->back().seq;
  }
  std::cout.flush();
  finish_command(0);
}

}  // namespace

void add_audit_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* audit = app.add_subcommand("audit", "the access log: who read which supporters' data");
  audit->add_option("--data", a->dir, "data directory")->required();
  audit->add_option("--org", a->org_id, "organization id")->required();
  audit->add_option("--person", a->person_id, "only the reads of this person (and bulk reads)");
  audit->add_option("--since", a->since, "only entries from this time (ISO 8601)");
  audit->add_option("--limit", a->limit, "at most this many entries");
  audit->add_flag("--verify", a->verify, "recompute the log's hash chain instead of listing it");
  audit->add_flag("--disclosures", a->disclosures, "only disclosures: exports, bulk reads, hand-overs");
  audit->callback([a] { run(*a); });

  auto d = std::make_shared<Args>();
  d->disclosures = true;
  auto* disclosures =
      app.add_subcommand("disclosures", "the disclosure log: to whom supporters' data went, what and why");
  disclosures->add_option("--data", d->dir, "data directory")->required();
  disclosures->add_option("--org", d->org_id, "organization id")->required();
  disclosures->add_option("--person", d->person_id, "only the disclosures of this person's data");
  disclosures->add_option("--since", d->since, "only entries from this time (ISO 8601)");
  disclosures->add_option("--limit", d->limit, "at most this many entries");
  disclosures->callback([d] { run(*d); });
}

}  // namespace tocsin
