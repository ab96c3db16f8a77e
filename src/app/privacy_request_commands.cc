#include "app/privacy_request_commands.h"

#include <fstream>
#include <iostream>
#include <optional>

#include "app/command_exit.h"
#include "app/installation.h"
#include "app/retention_commands.h"
#include "core/ids.h"
#include "privacy/access_bundle.h"
#include "privacy/access_log.h"
#include "privacy/contact_scope.h"
#include "privacy/disclosure_log.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, org_id, kind, subject, note, id, out, refuse, reason;
  std::optional<std::string> objection_to;  // --to
  int64_t extend_days = 0;
};

int fail(const Error& e) {
  std::cerr << "tocsin: " << e.message << "\n";
  return e.http_status == 404 ? 4 : e.http_status == 501 ? 5 : 1;
}

Status save(OrgInstallation& o, const privacy::PrivacyRequest& r) {
  return o.inst.store->put_doc_outside(o.org.id, privacy::privacy_request_doc(r));
}

void print(const privacy::PrivacyRequest& r) {
  JsonOut j;
  j.begin();
  privacy::write_privacy_request(j, r, now_micros(), false);
  std::cout << j.end().take() << "\n";
}

int run_request(const Args& a) {
  auto kind = privacy::parse_kind(a.kind);
  if (!kind)
    return fail(
        bad_request("--kind must be access, rectification, erasure, restriction, portability, "
                    "objection or withdrawal"));
  auto objection_to = privacy::ObjectionScope::kAll;
  if (a.objection_to) {
    if (*kind != privacy::RequestKind::kObjection)
      return fail(bad_request("--to is only for --kind objection"));
    auto scope = privacy::parse_objection_to(*a.objection_to);
    if (!scope) return fail(bad_request("--to must be tracking or all"));
    objection_to = *scope;
  }
  auto o = open_org_installation(a.dir, a.org_id);
  if (!o) return fail(o.error());
  auto subject = privacy::parse_contact(a.subject, o->org);
  if (!subject) return fail(subject.error());
  auto r = privacy::receive_privacy_request(*kind, subject.value(), o->org.gdpr_applies, "platform:cli",
                                            a.note, now_micros(), std::nullopt);
  r.objection_to = objection_to;
  if (auto s = save(o.value(), r); !s) return fail(s.error());
  print(r);
  return 0;
}

Result<std::vector<privacy::PrivacyRequest>> all_requests(OrgInstallation& o) {
  auto docs = o.inst.store->scope(o.org.id).docs_of_kind(privacy::kPrivacyRequestKind);
  if (!docs) return docs.error();
  std::vector<privacy::PrivacyRequest> out;
  for (const auto& d : docs.value())
    if (auto r = privacy::decode_privacy_request(d.doc)) out.push_back(std::move(r).value());
  privacy::sort_for_work(out, now_micros());
  return out;
}

int run_list(const Args& a) {
  auto o = open_org_installation(a.dir, a.org_id);
  if (!o) return fail(o.error());
  auto all = all_requests(o.value());
  if (!all) return fail(all.error());
  for (const auto& r : all.value()) print(r);
  return 0;
}

int run_fulfil(const Args& a) {
  auto o = open_org_installation(a.dir, a.org_id);
  if (!o) return fail(o.error());
  auto doc = o->inst.store->scope(o->org.id).doc(privacy::kPrivacyRequestKind, a.id);
  if (!doc) return fail(doc.error());
  if (!doc.value()) return fail(not_found("no privacy request " + a.id));
  auto r = privacy::decode_privacy_request(doc.value()->doc);
  if (!r) return fail(r.error());
  using privacy::RequestKind;
  using privacy::RequestState;
  if (r->state == RequestState::kDone || r->state == RequestState::kRefused)
    return fail(Error{409, "the request is already " + std::string(privacy::state_name(r->state))});
  Micros now = now_micros();
  if (!a.refuse.empty()) {
    r->state = RequestState::kRefused;
    r->refusal_reason = a.refuse;
    r->audit.push_back({now, "platform:cli", "refused: " + a.refuse});
  } else if (a.extend_days) {
    int64_t max = privacy::max_extension_days(o->org.gdpr_applies);
    if (!r->extension_reason.empty()) return fail(Error{409, "the request was already extended"});
    if (a.reason.empty() || a.extend_days < 1 || a.extend_days > max)
      return fail(bad_request("--extend-days needs --reason and 1 to " + std::to_string(max) + " days"));
    r->due += a.extend_days * privacy::kDayMicros;
    r->extension_reason = a.reason;
    r->audit.push_back({now, "platform:cli", "extended to " + format_iso8601(r->due) + ": " + a.reason});
  } else if (r->kind == RequestKind::kAccess || r->kind == RequestKind::kPortability) {
    if (a.out.empty()) return fail(bad_request("--out FILE is required for the bundle"));
    auto hasher = o->inst.hasher();  // OrgState keeps a pointer to it
    people::OrgState state(o->org, hasher);
    if (auto s = state.load(o->inst.store->scope(o->org.id)); !s) return fail(s.error());
    auto people = privacy::subject_people(state, r->subject);
    auto scope = o->inst.store->scope(o->org.id);
    auto zip = privacy::build_access_bundle(state, scope, r.value(), people);
    if (!zip) return fail(zip.error());
    // Logged before the bundle is written: a bundle that exists has been logged.
    if (auto s = privacy::record_access_now(
            *o->inst.store, privacy::disclosed_to_reader({o->org.id, "cli:" + os_user(), "", "privacy.bundle",
                                                          "tocsin privacy fulfil " + r->id, people},
                                                         r->kind == RequestKind::kAccess
                                                             ? privacy::kAccessRequestBasis
                                                             : privacy::kPortabilityRequestBasis));
        !s)
      return fail(s.error());
    std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
    if (!out.write(zip->data(), static_cast<std::streamsize>(zip->size())) || !out.flush())
      return fail(internal_error("cannot write " + a.out));
    r->state = RequestState::kDone;
    r->audit.push_back(
        {now, "platform:cli", "bundle written (" + std::to_string(people.size()) + " person(s))"});
  } else if (r->kind == RequestKind::kRectification) {
    r->state = RequestState::kDone;
    r->audit.push_back({now, "platform:cli", "rectified (PUT /people)"});
  } else {
    // An objection to tracking changes the person's record, which only the server writes, as it does the
    // ledger and the gate's facts.
    bool tracking_only =
        r->kind == RequestKind::kObjection && r->objection_to == privacy::ObjectionScope::kTracking;
    return fail(bad_request(
        (tracking_only ? std::string("an objection to tracking changes the person's record")
                       : std::string(privacy::kind_name(r->kind)) + " changes the ledger and the gate") +
        ": fulfil it on the running server with POST /api/v2/tocsin:privacy_requests/" + r->id +
        "/tocsin:fulfil"));
  }
  if (auto s = save(o.value(), r.value()); !s) return fail(s.error());
  print(r.value());
  return 0;
}

// The maintenance half of erasure: the server scrubs what each erasure touched as it answers (the WAL on
// SQLite, a plain VACUUM on PostgreSQL); this rewrites the files themselves (VACUUM; VACUUM FULL), which
// holds writers off for its duration.
int run_scrub(const Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) return fail(inst.error());
  if (auto s = inst->store->scrub(true); !s) return fail(s.error());
  std::cout << "{\"scrubbed\":true}" << std::endl;
  return 0;
}

}  // namespace

void add_privacy_request_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* p = app.add_subcommand("privacy", "data-subject requests (access, restriction, objection, ...)");
  p->require_subcommand(1);
  auto* req = p->add_subcommand("request", "record a data-subject request");
  req->add_option("--data", a->dir, "data directory")->required();
  req->add_option("--org", a->org_id)->required();
  req->add_option("--kind", a->kind,
                  "access|rectification|erasure|restriction|portability|objection|withdrawal")
      ->required();
  req->add_option("--subject", a->subject, "the subject's email address or phone number")->required();
  req->add_option("--note", a->note);
  req->add_option("--to", a->objection_to,
                  "an objection's scope: tracking (opens and clicks only; subscriptions stay) or all");
  req->callback([a] { throw CLI::RuntimeError(run_request(*a)); });
  auto* list = p->add_subcommand("list", "the organization's requests, overdue first (one JSON line each)");
  list->add_option("--data", a->dir, "data directory")->required();
  list->add_option("--org", a->org_id)->required();
  list->callback([a] { throw CLI::RuntimeError(run_list(*a)); });
  auto* ful = p->add_subcommand("fulfil", "fulfil (bundle to --out), refuse or extend a request");
  ful->add_option("--data", a->dir, "data directory")->required();
  ful->add_option("--org", a->org_id)->required();
  ful->add_option("--id", a->id)->required();
  ful->add_option("--out", a->out, "the access/portability bundle (ZIP) to write");
  ful->add_option("--refuse", a->refuse, "refuse, with this reason");
  ful->add_option("--extend-days", a->extend_days, "extend the deadline (needs --reason)");
  ful->add_option("--reason", a->reason, "the extension's reason");
  ful->callback([a] { throw CLI::RuntimeError(run_fulfil(*a)); });
  auto* scrub = p->add_subcommand("scrub", "rewrite the database files so erased data is gone from them");
  scrub->add_option("--data", a->dir, "data directory")->required();
  scrub->callback([a] { throw CLI::RuntimeError(run_scrub(*a)); });
  add_retention_command(*p);
}

}  // namespace tocsin
