// The installation's keys for encryption at rest (docs/PRIVACY.md "Keys").
//
// The key-encryption key (KEK) is 32 random bytes in a file beside, not inside, the data directory
// (`DIR.kek`, 0600, 64 hex digits): a copy of the data directory or of the database alone opens nothing.
// Data keys are 32 random bytes each, stored in the database's `data_keys` table wrapped by the KEK, so
// every node of a PostgreSQL installation that is given the KEK reads the same keys, and a rotation written
// by one node reaches the others. The associated data of a wrapped key names its id, so a wrapped key
// cannot be passed off as another.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/sealing/field_sealer.h"

namespace tocsin::store {

struct KeyEncryptionKey {
  SecretKey32 secret{};
};

// Reads a KEK file (64 hex digits, surrounding whitespace ignored).
Result<KeyEncryptionKey> read_kek_file(const std::string& path);
// Creates a KEK file with a fresh key: fails if the file exists; 0600; fsync'd.
Result<KeyEncryptionKey> create_kek_file(const std::string& path);

// A row of `data_keys`.
struct DataKeyRow {
  uint32_t id = 0;
  std::string wrapped;
  Micros created = 0;
};

DataKey generate_data_key(uint32_t id);
std::string wrap_data_key(const KeyEncryptionKey& kek, const DataKey& key);
// Every row's key; fails naming the first row the KEK does not open (the wrong KEK file).
Result<std::vector<DataKey>> unwrap_data_keys(const KeyEncryptionKey& kek,
                                              const std::vector<DataKeyRow>& rows);

}  // namespace tocsin::store
