#include "privacy/disclosure_log.h"

#include <map>

namespace tocsin::privacy {

std::string reader_recipient(std::string_view actor, std::string_view ip) {
  std::string out(actor);
  if (!ip.empty()) out += " from " + std::string(ip);
  return out;
}

AccessRead disclosed_to_reader(AccessRead r, std::string_view basis) {
  r.recipient = reader_recipient(r.actor, r.ip);
  r.basis = std::string(basis);
  return r;
}

Result<std::vector<store::AccessEntry>> disclosures_of(store::OrgScope& scope,
                                                       const std::vector<std::string>& person_ids) {
  // An entry may concern several of the people (a bulk export, one blast): kept once, by seq.
  std::map<int64_t, store::AccessEntry> found;
  constexpr int64_t kPage = 1000;
  for (const auto& id : person_ids) {
    store::AccessQuery q;
    q.person_id = id;
    q.disclosures_only = true;
    q.limit = kPage;
    for (;;) {
      auto page = scope.access_log(q);
      if (!page) return page.error();
      if (page->empty()) break;
      q.after_seq = page->back().seq;
      bool full = static_cast<int64_t>(page->size()) == kPage;
      for (auto& e : page.value()) found.emplace(e.seq, std::move(e));
      if (!full) break;
    }
  }
  std::vector<store::AccessEntry> out;
  out.reserve(found.size());
  for (auto& [seq, e] : found) out.push_back(std::move(e));
  return out;
}

}  // namespace tocsin::privacy
