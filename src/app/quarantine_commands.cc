#include "app/quarantine_commands.h"

#include <unicode/utf8.h>

#include <iostream>

#include "app/installation.h"
#include "core/json_out.h"

namespace tocsin {
namespace {

struct Args {
  std::string dir, org_id;
};

int fail(const Error& e) {
  std::cerr << "tocsin: " << e.message << "\n";
  return 1;
}

// The document with each byte that is not part of well-formed UTF-8 written as \xNN (ICU's U8_NEXT decides),
// so the output is valid JSON and shows exactly which bytes are wrong.
std::string visible(const std::string& doc) {
  std::string out;
  const auto* s = reinterpret_cast<const uint8_t*>(doc.data());
  const int32_t n = static_cast<int32_t>(doc.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c >= 0) {
      out.append(doc, start, i - start);
      continue;
    }
    for (int32_t k = start; k < i; ++k) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[s[k] >> 4];
      out += kHex[s[k] & 15];
    }
  }
  return out;
}

int run_list(const Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) return fail(inst.error());
  auto orgs = inst->store->orgs();
  if (!orgs) return fail(orgs.error());
  size_t count = 0;
  bool found = a.org_id.empty();
  for (const auto& o : orgs.value()) {
    if (!a.org_id.empty() && o.id != a.org_id) continue;
    found = true;
    auto snap = inst->store->scope(o.id).load();
    if (!snap) return fail(snap.error());
    for (const auto& q : snap->quarantined) {
      JsonOut j;
      j.begin().kv("org_id", o.id).kv("table", q.table).kv("id", q.id).kv("reason", q.reason);
      j.kv("doc", visible(q.doc)).end();
      std::cout << j.take() << "\n";
      ++count;
    }
  }
  if (!found) return fail(not_found("no organization " + a.org_id));
  std::cerr << count << " quarantined document" << (count == 1 ? "" : "s") << "\n";
  return 0;
}

}  // namespace

void add_quarantine_commands(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* q = app.add_subcommand("quarantine", "stored documents that do not decode and are skipped at load");
  q->require_subcommand(1);
  auto* list = q->add_subcommand("list", "print each quarantined document as one JSON line");
  list->add_option("--data", a->dir, "data directory")->required();
  list->add_option("--org", a->org_id, "only this organization");
  list->callback([a] { throw CLI::RuntimeError(run_list(*a)); });
}

}  // namespace tocsin
