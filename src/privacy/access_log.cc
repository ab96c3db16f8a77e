#include "privacy/access_log.h"

#include "consent/ledger_entry.h"
#include "core/clock.h"

namespace tocsin::privacy {

std::vector<std::string> listed_people(const std::vector<std::string>& everyone) {
  return everyone.size() <= store::kAccessPeopleListed ? everyone : std::vector<std::string>{};
}

store::AccessEntry access_entry(AccessRead r) {
  store::AccessEntry e;
  e.at = now_micros();
  e.actor = std::move(r.actor);
  e.ip = std::move(r.ip);
  e.action = std::move(r.action);
  e.query = std::move(r.query);
  e.count = r.count >= 0 ? r.count : static_cast<int64_t>(r.person_ids.size());
  if (r.person_ids.size() <= store::kAccessPeopleListed) e.person_ids = std::move(r.person_ids);
  e.recipient = std::move(r.recipient);
  e.basis = std::move(r.basis);
  return e;
}

namespace {

// OData string literals are single-quoted, a quote inside doubled ('O''Brien').
std::string masked_literals(std::string_view filter) {
  std::string out;
  bool in_literal = false;
  for (size_t i = 0; i < filter.size(); ++i) {
    char ch = filter[i];
    if (!in_literal) {
      out.push_back(ch);
      if (ch == '\'') {
        in_literal = true;
        out += "\xE2\x80\xA6";  // …
      }
      continue;
    }
    if (ch != '\'') continue;
    if (i + 1 < filter.size() && filter[i + 1] == '\'') {
      ++i;  // an escaped quote stays inside the literal
      continue;
    }
    in_literal = false;
    out.push_back('\'');
  }
  return out;
}

}  // namespace

std::string access_query(const Target& target) {
  std::string out = target.path;
  char sep = '?';
  for (const auto& [name, value] : target.query) {
    out.push_back(sep);
    sep = '&';
    out += name;
    out.push_back('=');
    out += name == "filter" ? masked_literals(value) : value;
  }
  return out;
}

std::optional<AccessLogMode> parse_access_log_mode(std::string_view s) {
  if (s == "batched") return AccessLogMode::kBatched;
  if (s == "durable") return AccessLogMode::kDurable;
  if (s == "off") return AccessLogMode::kOff;
  return std::nullopt;
}

void AccessLog::record(AccessRead r, std::function<void()> release) {
  if (mode_ == AccessLogMode::kOff) return release();
  std::function<void()> after_commit;
  if (mode_ == AccessLogMode::kDurable) after_commit = std::move(release);
  committer_.submit([org_id = r.org_id, entry = access_entry(std::move(r)),
                     after_commit = std::move(after_commit)](store::WriteBatch& batch) mutable {
    batch.for_org(org_id).add(store::op::AppendAccess{std::move(entry)});
    return std::move(after_commit);
  });
  if (release) release();
}

void write_access_entry(JsonOut& j, const store::AccessEntry& e) {
  j.begin()
      .kv("seq", e.seq)
      .kv("at", format_iso8601_micros(e.at))
      .kv("actor", e.actor)
      .kv("ip", e.ip)
      .kv("action", e.action)
      .kv("query", e.query)
      .kv("count", e.count);
  j.begin_array("person_ids");
  for (const auto& id : e.person_ids) j.str(id);
  j.end_array();
  j.kv("bulk", store::is_bulk_read(e))
      .kv("disclosure", store::is_disclosure(e))
      .kv("recipient", e.recipient)
      .kv("basis", e.basis)
      .kv("message_id", e.message_id)
      .kv("prev_hash", e.prev_hash)
      .kv("hash", e.hash)
      .end();
}

Status record_access_now(store::Store& store, AccessRead r) {
  store::WriteBatch batch;
  std::string org_id = r.org_id;
  batch.for_org(org_id).add(store::op::AppendAccess{access_entry(std::move(r))});
  return store.apply(batch);
}

Result<AccessChainCheck> verify_access_chain(store::OrgScope& scope) {
  AccessChainCheck check;
  std::string prev = consent::kGenesisHash;
  auto s = scope.for_each_access([&](const store::AccessEntry& e) {
    ++check.entries;
    auto fail = [&](std::string problem) {
      check.broken_seq = e.seq;
      check.problem = std::move(problem);
      return false;
    };
    if (e.seq != check.entries) return fail("entry out of sequence (a gap or a duplicate)");
    if (e.prev_hash != prev) return fail("does not link to the entry before it");
    if (consent::chained_hash(store::access_chained_fields(scope.org_id(), e)) != e.hash)
      return fail("its hash does not match its fields");
    prev = e.hash;
    return true;
  });
  if (!s) return s.error();
  return check;
}

}  // namespace tocsin::privacy
