#include "app/retention_commands.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "app/command_exit.h"
#include "app/installation.h"
#include "app/progress.h"
#include "privacy/retention.h"
#include "store/group_commit.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, org_id;
  std::optional<int> inactive_months, evidence_days, inbound_days, delivery_days;
  bool dry_run = false;
};

void set_value(const std::optional<int>& given, int& into) {
  if (given) into = *given;
}

void run(const Args& a) {
  auto o = open_org_installation(a.dir, a.org_id);
  if (!o) fail_command(o.error());
  auto scope = o->inst.store->scope(o->org.id);
  auto policy = privacy::load_retention(scope);
  if (!policy) fail_command(policy.error());
  if (a.inactive_months || a.evidence_days || a.inbound_days || a.delivery_days) {
    set_value(a.inactive_months, policy->inactive_people_months);
    set_value(a.evidence_days, policy->evidence_days);
    set_value(a.inbound_days, policy->inbound_text_days);
    set_value(a.delivery_days, policy->delivery_days);
    // The error names the flag: "--evidence-days" for the key "evidence_days".
    auto flag = [](std::string_view key) {
      std::string f = "--" + std::string(key);
      std::replace(f.begin(), f.end(), '_', '-');
      return f;
    };
    if (auto s = privacy::check_retention(policy.value(), flag); !s) fail_command(s.error());
    store::OrgDoc doc{std::string(privacy::kRetentionKind), std::string(privacy::kRetentionId),
                      privacy::encode_retention(policy.value())};
    if (auto s = o->inst.store->put_doc_outside(o->org.id, doc); !s) fail_command(s.error());
  }
  auto hasher = o->inst.hasher();  // OrgState keeps a pointer to it
  people::OrgState state(o->org, hasher);
  if (auto s = state.load(scope); !s) fail_command(s.error());
  Micros now = now_micros();
  auto due = privacy::retention_due(state, scope, policy.value(), now);
  if (!due) fail_command(due.error());
  JsonOut j;
  j.begin().k("policy");
  privacy::write_retention(j, policy.value());
  j.begin("due")
      .kv("inactive_people", static_cast<int64_t>(due->inactive_people.size()))
      .kv("evidence_entries", due->evidence_entries)
      .kv("inbound_texts", static_cast<int64_t>(due->inbound_texts.size()))
      .kv("delivery_rows", due->delivery_rows)
      .kv("delivery_messages", static_cast<int64_t>(due->delivery_messages.size()))
      .end();
  if (!a.dry_run) {
    auto lock =
        DataDirLock::acquire(o->inst, "applying the retention policy (a running server applies it itself)");
    if (!lock) fail_command(lock.error());
    store::GroupCommitter committer(*o->inst.store);
    StopSignal never;
    // The bar: what the sweep did of what was due (people due may be skipped, so the last draw says 100%).
    int64_t total = static_cast<int64_t>(due->inactive_people.size()) + due->evidence_entries +
                    static_cast<int64_t>(due->inbound_texts.size()) + due->delivery_rows;
    Progress bar("applying the retention policy", "items");
    auto n = privacy::sweep_retention(
        state, *o->inst.store, committer, now, never, 200, [&](const privacy::SweepCounts& c) {
          bar.update(c.people_erased + c.evidence_blanked + c.inbound_deleted + c.deliveries_aggregated,
                     total);
        });
    if (n && total > 0) bar.update(total, total);  // nothing due: nothing drawn
    bar.finish();
    committer.stop();
    if (!n) fail_command(n.error());
    j.begin("applied")
        .kv("people_erased", n->people_erased)
        .kv("evidence_blanked", n->evidence_blanked)
        .kv("inbound_deleted", n->inbound_deleted)
        .kv("deliveries_aggregated", n->deliveries_aggregated)
        .kv("messages_aggregated", n->messages_aggregated)
        .end();
  }
  std::cout << j.end().take() << std::endl;
  finish_command(0);
}

}  // namespace

void add_retention_command(CLI::App& privacy) {
  auto a = std::make_shared<Args>();
  auto* r =
      privacy.add_subcommand("retention", "show, set, preview (--dry-run) or apply the retention policy");
  r->add_option("--data", a->dir, "data directory")->required();
  r->add_option("--org", a->org_id, "organization id")->required();
  r->add_option("--inactive-months", a->inactive_months,
                "erase people with no subscription and no activity for this many months (0: keep)");
  r->add_option("--evidence-days", a->evidence_days,
                "blank the IP and user agent of consent evidence older than this (0: keep)");
  r->add_option("--inbound-days", a->inbound_days, "delete inbound texts older than this (0: keep)");
  r->add_option("--delivery-days", a->delivery_days,
                "aggregate into per-message counts the deliveries of blasts finished longer ago than this "
                "(0: keep; at least 30)");
  r->add_flag("--dry-run", a->dry_run, "only show what the policy makes due now");
  r->callback([a] { run(*a); });
}

}  // namespace tocsin
