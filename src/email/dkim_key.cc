#include "email/dkim_key.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

namespace tocsin::email {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

}  // namespace

Result<DkimKeyPair> generate_dkim_rsa_key(int bits) {
  if (bits < 1024) return bad_request("DKIM keys shorter than 1024 bits are refused by receivers");
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_RSA_gen(static_cast<unsigned>(bits)));
  if (!key) return internal_error("could not generate an RSA key");

  DkimKeyPair out;
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return internal_error("could not encode the DKIM private key");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  out.private_pem.assign(data, static_cast<size_t>(len));

  int der_len = i2d_PUBKEY(key.get(), nullptr);
  if (der_len <= 0) return internal_error("could not encode the DKIM public key");
  std::vector<unsigned char> der(static_cast<size_t>(der_len));
  unsigned char* p = der.data();
  i2d_PUBKEY(key.get(), &p);
  std::string b64(4 * ((der.size() + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der.data(), static_cast<int>(der.size()));
  b64.resize(static_cast<size_t>(n));
  out.public_base64 = std::move(b64);
  return out;
}

std::string dkim_txt_record(const DkimKeyPair& key) {
  return "v=DKIM1; k=rsa; p=" + key.public_base64;
}

}  // namespace tocsin::email
