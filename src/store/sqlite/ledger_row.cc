#include "store/sqlite/ledger_row.h"

#include <algorithm>

#include "store/sealing/ledger_values.h"

namespace tocsin::store::sqlite {

#define TOCSIN_LEDGER_COLUMNS                                                                               \
  "org_id, seq, time, channel, contact_hash, contact_ref, ref_digest, person_id, old_status, new_status, "  \
  "actor, source, method, ip, ip_digest, user_agent, ua_digest, disclosure_hash, consent_time, prev_hash, " \
  "hash"
const char* const kLedgerColumnsV6 = TOCSIN_LEDGER_COLUMNS;
const char* const kLedgerInsertV6 =
    "INSERT INTO ledger (" TOCSIN_LEDGER_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
const char* const kLedgerColumns = TOCSIN_LEDGER_COLUMNS ", purpose, legal_basis";
const char* const kLedgerInsert =
    "INSERT INTO ledger (" TOCSIN_LEDGER_COLUMNS
    ", purpose, legal_basis) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
#undef TOCSIN_LEDGER_COLUMNS

StoredLedgerEntry read_ledger_row(const Statement& q, const FieldSealer* sealer) {
  StoredLedgerEntry s;
  auto& e = s.entry;
  e.org_id = q.text(0);
  e.seq = q.integer(1);
  e.time = q.integer(2);
  e.channel = static_cast<Channel>(q.integer(3));
  auto blob = q.blob(4);
  if (blob.size() == e.contact_hash.size()) std::copy(blob.begin(), blob.end(), e.contact_hash.begin());
  e.contact_ref = q.text(5);
  s.ref_digest = q.text(6);
  e.person_id = q.text(7);
  e.old_status = static_cast<consent::Status>(q.integer(8));
  e.new_status = static_cast<consent::Status>(q.integer(9));
  e.evidence.actor = q.text(10);
  e.evidence.source = q.text(11);
  e.evidence.method = q.text(12);
  e.evidence.ip = q.text(13);
  s.ip_digest = q.text(14);
  e.evidence.user_agent = q.text(15);
  s.ua_digest = q.text(16);
  e.disclosure_hash = q.text(17);
  e.evidence.consent_time = q.integer(18);
  e.prev_hash = q.text(19);
  e.hash = q.text(20);
  if (q.columns() > 22) {
    e.evidence.purpose = q.text(21);
    e.evidence.legal_basis = consent::parse_legal_basis(q.text(22));
  }
  if (sealer) open_personal_values(*sealer, e);
  return s;
}

Statement& bind_ledger_insert(Statement& q, const std::string& org_id, const consent::LedgerEntry& e,
                              const FieldSealer* sealer, bool with_scope) {
  auto sealed = [&](const std::string& v, SealedColumn c) { return sealer ? sealer->seal(v, c) : v; };
  q.reset();
  q.bind(1, org_id).bind(2, e.seq).bind(3, e.time).bind(4, int64_t{static_cast<int>(e.channel)});
  q.bind_blob(5, e.contact_hash.data(), e.contact_hash.size());
  q.bind(6, sealed(e.contact_ref, SealedColumn::kLedgerContact)).bind(7, consent::digest_of(e.contact_ref));
  q.bind(8, e.person_id).bind(9, int64_t{static_cast<int>(e.old_status)});
  q.bind(10, int64_t{static_cast<int>(e.new_status)}).bind(11, e.evidence.actor).bind(12, e.evidence.source);
  q.bind(13, e.evidence.method).bind(14, sealed(e.evidence.ip, SealedColumn::kLedgerIp));
  q.bind(15, consent::digest_of(e.evidence.ip));
  q.bind(16, sealed(e.evidence.user_agent, SealedColumn::kLedgerUserAgent));
  q.bind(17, consent::digest_of(e.evidence.user_agent));
  q.bind(18, e.disclosure_hash).bind(19, e.evidence.consent_time).bind(20, e.prev_hash).bind(21, e.hash);
  if (with_scope)
    q.bind(22, e.evidence.purpose)
        .bind(23, e.evidence.legal_basis ? consent::legal_basis_name(*e.evidence.legal_basis) : "");
  return q;
}

}  // namespace tocsin::store::sqlite
