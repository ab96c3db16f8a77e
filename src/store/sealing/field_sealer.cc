#include "store/sealing/field_sealer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>

namespace tocsin::store {
namespace {

constexpr std::string_view kPrefix = "tq1:";

struct Envelope {
  uint32_t key = 0;
  std::string_view body;  // base64
};

std::optional<Envelope> parse(std::string_view stored) {
  if (stored.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  stored.remove_prefix(kPrefix.size());
  auto colon = stored.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  Envelope e;
  auto [end, ec] = std::from_chars(stored.data(), stored.data() + colon, e.key);
  if (ec != std::errc() || end != stored.data() + colon) return std::nullopt;
  e.body = stored.substr(colon + 1);
  return e;
}

const DataKey* find_key(const std::vector<DataKey>& keys, uint32_t id) {
  for (const auto& k : keys)
    if (k.id == id) return &k;
  return nullptr;
}

}  // namespace

std::string_view column_label(SealedColumn c) {
  switch (c) {
    case SealedColumn::kPersonDoc:
      return "people.doc";
    case SealedColumn::kRecordDoc:
      return "action_records.doc";
    case SealedColumn::kOrgDoc:
      return "org_docs.doc";
    case SealedColumn::kLedgerContact:
      return "ledger.contact_ref";
    case SealedColumn::kLedgerIp:
      return "ledger.ip";
    case SealedColumn::kLedgerUserAgent:
      return "ledger.user_agent";
    case SealedColumn::kDeliveryAddress:
      return "deliveries.address";
  }
  return "?";
}

void FieldSealer::set_keys(std::vector<DataKey> keys) {
  auto next = std::make_shared<Keys>();
  for (const auto& k : keys)
    if (!next->current || k.id > *next->current) next->current = k.id;
  next->keys = std::move(keys);
  std::lock_guard lock(mu_);
  keys_ = std::move(next);
}

std::shared_ptr<const FieldSealer::Keys> FieldSealer::keys() const {
  std::lock_guard lock(mu_);
  return keys_;
}

bool FieldSealer::enabled() const {
  return keys()->current.has_value();
}

std::optional<uint32_t> FieldSealer::current_key() const {
  return keys()->current;
}

std::vector<uint32_t> FieldSealer::key_ids() const {
  std::vector<uint32_t> ids;
  for (const auto& k : keys()->keys) ids.push_back(k.id);
  return ids;
}

std::string FieldSealer::seal(std::string_view plain, SealedColumn c) const {
  auto k = keys();
  if (!k->current || plain.empty()) return std::string(plain);
  const DataKey* key = find_key(k->keys, *k->current);
  std::string sealed(kPrefix);
  sealed += std::to_string(key->id);
  sealed += ':';
  aead_seal_append(key->secret, plain, column_label(c), sealed);
  return sealed;
}

Result<std::string> FieldSealer::open(std::string_view stored, SealedColumn c) const {
  auto env = parse(stored);
  if (!env) return std::string(stored);
  auto k = keys();
  const DataKey* key = find_key(k->keys, env->key);
  if (!key)
    return internal_error("a sealed " + std::string(column_label(c)) + " value names data key " +
                          std::to_string(env->key) + ", which this installation does not hold");
  auto plain = aead_open(key->secret, env->body, column_label(c));
  if (!plain) return internal_error("a sealed " + std::string(column_label(c)) + " value does not open");
  return std::move(*plain);
}

std::string FieldSealer::open_or_stored(std::string_view stored, SealedColumn c) const {
  auto plain = open(stored, c);
  if (plain) return std::move(plain).value();
  static std::atomic<bool> logged{false};
  if (!logged.exchange(true)) spdlog::warn("{}; kept as stored", plain.error().message);
  return std::string(stored);
}

std::optional<uint32_t> FieldSealer::sealed_key(std::string_view stored) {
  auto env = parse(stored);
  if (!env) return std::nullopt;
  return env->key;
}

bool FieldSealer::stale(std::string_view stored) const {
  if (stored.empty()) return false;
  auto current = current_key();
  if (!current) return false;
  return sealed_key(stored) != current;
}

}  // namespace tocsin::store
