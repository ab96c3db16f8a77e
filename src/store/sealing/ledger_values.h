// The ledger's personal values (address, IP, user agent) as both backends read them from their sealed
// columns. The chain covers only their digests, so opening them never affects verification.
#pragma once

#include "consent/ledger_entry.h"
#include "store/sealing/field_sealer.h"

namespace tocsin::store {

void open_personal_values(const FieldSealer& sealer, consent::LedgerEntry& e);

}  // namespace tocsin::store
