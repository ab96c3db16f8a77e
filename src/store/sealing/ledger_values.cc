#include "store/sealing/ledger_values.h"

namespace tocsin::store {

void open_personal_values(const FieldSealer& sealer, consent::LedgerEntry& e) {
  e.contact_ref = sealer.open_or_stored(e.contact_ref, SealedColumn::kLedgerContact);
  e.evidence.ip = sealer.open_or_stored(e.evidence.ip, SealedColumn::kLedgerIp);
  e.evidence.user_agent = sealer.open_or_stored(e.evidence.user_agent, SealedColumn::kLedgerUserAgent);
}

}  // namespace tocsin::store
