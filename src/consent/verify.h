// Ledger verification: recomputes every hash and checks that the chain is contiguous, so an altered,
// inserted or removed entry is detected (and named).
#pragma once

#include <string>

#include "store/store.h"

namespace tocsin::consent {

// One entry on its own: its hash recomputes from its fields, and any plaintext still present matches the
// digest that was chained (erased plaintext is fine).
bool entry_intact(const store::StoredLedgerEntry& e);

struct ChainReport {
  bool ok = true;
  int64_t entries = 0;
  std::string head;     // hash of the last entry
  std::string problem;  // the first defect found, naming the sequence number
};

Result<ChainReport> verify_chain(store::OrgScope scope);

}  // namespace tocsin::consent
