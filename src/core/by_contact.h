// Hash maps keyed by a contact point's keyed hash (core/contact_point.h).
#pragma once

#include <cstring>
#include <unordered_map>

#include "core/contact_point.h"

namespace tocsin {

struct ContactHashHasher {
  size_t operator()(const ContactHash& h) const {
    size_t v;
    std::memcpy(&v, h.data(), sizeof v);  // the hash is uniformly distributed already
    return v;
  }
};

template <typename V>
using ByContact = std::unordered_map<ContactHash, V, ContactHashHasher>;

}  // namespace tocsin
