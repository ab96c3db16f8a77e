#include "store/access_entry.h"

#include "consent/ledger_entry.h"

namespace tocsin::store {

std::string joined_person_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out.push_back(' ');
    out += id;
  }
  return out;
}

std::vector<std::string> split_person_ids(std::string_view joined) {
  std::vector<std::string> out;
  while (!joined.empty()) {
    size_t sp = joined.find(' ');
    out.emplace_back(joined.substr(0, sp));
    joined = sp == std::string_view::npos ? std::string_view() : joined.substr(sp + 1);
  }
  return out;
}

std::vector<std::string> access_chained_fields(const std::string& org_id, const AccessEntry& e) {
  std::vector<std::string> fields{is_disclosure(e) ? "tocsin-disclosure-v1" : "tocsin-access-v1",
                                  e.prev_hash,
                                  org_id,
                                  std::to_string(e.seq),
                                  std::to_string(e.at),
                                  e.actor,
                                  e.ip,
                                  e.action,
                                  e.query,
                                  std::to_string(e.count),
                                  joined_person_ids(e.person_ids)};
  if (is_disclosure(e)) {
    fields.push_back(e.recipient);
    fields.push_back(e.basis);
    fields.push_back(e.message_id);
  }
  return fields;
}

void chain_after(const std::string& org_id, int64_t last_seq, const std::string& last_hash, AccessEntry& e) {
  e.seq = last_seq + 1;
  e.prev_hash = last_seq == 0 ? consent::kGenesisHash : last_hash;
  e.hash = consent::chained_hash(access_chained_fields(org_id, e));
}

}  // namespace tocsin::store
