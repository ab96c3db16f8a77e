#include "store/sealing/data_keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace tocsin::store {
namespace {

std::string associated_data(uint32_t id) {
  return "tocsin data key " + std::to_string(id);
}

}  // namespace

Result<KeyEncryptionKey> read_kek_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return bad_request("cannot read the key-encryption key file " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string hex = text.str();
  auto first = hex.find_first_not_of(" \t\r\n");
  auto last = hex.find_last_not_of(" \t\r\n");
  hex = first == std::string::npos ? std::string() : hex.substr(first, last - first + 1);
  KeyEncryptionKey kek;
  size_t len = 0;
  if (hex.size() != 64 ||
      sodium_hex2bin(kek.secret.data(), kek.secret.size(), hex.data(), hex.size(), nullptr, &len, nullptr) !=
          0 ||
      len != kek.secret.size())
    return bad_request(path + " is not a key-encryption key (64 hex digits)");
  return kek;
}

Result<KeyEncryptionKey> create_kek_file(const std::string& path) {
  KeyEncryptionKey kek;
  randombytes_buf(kek.secret.data(), kek.secret.size());
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, kek.secret.data(), kek.secret.size());
  std::string line = std::string(hex) + "\n";
  sodium_memzero(hex, sizeof hex);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return bad_request("cannot create the key-encryption key file " + path + " (does it exist?)");
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(line.data(), line.size());
  if (!ok) return internal_error("cannot write " + path);
  return kek;
}

DataKey generate_data_key(uint32_t id) {
  DataKey k;
  k.id = id;
  randombytes_buf(k.secret.data(), k.secret.size());
  return k;
}

std::string wrap_data_key(const KeyEncryptionKey& kek, const DataKey& key) {
  std::string wrapped;
  aead_seal_append(kek.secret,
                   std::string_view(reinterpret_cast<const char*>(key.secret.data()), key.secret.size()),
                   associated_data(key.id), wrapped);
  return wrapped;
}

Result<std::vector<DataKey>> unwrap_data_keys(const KeyEncryptionKey& kek,
                                              const std::vector<DataKeyRow>& rows) {
  std::vector<DataKey> keys;
  for (const auto& row : rows) {
    auto secret = aead_open(kek.secret, row.wrapped, associated_data(row.id));
    if (!secret || secret->size() != 32)
      return bad_request("the key-encryption key does not open data key " + std::to_string(row.id) +
                         ": it is not this installation's key-encryption key");
    DataKey k;
    k.id = row.id;
    std::copy(secret->begin(), secret->end(), k.secret.begin());
    sodium_memzero(secret->data(), secret->size());
    keys.push_back(k);
  }
  return keys;
}

}  // namespace tocsin::store
