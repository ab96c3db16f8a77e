#include "email/dkim_signer.h"

#include <sys/types.h>

#include <vector>

// dkim.h is C and spells the boolean type the C way.
#define _Bool bool
#include <opendkim/dkim.h>
#undef _Bool

namespace tocsin::email {
namespace {

unsigned char* uc(const char* s) {
  return reinterpret_cast<unsigned char*>(const_cast<char*>(s));
}

// Headers to sign when present (libopendkim takes a NULL-terminated array, sized as one char**). Listing
// absent ones is harmless (RFC 6376 §5.4 allows it) and, for List-Unsubscribe*, also prevents their being
// added later.
const char* kSignedHeaders[] = {"from",
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
                                "feedback-id",
                                nullptr};
const char* kOversignedHeaders[] = {"from", nullptr};

struct DkimFree {
  void operator()(DKIM* d) const { dkim_free(d); }
};

// Splits the header block into fields (a field's continuation lines start with a space or tab), each without
// its final CRLF, as dkim_header() expects. Returns the offset where the body starts, or npos when there is
// no empty line separating header and body.
size_t split_header_fields(std::string_view msg, std::vector<std::string_view>& fields) {
  size_t pos = 0, field_start = std::string_view::npos;
  while (pos < msg.size()) {
    size_t eol = msg.find("\r\n", pos);
    if (eol == std::string_view::npos) return std::string_view::npos;
    bool continuation = eol > pos && (msg[pos] == ' ' || msg[pos] == '\t');
    if (!continuation && field_start != std::string_view::npos) {
      fields.push_back(msg.substr(field_start, pos - 2 - field_start));
      field_start = std::string_view::npos;
    }
    if (eol == pos) return eol + 2;  // the empty line
    if (!continuation) field_start = pos;
    pos = eol + 2;
  }
  return std::string_view::npos;
}

}  // namespace

struct DkimSigner::Lib {
  DKIM_LIB* lib = nullptr;
  ~Lib() {
    if (lib) dkim_close(lib);
  }
};

DkimSigner::DkimSigner(std::unique_ptr<Lib> lib, std::string domain, std::string selector, std::string pem)
    : lib_(std::move(lib)),
      domain_(std::move(domain)),
      selector_(std::move(selector)),
      private_pem_(std::move(pem)) {}
DkimSigner::DkimSigner(DkimSigner&&) noexcept = default;
DkimSigner& DkimSigner::operator=(DkimSigner&&) noexcept = default;
DkimSigner::~DkimSigner() = default;

Result<DkimSigner> DkimSigner::make(std::string domain, std::string selector, std::string private_pem) {
  if (domain.empty() || selector.empty()) return bad_request("DKIM needs a domain and a selector");
  if (private_pem.find("PRIVATE KEY") == std::string::npos)
    return bad_request("DKIM key is not a PEM private key");
  auto lib = std::make_unique<Lib>();
  lib->lib = dkim_init(nullptr, nullptr);
  if (!lib->lib) return internal_error("libopendkim failed to initialize");
  if (dkim_options(lib->lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNHDRS, kSignedHeaders, sizeof(char**)) !=
          DKIM_STAT_OK ||
      dkim_options(lib->lib, DKIM_OP_SETOPT, DKIM_OPTS_OVERSIGNHDRS, kOversignedHeaders, sizeof(char**)) !=
          DKIM_STAT_OK) {
    return internal_error("libopendkim rejected the signing options");
  }
  return DkimSigner(std::move(lib), std::move(domain), std::move(selector), std::move(private_pem));
}

Result<std::string> DkimSigner::sign(std::string_view message) const {
  std::vector<std::string_view> fields;
  size_t body_at = split_header_fields(message, fields);
  if (body_at == std::string_view::npos || fields.empty()) {
    return bad_request("message has no CRLF-terminated header block");
  }
  DKIM_STAT st = DKIM_STAT_OK;
  std::unique_ptr<DKIM, DkimFree> d(dkim_sign(lib_->lib, uc("tocsin"), nullptr,
                                              reinterpret_cast<dkim_sigkey_t>(uc(private_pem_.c_str())),
                                              uc(selector_.c_str()), uc(domain_.c_str()), DKIM_CANON_RELAXED,
                                              DKIM_CANON_RELAXED, DKIM_SIGN_RSASHA256, -1, &st));
  if (!d || st != DKIM_STAT_OK) return internal_error("DKIM signing could not start (bad key?)");
  for (auto f : fields) {
    std::string field(f);  // dkim_header takes a mutable buffer
    if (dkim_header(d.get(), uc(field.data()), field.size()) != DKIM_STAT_OK) {
      return bad_request("DKIM rejected a header field");
    }
  }
  if (dkim_eoh(d.get()) != DKIM_STAT_OK) return internal_error("DKIM failed at end of headers");
  std::string body(message.substr(body_at));
  if (!body.empty() && dkim_body(d.get(), uc(body.data()), body.size()) != DKIM_STAT_OK) {
    return internal_error("DKIM failed on the body");
  }
  if (dkim_eom(d.get(), nullptr) != DKIM_STAT_OK)
    return internal_error("DKIM failed to finish the signature");
  static constexpr std::string_view kName = "DKIM-Signature: ";
  std::vector<unsigned char> buf(8192);
  if (dkim_getsighdr(d.get(), buf.data(), buf.size(), kName.size()) != DKIM_STAT_OK) {
    return internal_error("DKIM signature header did not fit");
  }
  std::string out(kName);
  out += reinterpret_cast<const char*>(buf.data());
  out += "\r\n";
  return out;
}

}  // namespace tocsin::email
