#include "email/dkim_signer.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <ctime>
#include <map>
#include <vector>

#include "core/text.h"

namespace tocsin::email {
namespace {

// Headers signed when present, in this order; a name that occurs several times is signed as often as it
// occurs. Names in kOversigned are listed once more (or once, when absent), which per RFC 6376 §5.4.2 makes
// a verifier reject a message to which another instance was added.
constexpr std::string_view kSignedHeaders[] = {"from",
                                               "to",
                                               "cc",
                                               "subject",
                                               "date",
                                               "message-id",
                                               "reply-to",
                                               "list-unsubscribe",
                                               "list-unsubscribe-post",
                                               "mime-version",
                                               "content-type",
                                               "content-transfer-encoding",
                                               "feedback-id"};
constexpr std::string_view kOversigned[] = {"from", "list-unsubscribe", "list-unsubscribe-post"};

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

struct Field {
  std::string name;      // lower-case
  std::string_view raw;  // the whole field, continuation lines included, without its final CRLF
};

// Splits the header block into fields (continuation lines start with a space or tab). Returns the offset
// where the body starts, or npos when there is no empty line ending the header block.
size_t split_header_fields(std::string_view msg, std::vector<Field>& fields) {
  size_t pos = 0, field_start = std::string_view::npos;
  while (pos < msg.size()) {
    size_t eol = msg.find("\r\n", pos);
    if (eol == std::string_view::npos) return std::string_view::npos;
    bool continuation = eol > pos && is_wsp(msg[pos]);
    if (!continuation && field_start != std::string_view::npos) {
      std::string_view raw = msg.substr(field_start, pos - 2 - field_start);
      size_t colon = raw.find(':');
      if (colon == std::string_view::npos) return std::string_view::npos;
      fields.push_back({lower_ascii(trim_ascii_space(raw.substr(0, colon))), raw});
      field_start = std::string_view::npos;
    }
    if (eol == pos) return eol + 2;  // the empty line
    if (!continuation) field_start = pos;
    pos = eol + 2;
  }
  return std::string_view::npos;
}

// RFC 6376 §3.4.2 relaxed header canonicalization: lower-case name, unfolded value with runs of WSP as one
// space, no WSP around the colon or at the end; followed by CRLF unless `crlf` is false (the signature's own
// field is hashed without it).
void relaxed_header(std::string_view raw, std::string& out, bool crlf = true) {
  size_t colon = raw.find(':');
  out += lower_ascii(trim_ascii_space(raw.substr(0, colon)));
  out += ':';
  size_t mark = out.size();
  bool pending_space = false;
  for (char c : raw.substr(colon + 1)) {
    if (c == '\r' || c == '\n') continue;
    if (is_wsp(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space && out.size() > mark) out += ' ';
    pending_space = false;
    out += c;
  }
  if (crlf) out += "\r\n";
}

// RFC 6376 §3.4.4 relaxed body canonicalization: per line, runs of WSP become one space and trailing WSP
// goes; empty lines at the end go; a non-empty body ends with CRLF.
std::string relaxed_body(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  size_t pending_empty_lines = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t eol = body.find("\r\n", pos);
    std::string_view line =
        body.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? body.size() : eol + 2;
    std::string canon;
    bool pending_space = false;
    for (char c : line) {
      if (is_wsp(c)) {
        pending_space = true;
        continue;
      }
      if (pending_space) canon += ' ';
      pending_space = false;
      canon += c;
    }
    if (canon.empty()) {
      ++pending_empty_lines;
      continue;
    }
    for (; pending_empty_lines > 0; --pending_empty_lines) out += "\r\n";
    out += canon;
    out += "\r\n";
  }
  return out;
}

std::string base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

// `s` split into lines of at most `width` characters joined by folding whitespace (CRLF TAB); a verifier
// ignores whitespace inside the b= and bh= values.
std::string fold(std::string_view s, size_t width) {
  std::string out;
  for (size_t i = 0; i < s.size(); i += width) {
    if (i) out += "\r\n\t ";
    out += s.substr(i, width);
  }
  return out;
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

struct DkimSigner::Key {
  EVP_PKEY* pkey = nullptr;
  EVP_MD* sha256 = nullptr;  // fetched once: an implicit fetch per message costs a provider lookup
  ~Key() {
    EVP_PKEY_free(pkey);
    EVP_MD_free(sha256);
  }
};

DkimSigner::DkimSigner(std::unique_ptr<Key> key, std::string domain, std::string selector)
    : key_(std::move(key)), domain_(std::move(domain)), selector_(std::move(selector)) {}
DkimSigner::DkimSigner(DkimSigner&&) noexcept = default;
DkimSigner& DkimSigner::operator=(DkimSigner&&) noexcept = default;
DkimSigner::~DkimSigner() = default;

Result<DkimSigner> DkimSigner::make(std::string domain, std::string selector, std::string_view private_pem) {
  if (domain.empty() || selector.empty()) return bad_request("DKIM needs a domain and a selector");
  auto key = std::make_unique<Key>();
  BIO* bio = BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size()));
  if (bio) key->pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key->pkey || !EVP_PKEY_is_a(key->pkey, "RSA"))
    return bad_request("DKIM key is not a PEM RSA private key");
  key->sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!key->sha256) return internal_error("OpenSSL has no SHA-256");
  return DkimSigner(std::move(key), std::move(domain), std::move(selector));
}

std::string DkimSigner::body_hash(std::string_view body) const {
  std::string canon = relaxed_body(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  // SHA-256 of a memory buffer cannot fail short of a broken OpenSSL; an empty value makes the signature fail
  // verification rather than pass unnoticed.
  if (EVP_Digest(canon.data(), canon.size(), digest, &digest_len, key_->sha256, nullptr) != 1) return {};
  return base64(digest, digest_len);
}

Result<std::string> DkimSigner::sign(std::string_view message, int64_t now_seconds) const {
  size_t body_at = message.find("\r\n\r\n");
  std::string bh =
      body_hash(body_at == std::string_view::npos ? std::string_view() : message.substr(body_at + 4));
  return sign_with_body_hash(message, bh, now_seconds);
}

Result<std::string> DkimSigner::sign_with_body_hash(std::string_view message, std::string_view bh,
                                                    int64_t now_seconds) const {
  std::vector<Field> fields;
  size_t body_at = split_header_fields(message, fields);
  if (body_at == std::string_view::npos || fields.empty()) {
    return bad_request("message has no CRLF-terminated header block");
  }
  if (bh.empty()) return internal_error("DKIM body hash failed");

  // Signed header fields: for each listed name, instances from the bottom up (RFC 6376 §5.4.2).
  std::map<std::string_view, std::vector<const Field*>> by_name;
  for (const Field& f : fields) by_name[f.name].push_back(&f);
  std::string h_tag, hashed;
  auto add = [&](std::string_view name) {
    if (!h_tag.empty()) h_tag += ':';
    h_tag += name;
    auto it = by_name.find(name);
    if (it == by_name.end() || it->second.empty()) return;  // a null instance, signed as nothing
    relaxed_header(it->second.back()->raw, hashed);
    it->second.pop_back();
  };
  for (std::string_view name : kSignedHeaders) {
    auto it = by_name.find(name);
    for (size_t n = it == by_name.end() ? 0 : it->second.size(); n > 0; --n) add(name);
  }
  for (std::string_view name : kOversigned) add(name);

  std::string sig = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain_ +
                    "; s=" + selector_ +
                    ";\r\n\tt=" + std::to_string(now_seconds ? now_seconds : std::time(nullptr)) +
                    "; h=" + h_tag + ";\r\n\tbh=" + std::string(bh) + ";\r\n\tb=";
  relaxed_header(sig, hashed, false);

  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  size_t sig_len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, key_->sha256, nullptr, key_->pkey) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len, reinterpret_cast<const unsigned char*>(hashed.data()),
                     hashed.size()) != 1) {
    return internal_error("DKIM signing failed");
  }
  std::vector<unsigned char> raw(sig_len);
  if (EVP_DigestSign(ctx.get(), raw.data(), &sig_len, reinterpret_cast<const unsigned char*>(hashed.data()),
                     hashed.size()) != 1) {
    return internal_error("DKIM signing failed");
  }
  sig += fold(base64(raw.data(), sig_len), 70);
  sig += "\r\n";
  return sig;
}

}  // namespace tocsin::email
