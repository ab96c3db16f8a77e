// Loading a stored document: opened when its column is sealed (field_sealer.h), then decoded. One that
// does not open or decode is quarantined, with its plaintext when it opened (store/store.h QuarantinedDoc),
// so one bad row cannot keep an organization from starting. Both backends load documents through it.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "store/sealing/field_sealer.h"
#include "store/store.h"

namespace tocsin::store {

template <typename T, typename Decode>
void open_document(const FieldSealer& sealer, std::optional<SealedColumn> sealed, const char* table,
                   std::string_view id, std::string_view stored, Decode decode, std::vector<T>& out,
                   std::vector<QuarantinedDoc>& quarantined) {
  auto plain = sealed ? sealer.open(stored, *sealed) : Result<std::string>(std::string(stored));
  if (!plain) {
    quarantined.push_back({table, std::string(id), plain.error().message, std::string(stored)});
    return;
  }
  auto v = decode(*plain);
  if (v)
    out.push_back(std::move(v).value());
  else
    quarantined.push_back({table, std::string(id), v.error().message, std::move(plain).value()});
}

}  // namespace tocsin::store
