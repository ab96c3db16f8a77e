#include "email/mime_frame.h"

#include <string_view>

#include "core/text.h"
#include "email/gmime_util.h"

namespace tocsin::email {
namespace {

// GMime's filters for one thread, reset before each use: the best-encoding statistics (the same choice
// g_mime_part_get_best_content_encoding makes) and the LF -> CRLF conversion GMime's writer applies to
// every part (with and without the final newline it adds to a message's only part).
struct ThreadFilters {
  GMimeFilter* best = nullptr;
  GMimeFilter* crlf = nullptr;
  GMimeFilter* crlf_ensure = nullptr;
  ThreadFilters() {
    ensure_gmime();
    best = g_mime_filter_best_new(GMIME_FILTER_BEST_ENCODING);
    crlf = g_mime_filter_unix2dos_new(FALSE);
    crlf_ensure = g_mime_filter_unix2dos_new(TRUE);
  }
  ~ThreadFilters() {
    g_object_unref(best);
    g_object_unref(crlf);
    g_object_unref(crlf_ensure);
  }
};

ThreadFilters& filters() {
  thread_local ThreadFilters f;
  return f;
}

// Runs `in` through `filter` in one go (GMime's filters keep no pointer to the input).
std::string run_filter(GMimeFilter* filter, std::string_view in) {
  g_mime_filter_reset(filter);
  char* out = nullptr;
  size_t out_len = 0, out_pre = 0;
  g_mime_filter_complete(filter, const_cast<char*>(in.data()), in.size(), 0, &out, &out_len, &out_pre);
  return std::string(out, out_len);
}

struct EncodedPart {
  std::string headers, content;
  bool raw = false;  // sent as written (7bit): may contain anything, the boundary included
};

// One text part as GMime writes it inside the message: its header fields (without the blank line) and its
// content, transfer-encoded by GMime's encoder when the best encoding for 7-bit transport asks for one.
EncodedPart encode_part(const char* subtype, const std::string& content, bool ensure_newline) {
  ThreadFilters& f = filters();
  run_filter(f.best, content);
  auto encoding = g_mime_filter_best_encoding(GMIME_FILTER_BEST(f.best), GMIME_ENCODING_CONSTRAINT_7BIT);
  EncodedPart part;
  part.headers = std::string("Content-Type: text/") + subtype + "; charset=utf-8\r\n";
  std::string encoded;
  if (encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE || encoding == GMIME_CONTENT_ENCODING_BASE64) {
    part.headers +=
        std::string("Content-Transfer-Encoding: ") + g_mime_content_encoding_to_string(encoding) + "\r\n";
    GMimeEncoding state;
    g_mime_encoding_init_encode(&state, encoding);
    encoded.resize(g_mime_encoding_outlen(&state, content.size()));
    size_t n = g_mime_encoding_flush(&state, content.data(), content.size(), encoded.data());
    encoded.resize(n);
  } else {
    part.raw = true;
  }
  part.content = run_filter(ensure_newline ? f.crlf_ensure : f.crlf, part.raw ? content : encoded);
  return part;
}

// A To address GMime writes as it is: a dot-atom (RFC 5322 §3.4.1) of printable ASCII on a line short
// enough not to be folded. Anything else (quoting, IDN, folding) is left to GMime.
bool plain_address(const std::string& a) {
  if (a.empty() || 4 + a.size() > 78) return false;
  size_t at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == a.size() || a.find('@', at + 1) != std::string::npos)
    return false;
  static constexpr std::string_view kAtext = "!#$%&'*+-/=?^_`{|}~";
  char prev = '.';
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (i == at) {
      if (prev == '.') return false;
      prev = '.';
      continue;
    }
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              (i < at && kAtext.find(c) != std::string_view::npos);
    if (!ok || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  return prev != '.';
}

// A subject GMime writes as it is: printable ASCII words separated by single spaces, nothing that reads as
// an RFC 2047 encoded word, short enough not to be folded.
bool plain_subject(const std::string& s) {
  if (s.empty() || 9 + s.size() > 78 || s.front() == ' ' || s.back() == ' ') return false;
  if (s.find("=?") != std::string::npos || s.find("  ") != std::string::npos) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// The Date field's value as GMime writes it, kept per thread for the last second asked (a blast's round
// shares one `now`).
const std::string& date_value(Micros date) {
  thread_local int64_t last = -1;
  thread_local std::string value;
  int64_t seconds = date / 1'000'000;
  if (seconds != last) {
    GDateTime* when = g_date_time_new_from_unix_utc(seconds);
    char* v = g_mime_utils_header_format_date(when);
    g_date_time_unref(when);
    value = v;
    g_free(v);
    last = seconds;
  }
  return value;
}

}  // namespace

Result<MimeFrame> MimeFrame::make(const RenderedEmail& shared) {
  if (shared.boundary.empty()) return bad_request("a MIME frame needs a boundary");
  // A prototype built by GMime gives the shared fields as GMime formats them and their order.
  RenderedEmail p;
  p.from_address = shared.from_address;
  p.from_name = shared.from_name;
  p.reply_to = shared.reply_to;
  p.subject = shared.subject;
  p.to_address = "frame@frame.invalid";
  p.message_id = "frame@frame.invalid";
  p.text = "x";
  p.boundary = shared.boundary;
  auto built = build_message(p, 0);
  if (!built) return built.error();
  const std::string& proto = built.value();
  MimeFrame f;
  f.from_address_ = shared.from_address;
  f.from_name_ = shared.from_name;
  f.reply_to_ = shared.reply_to;
  f.subject_ = shared.subject;
  f.boundary_ = shared.boundary;
  size_t end = proto.find("\r\n\r\n");
  if (end == std::string::npos) return internal_error("GMime wrote no header block");
  end += 2;
  for (size_t pos = 0; pos < end;) {
    // One field: its first line and every continuation line (starting with a space or tab).
    size_t stop = proto.find("\r\n", pos) + 2;
    while (stop < end && (proto[stop] == ' ' || proto[stop] == '\t')) stop = proto.find("\r\n", stop) + 2;
    std::string line = proto.substr(pos, stop - pos);
    pos = stop;
    std::string name = lower_ascii(line.substr(0, line.find(':')));
    if (name == "mime-version" || name == "content-type" || name == "content-transfer-encoding") continue;
    Slot slot = name == "date"         ? Slot::kDate
                : name == "to"         ? Slot::kTo
                : name == "subject"    ? Slot::kSubject
                : name == "message-id" ? Slot::kMessageId
                                       : Slot::kLiteral;
    if (slot == Slot::kSubject) f.subject_line_ = line;
    f.fields_.push_back({slot, slot == Slot::kLiteral ? line : std::string()});
  }
  return f;
}

bool MimeFrame::fits(const RenderedEmail& e) const {
  return e.from_address == from_address_ && e.from_name == from_name_ && e.reply_to == reply_to_ &&
         e.to_name.empty() && (e.boundary.empty() || e.boundary == boundary_) &&
         plain_address(e.to_address) && (e.subject == subject_ || plain_subject(e.subject));
}

std::optional<EncodedBody> MimeFrame::encode_body(const std::string& text, const std::string& html) const {
  EncodedBody out;
  out.mime_headers = "MIME-Version: 1.0\r\n";
  if (text.empty() || html.empty()) {  // one part: GMime ends the message with a newline
    EncodedPart part = text.empty() ? encode_part("html", html, true) : encode_part("plain", text, true);
    out.mime_headers += part.headers;
    out.body = std::move(part.content);
    return out;
  }
  EncodedPart parts[] = {encode_part("plain", text, false), encode_part("html", html, false)};
  // A part sent as written could contain the boundary (quoted-printable and base64 cannot: "=-" encodes).
  for (const auto& p : parts)
    if (p.raw && p.content.find(boundary_) != std::string::npos) return std::nullopt;
  out.mime_headers += "Content-Type: multipart/alternative; boundary=\"" + boundary_ + "\"\r\n";
  std::string dash = "--" + boundary_;
  out.body.reserve(parts[0].content.size() + parts[1].content.size() + 256);
  for (const auto& p : parts) {
    out.body += out.body.empty() ? dash + "\r\n" : "\r\n" + dash + "\r\n";
    out.body += p.headers;
    out.body += "\r\n";
    out.body += p.content;
  }
  out.body += "\r\n" + dash + "--\r\n";
  return out;
}

Result<std::string> MimeFrame::build(const RenderedEmail& e, Micros date) const {
  if (fits(e))
    if (auto body = encode_body(e.text, e.html)) return build(e, date, *body);
  RenderedEmail copy = e;
  // GMime does not check its boundary against the content: one a part contains makes way for a random one.
  bool collides = e.text.find(boundary_) != std::string::npos || e.html.find(boundary_) != std::string::npos;
  copy.boundary = collides ? std::string() : boundary_;
  return build_message(copy, date);
}

Result<std::string> MimeFrame::build(const RenderedEmail& e, Micros date, const EncodedBody& body) const {
  if (auto st = validate_rendered_email(e); !st) return st.error();
  // Written directly, a field the frame does not hold (another From, a To display name) would be lost.
  if (!fits(e)) return internal_error("the message does not fit its MIME frame");
  std::string out;
  out.reserve(1024 + body.body.size());
  for (const Field& f : fields_) {
    switch (f.slot) {
      case Slot::kLiteral:
        out += f.line;
        break;
      case Slot::kDate:
        out += "Date: " + date_value(date) + "\r\n";
        break;
      case Slot::kTo:
        out += "To: " + e.to_address + "\r\n";
        break;
      case Slot::kSubject:
        out += e.subject == subject_ ? subject_line_ : "Subject: " + e.subject + "\r\n";
        break;
      case Slot::kMessageId:
        out += "Message-Id: <" + e.message_id + ">\r\n";
        break;
    }
  }
  // As build_message writes them raw (RFC 2369: folded only between items).
  bool https = !e.list_unsubscribe_url.empty();
  if (https || !e.list_unsubscribe_mailto.empty()) {
    out += "List-Unsubscribe:";
    if (https) out += " <" + e.list_unsubscribe_url + ">";
    if (!e.list_unsubscribe_mailto.empty()) {
      bool has_scheme = e.list_unsubscribe_mailto.rfind("mailto:", 0) == 0;
      out += std::string(https ? ",\r\n" : "") + " <" + (has_scheme ? "" : "mailto:") +
             e.list_unsubscribe_mailto + ">";
    }
    out += "\r\n";
    if (https) out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
  }
  for (const auto& [name, value] : e.extra_headers) out += name + ": " + value + "\r\n";
  out += body.mime_headers;
  out += "\r\n";
  out += body.body;
  return out;
}

}  // namespace tocsin::email
