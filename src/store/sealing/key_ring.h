// The data keys of an installation's store: loading them into its sealer, adding one (rotation), re-reading
// them (a rotation made by another process or node), and wrapping them under a new key-encryption key.
#pragma once

#include <optional>

#include "store/store.h"

namespace tocsin::store {

// Loads the store's data keys into its sealer. With a KEK and no key yet, creates the first (a new
// installation, or one being converted to encryption). Without a KEK: fails if the database holds keys (its
// personal data would be unreadable), else leaves the sealer without keys (values stored as they are).
// `new_installation` (init): keys already there mean the database is another installation's; refused.
Status open_data_keys(Store& store, const std::optional<KeyEncryptionKey>& kek, bool new_installation);

// Re-reads the keys: a server calls it periodically, so it seals under a key another process added.
Status refresh_data_keys(Store& store, const KeyEncryptionKey& kek);

// Adds a data key and makes it current (the highest id); earlier keys still open what they sealed, and
// never seal again. Returns the new key's id.
Result<uint32_t> add_data_key(Store& store, const KeyEncryptionKey& kek);

// Wraps every data key under `next` instead of `current`, in one transaction. The caller then replaces the
// KEK file on every node (docs/PRIVACY.md).
Status rewrap_data_keys(Store& store, const KeyEncryptionKey& current, const KeyEncryptionKey& next);

}  // namespace tocsin::store
