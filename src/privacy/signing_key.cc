#include "privacy/signing_key.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tocsin::privacy {

std::string base64(const unsigned char* data, size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

SigningKey SigningKey::generate() {
  SigningKey k;
  crypto_sign_keypair(k.public_.data(), k.secret_.data());
  return k;
}

Result<SigningKey> SigningKey::load_or_create(const std::string& data_dir) {
  auto path = std::filesystem::path(data_dir) / "evidence.key";
  SigningKey k;
  if (std::filesystem::exists(path)) {
    std::ifstream in(path, std::ios::binary);
    if (!in.read(reinterpret_cast<char*>(k.secret_.data()), static_cast<std::streamsize>(k.secret_.size())))
      return internal_error("cannot read " + path.string());
    crypto_sign_ed25519_sk_to_pk(k.public_.data(), k.secret_.data());
    return k;
  }
  k = generate();
  // O_EXCL: two processes creating it at once keep the first one's key.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_or_create(data_dir);
    return internal_error("cannot create " + path.string());
  }
  bool ok = ::write(fd, k.secret_.data(), k.secret_.size()) == static_cast<ssize_t>(k.secret_.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return internal_error("cannot write " + path.string());
  return k;
}

std::string SigningKey::sign_b64(std::string_view message) const {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return base64(sig, sizeof sig);
}

std::string SigningKey::public_key_b64() const {
  return base64(public_.data(), public_.size());
}

}  // namespace tocsin::privacy
