#include "store/sealing/key_ring.h"

#include <sodium.h>

#include <algorithm>

namespace tocsin::store {
namespace {

Status load(Store& store, const KeyEncryptionKey& kek, const std::vector<DataKeyRow>& rows) {
  auto keys = unwrap_data_keys(kek, rows);
  if (!keys) return keys.error();
  store.sealer().set_keys(std::move(keys).value());
  return Ok{};
}

}  // namespace

Status open_data_keys(Store& store, const std::optional<KeyEncryptionKey>& kek, bool new_installation) {
  auto rows = store.data_key_rows();
  if (!rows) return rows.error();
  if (new_installation && !rows->empty())
    return Error{409,
                 "the database already holds an installation; copy its data directory (contact.key, "
                 "token.keys) and its key-encryption key to this node instead of running init"};
  if (!kek) {
    if (!rows->empty())
      return bad_request(
          "this installation's personal data is encrypted and no key-encryption key was found (DIR.kek "
          "beside the data directory, or TOCSIN_KEK_FILE)");
    return Ok{};
  }
  if (rows->empty()) {
    auto first = add_data_key(store, *kek);
    return first ? Status{Ok{}} : Status{first.error()};
  }
  return load(store, *kek, *rows);
}

Status refresh_data_keys(Store& store, const KeyEncryptionKey& kek) {
  auto rows = store.data_key_rows();
  if (!rows) return rows.error();
  std::vector<uint32_t> held = store.sealer().key_ids();
  bool changed = rows->size() != held.size();
  for (const auto& r : *rows)
    if (std::find(held.begin(), held.end(), r.id) == held.end()) changed = true;
  return changed ? load(store, kek, *rows) : Status{Ok{}};
}

Result<uint32_t> add_data_key(Store& store, const KeyEncryptionKey& kek) {
  auto rows = store.data_key_rows();
  if (!rows) return rows.error();
  if (!rows->empty())  // only the installation's own KEK may add a key beside the others
    if (auto opened = unwrap_data_keys(kek, *rows); !opened) return opened.error();
  uint32_t id = 1;
  for (const auto& r : *rows) id = std::max(id, r.id + 1);
  DataKey key = generate_data_key(id);
  DataKeyRow row{id, wrap_data_key(kek, key), now_micros()};
  sodium_memzero(key.secret.data(), key.secret.size());
  if (auto s = store.insert_data_key(row); !s) return s.error();
  rows->push_back(row);
  if (auto s = load(store, kek, *rows); !s) return s.error();
  return id;
}

Status rewrap_data_keys(Store& store, const KeyEncryptionKey& current, const KeyEncryptionKey& next) {
  auto rows = store.data_key_rows();
  if (!rows) return rows.error();
  auto keys = unwrap_data_keys(current, *rows);
  if (!keys) return keys.error();
  for (size_t i = 0; i < rows->size(); ++i) (*rows)[i].wrapped = wrap_data_key(next, (*keys)[i]);
  for (auto& k : *keys) sodium_memzero(k.secret.data(), k.secret.size());
  if (auto s = store.rewrap_data_key_rows(*rows); !s) return s;
  return load(store, next, *rows);
}

}  // namespace tocsin::store
