// A contact hash as the bytes a store keeps (a BLOB in SQLite, a BYTEA in PostgreSQL), and back.
#pragma once

#include <algorithm>
#include <string_view>

#include "core/contact_point.h"

namespace tocsin::store {

inline std::string_view hash_view(const ContactHash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// Bytes of another length (a damaged row) give the all-zero hash, which matches no contact point.
inline ContactHash to_contact_hash(std::string_view blob) {
  ContactHash h{};
  if (blob.size() == h.size()) std::copy(blob.begin(), blob.end(), h.begin());
  return h;
}

}  // namespace tocsin::store
