#include "email/mail_report.h"

#include <cctype>

#include "core/text.h"
#include "email/gmime_util.h"
#include "email/plain_bounce.h"

namespace tocsin::email {
namespace {

using Fields = std::map<std::string, std::string>;  // lower-cased name -> first value

// Header fields of a GMime object, first occurrence of each name.
Fields fields_of(GMimeObject* obj) {
  Fields out;
  GMimeHeaderList* list = g_mime_object_get_header_list(obj);
  int n = list ? g_mime_header_list_get_count(list) : 0;
  for (int i = 0; i < n; ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
    const char* value = g_mime_header_get_value(h);
    out.emplace(lower_ascii(g_mime_header_get_name(h)), std::string(trim_ascii_space(value ? value : "")));
  }
  return out;
}

// Parses a block of "Name: value" fields (a DSN or ARF field group, or rfc822-headers) with GMime's header
// parser, which handles folding and odd line ends the way it does for any message.
Fields parse_field_block(std::string_view block) {
  std::string text(block);
  text += "\r\n\r\n";
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(text.data(), text.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  Ref<GMimeObject> part(g_mime_parser_construct_part(parser.p, nullptr));
  return part.p ? fields_of(part.p) : Fields{};
}

// The decoded content of a leaf part, with CRLF turned into LF.
std::string content_of(GMimePart* part) {
  GMimeDataWrapper* w = g_mime_part_get_content(part);
  if (!w) return {};
  Ref<GMimeStream> mem(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(w, mem.p);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.p));
  std::string out;
  out.reserve(bytes->len);
  for (guint i = 0; i < bytes->len; ++i) {
    if (bytes->data[i] != '\r') out.push_back(static_cast<char>(bytes->data[i]));
  }
  return out;
}

// Field groups separated by blank lines (RFC 3464 §2.1: per-message fields, then one group per recipient).
std::vector<Fields> field_groups(const std::string& text) {
  std::vector<Fields> groups;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\n\n", pos);
    std::string_view block =
        std::string_view(text).substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!trim_ascii_space(block).empty()) groups.push_back(parse_field_block(block));
    if (end == std::string::npos) break;
    pos = end + 2;
  }
  return groups;
}

std::string get(const Fields& f, const char* name) {
  auto it = f.find(name);
  return it == f.end() ? std::string() : it->second;
}

// "rfc822; a@b" -> "a@b"
std::string strip_address_type(std::string v) {
  auto semi = v.find(';');
  if (semi != std::string::npos) v = std::string(trim_ascii_space(std::string_view(v).substr(semi + 1)));
  if (v.size() > 1 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
  return v;
}

// One recipient's status from its field group; false if the group names no recipient.
bool read_recipient(const Fields& g, RecipientStatus& rs) {
  rs.final_recipient = strip_address_type(get(g, "final-recipient"));
  rs.original_recipient = strip_address_type(get(g, "original-recipient"));
  if (rs.final_recipient.empty()) rs.final_recipient = rs.original_recipient;
  if (rs.final_recipient.empty()) return false;
  rs.action = lower_ascii(get(g, "action"));
  rs.diagnostic_code = get(g, "diagnostic-code");
  rs.status = find_enhanced_code(get(g, "status"));
  if (rs.status.empty()) rs.status = find_enhanced_code(rs.diagnostic_code);
  rs.bounce_class = classify_status(rs.status, rs.action);
  return true;
}

void read_delivery_status(GMimePart* part, MailReport& r) {
  // Group 0 is per-message (Reporting-MTA, ...); some MTAs put the recipient fields in it too.
  for (const Fields& g : field_groups(content_of(part))) {
    RecipientStatus rs;
    if (read_recipient(g, rs)) r.recipients.push_back(std::move(rs));
  }
}

void read_feedback(GMimePart* part, MailReport& r) {
  auto groups = field_groups(content_of(part));
  if (groups.empty()) return;
  const Fields& g = groups[0];
  r.feedback_type = lower_ascii(get(g, "feedback-type"));
  r.original_rcpt_to = strip_address_type(get(g, "original-rcpt-to"));
  r.original_mail_from = strip_address_type(get(g, "original-mail-from"));
  r.user_agent = get(g, "user-agent");
}

// `text` collects the plain-text parts outside any attached message: a non-DSN bounce notice says it there.
// `report_part` is set by a delivery-status or feedback-report part: such a report, even a broken one, is
// never read as a plain-text notice.
void walk(GMimeObject* obj, MailReport& r, std::string& text, bool& report_part) {
  GMimeContentType* ct = g_mime_object_get_content_type(obj);
  if (GMIME_IS_MULTIPART(obj)) {
    GMimeMultipart* mp = GMIME_MULTIPART(obj);
    for (int i = 0; i < g_mime_multipart_get_count(mp); ++i)
      walk(g_mime_multipart_get_part(mp, i), r, text, report_part);
  } else if (GMIME_IS_MESSAGE_PART(obj)) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
    if (inner && r.original_headers.empty()) r.original_headers = fields_of(GMIME_OBJECT(inner));
  } else if (GMIME_IS_PART(obj) && ct) {
    GMimePart* part = GMIME_PART(obj);
    if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
        g_mime_content_type_is_type(ct, "message", "global-delivery-status")) {
      report_part = true;
      read_delivery_status(part, r);
    } else if (g_mime_content_type_is_type(ct, "message", "feedback-report")) {
      report_part = true;
      read_feedback(part, r);
    } else if (g_mime_content_type_is_type(ct, "text", "rfc822-headers") && r.original_headers.empty()) {
      std::string headers = content_of(part);
      r.original_headers = parse_field_block(headers.substr(0, headers.find("\n\n")));
    } else if (g_mime_content_type_is_type(ct, "text", "plain")) {
      text += content_of(part);
      text += "\n";
    }
  }
}

}  // namespace

std::string_view bounce_class_name(BounceClass c) {
  switch (c) {
    case BounceClass::kHard:
      return "hard";
    case BounceClass::kSoft:
      return "soft";
    case BounceClass::kSenderPolicy:
      return "sender_policy";
    case BounceClass::kNone:
      break;
  }
  return "none";
}

std::string find_enhanced_code(std::string_view s) {
  for (size_t i = 0; i + 4 < s.size() + 1; ++i) {
    if ((s[i] == '2' || s[i] == '4' || s[i] == '5') && i + 1 < s.size() && s[i + 1] == '.' &&
        (i == 0 || !std::isdigit(static_cast<unsigned char>(s[i - 1])))) {
      size_t j = i + 2, k;
      for (k = j; k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])) && k - j < 3; ++k) {
      }
      if (k == j || k >= s.size() || s[k] != '.') continue;
      size_t m;
      for (m = k + 1; m < s.size() && std::isdigit(static_cast<unsigned char>(s[m])) && m - k - 1 < 3; ++m) {
      }
      if (m == k + 1) continue;
      return std::string(s.substr(i, m - i));
    }
  }
  return {};
}

BounceClass classify_status(std::string_view status, std::string_view action) {
  std::string a = lower_ascii(action);
  if (a == "delivered" || a == "relayed" || a == "expanded") return BounceClass::kNone;
  if (status.size() < 5 || status[1] != '.') {
    // No usable code: a failed action is permanent, a delayed one transient.
    if (a == "failed") return BounceClass::kHard;
    if (a == "delayed") return BounceClass::kSoft;
    return BounceClass::kNone;
  }
  char cls = status[0];
  auto dot = status.find('.', 2);
  std::string_view subject =
      status.substr(2, dot == std::string_view::npos ? std::string_view::npos : dot - 2);
  std::string_view detail = dot == std::string_view::npos ? std::string_view() : status.substr(dot + 1);
  if (cls == '2') return BounceClass::kNone;
  if (subject == "7") {
    if (cls == '5' || (detail.size() == 2 && detail[0] == '2')) return BounceClass::kSenderPolicy;
    return BounceClass::kSoft;
  }
  if (cls == '4') return BounceClass::kSoft;
  if (cls == '5') {
    if (subject == "2" && (detail == "1" || detail == "2")) return BounceClass::kSoft;
    return BounceClass::kHard;
  }
  return BounceClass::kNone;
}

MailReport parse_mail_report(std::string_view raw) {
  ensure_gmime();
  MailReport r;
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.p));
  Ref<GMimeMessage> msg(g_mime_parser_construct_message(parser.p, nullptr));
  if (!msg.p) return r;
  r.headers = fields_of(GMIME_OBJECT(msg.p));
  GMimeObject* body = g_mime_message_get_mime_part(msg.p);
  if (!body) return r;
  std::string text;
  bool report_part = false;
  walk(body, r, text, report_part);
  if (!r.recipients.empty()) {
    r.kind = MailReport::Kind::kDeliveryStatus;
  } else if (!r.feedback_type.empty()) {
    r.kind = MailReport::Kind::kFeedback;
  } else if (auto rs = report_part ? std::nullopt : read_plain_bounce(r.headers, text)) {
    r.kind = MailReport::Kind::kDeliveryStatus;
    r.plain_text = true;
    r.recipients.push_back(std::move(*rs));
    // Headers the notice quotes inline complete those of an attached original (emplace keeps the first).
    for (auto& [name, value] : quoted_original_headers(text)) r.original_headers.emplace(name, value);
  }
  return r;
}

}  // namespace tocsin::email
