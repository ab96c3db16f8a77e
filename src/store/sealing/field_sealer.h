// Encryption at rest of the columns that hold supporters' personal data (issue 11, docs/PRIVACY.md "Keys").
//
// A sealed value is text, so both backends store it in the column it always had and `store copy` moves it
// verbatim:  "tq1:" <key id> ":" base64(nonce[24] || XChaCha20-Poly1305(value))  (libsodium, IETF AEAD).
// The associated data is the column's name ("people.doc", "ledger.ip", ...), so a value cannot be read as
// another column's. Rows are not bound into it: the threat is a copied database file or backup, and a
// writer of the database itself can do worse than swap two ciphertexts.
//
// Data keys (32 bytes, one current) come from the database, wrapped by the installation's key-encryption
// key (store/sealing/data_keys.h). A sealer without keys passes values through: an installation created
// without encryption, or opened by a tool that only copies rows. Reading accepts both forms, so an
// installation can be converted in place (`tocsin keys rotate`). Thread-safe: the key set is replaced
// whole (set_keys) while other threads seal and open.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sealing/aead.h"

namespace tocsin::store {

enum class SealedColumn {
  kPersonDoc,        // people.doc: names, addresses, email and phone, custom fields
  kRecordDoc,        // action_records.doc: what a supporter submitted, comments, referrer
  kOrgDoc,           // org_docs.doc: inbound texts, requests, staff accounts, audit trails, ...
  kLedgerContact,    // ledger.contact_ref: the address (the chain holds its digest)
  kLedgerIp,         // ledger.ip
  kLedgerUserAgent,  // ledger.user_agent
  kDeliveryAddress,  // deliveries.address
};

// "people.doc", "ledger.ip", ...: the associated data of a sealed value.
std::string_view column_label(SealedColumn c);

struct DataKey {
  uint32_t id = 0;
  SecretKey32 secret{};
};

class FieldSealer {
 public:
  // Replaces the key set. The current key is the highest id (the others still open what they sealed); no
  // keys: values pass through.
  void set_keys(std::vector<DataKey> keys);
  bool enabled() const;
  std::optional<uint32_t> current_key() const;
  std::vector<uint32_t> key_ids() const;

  // Seals under the current key; an empty value stays empty (erasure and retention blank by emptying).
  std::string seal(std::string_view plain, SealedColumn c) const;
  // The plaintext of a stored value: a sealed one is opened, anything else is returned as it is (a value
  // written before encryption was on). Fails when a sealed value's key is unknown or it was altered.
  Result<std::string> open(std::string_view stored, SealedColumn c) const;
  // As open, but a value that does not open is returned as stored (and logged once): for evidence
  // columns, where a stored legacy value that merely looks sealed must not make an entry unreadable.
  std::string open_or_stored(std::string_view stored, SealedColumn c) const;

  // The key a stored value is sealed under; nullopt for plaintext (or empty).
  static std::optional<uint32_t> sealed_key(std::string_view stored);
  // Whether `stored` should be sealed again: non-empty and not under the current key (rotation).
  bool stale(std::string_view stored) const;

 private:
  struct Keys {
    std::vector<DataKey> keys;
    std::optional<uint32_t> current;
  };
  std::shared_ptr<const Keys> keys() const;

  mutable std::mutex mu_;
  std::shared_ptr<const Keys> keys_ = std::make_shared<Keys>();
};

}  // namespace tocsin::store
