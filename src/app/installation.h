// An installation: a data directory holding the database (tocsin.db), the secret that keys contact-point
// hashes (contact.key, 0600), and the optional config (tocsin.toml); and, beside the directory, the
// key-encryption key that opens the database's data keys (DIR.kek, app/kek_location.h).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>

#include "core/contact_point.h"
#include "core/org.h"
#include "email/unsubscribe_token.h"
#include "store/store.h"

namespace tocsin {

// How `tocsin init` encrypts a new installation's personal data (store/sealing/).
struct EncryptionChoice {
  std::string kek_file;      // where the key-encryption key is, or is created; empty: app/kek_location.h
  bool unencrypted = false;  // no key-encryption key: values stored as they are (not recommended)
};

struct Installation {
  std::string dir;
  std::unique_ptr<store::Store> store;
  std::array<unsigned char, 32> contact_key{};
  std::vector<email::TokenKey> token_keys;     // unsubscribe/tracking link keys (token.keys, 0600)
  std::optional<store::KeyEncryptionKey> kek;  // none: an installation without encryption at rest
  std::string kek_file;                        // where it was read from

  // Opens an existing data directory (create=false) or creates it (create=true, fails if initialized;
  // `encryption` says how).
  static Result<Installation> open(const std::string& dir, bool create,
                                   const EncryptionChoice& encryption = {});

  ContactHasher hasher() const { return ContactHasher(contact_key); }

  // Creates an organization and a first API key; returns {"org_id": ..., "api_key": ...} as one JSON line.
  // `gdpr_applies`: the organization is subject to the GDPR (stricter age limit for supporters, 16 not 13).
  Result<std::string> create_org_with_key(const std::string& name, const std::string& region,
                                          bool gdpr_applies = false);
};

// An installation opened for a command about one organization.
struct OrgInstallation {
  Installation inst;
  Org org;
};

// Opens the existing data directory `dir` and finds organization `org_id` in it (404 naming it when absent).
Result<OrgInstallation> open_org_installation(const std::string& dir, const std::string& org_id);

// An exclusive lock on the data directory, held by `serve` and `import`: both keep state in memory that
// another writer would invalidate (and they would fork the ledger chain). On PostgreSQL it also holds the
// database's writer claim (Store::claim_writer), since other nodes have data directories of their own.
class DataDirLock {
 public:
  // The directory and the database of an opened installation.
  static Result<std::unique_ptr<DataDirLock>> acquire(const Installation& inst, const std::string& purpose);
  // The directory alone, for one not opened as an installation (`store copy`'s source).
  static Result<std::unique_ptr<DataDirLock>> acquire(const std::string& dir, const std::string& purpose);
  ~DataDirLock();

 private:
  int fd_ = -1;
  std::unique_ptr<store::WriterClaim> claim_;
};

}  // namespace tocsin
