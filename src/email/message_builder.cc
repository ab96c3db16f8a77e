#include "email/message_builder.h"

#include <glib.h>

#include "email/gmime_util.h"

namespace tocsin::email {
namespace {

bool has_line_break(const std::string& s) {
  return s.find_first_of("\r\n") != std::string::npos;
}

// RFC 5322 §3.6.8: a field name is printable US-ASCII except the colon.
bool valid_field_name(const std::string& name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c < 33 || c > 126 || c == ':') return false;
  }
  return true;
}

Status validate(const RenderedEmail& e) {
  if (e.to_address.empty()) return bad_request("the message has no recipient address");
  if (e.from_address.empty()) return bad_request("the message has no From address");
  if (e.message_id.empty()) return bad_request("the message has no Message-ID");
  if (e.text.empty() && e.html.empty()) return bad_request("the message has neither a text nor an HTML body");
  for (const std::string* v :
       {&e.from_address, &e.from_name, &e.reply_to, &e.to_address, &e.to_name, &e.subject,
        &e.list_unsubscribe_url, &e.list_unsubscribe_mailto, &e.message_id}) {
    if (has_line_break(*v)) return bad_request("a header value of the message contains a line break");
  }
  if (e.message_id.find_first_of("<> ") != std::string::npos) {
    return bad_request("the Message-ID must be given without angle brackets or spaces");
  }
  if (!e.list_unsubscribe_url.empty() && e.list_unsubscribe_url.rfind("https://", 0) != 0) {
    return bad_request("the one-click unsubscribe URL must be https (RFC 8058)");
  }
  for (const auto& [name, value] : e.extra_headers) {
    if (!valid_field_name(name))
      return bad_request("extra header name '" + name + "' is not a valid field name");
    if (has_line_break(value)) return bad_request("extra header " + name + " contains a line break");
  }
  return Ok{};
}

// "<https://...>, <mailto:...>" from whichever of the two are set; empty when neither is.
std::string list_unsubscribe_value(const RenderedEmail& e) {
  std::string out;
  if (!e.list_unsubscribe_url.empty()) out = "<" + e.list_unsubscribe_url + ">";
  if (!e.list_unsubscribe_mailto.empty()) {
    if (!out.empty()) out += ", ";
    bool has_scheme = e.list_unsubscribe_mailto.rfind("mailto:", 0) == 0;
    out += "<" + std::string(has_scheme ? "" : "mailto:") + e.list_unsubscribe_mailto + ">";
  }
  return out;
}

// Adds a mailbox whose display name, when not ASCII, is RFC 2047-encoded as UTF-8 (GMime would otherwise
// pick the smallest charset that fits, e.g. ISO-8859-1).
void add_mailbox(GMimeMessage* msg, GMimeAddressType type, const std::string& name, const std::string& addr) {
  Ref<InternetAddress> mailbox(
      internet_address_mailbox_new(name.empty() ? nullptr : name.c_str(), addr.c_str()));
  internet_address_set_charset(mailbox.p, "utf-8");
  internet_address_list_add(g_mime_message_get_addresses(msg, type), mailbox.p);
}

// A UTF-8 text part whose transfer encoding suits 7-bit transport. The caller owns the reference. The content
// goes in as bytes: g_mime_text_part_set_text would re-encode it into the "best" charset (e.g. ISO-8859-1).
GMimeObject* text_part(const char* subtype, const std::string& content) {
  GMimePart* part = GMIME_PART(g_mime_text_part_new_with_subtype(subtype));
  g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset", "utf-8");
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(content.data(), content.size()));
  Ref<GMimeDataWrapper> data(g_mime_data_wrapper_new_with_stream(stream.p, GMIME_CONTENT_ENCODING_DEFAULT));
  g_mime_part_set_content(part, data.p);
  g_mime_part_set_content_encoding(
      part, g_mime_part_get_best_content_encoding(part, GMIME_ENCODING_CONSTRAINT_7BIT));
  return GMIME_OBJECT(part);
}

// The body: one part, or multipart/alternative with the plain text first. The caller owns the reference.
GMimeObject* body_of(const RenderedEmail& e) {
  if (e.html.empty()) return text_part("plain", e.text);
  if (e.text.empty()) return text_part("html", e.html);
  GMimeMultipart* alt = g_mime_multipart_new_with_subtype("alternative");
  Ref<GMimeObject> text(text_part("plain", e.text));
  Ref<GMimeObject> html(text_part("html", e.html));
  g_mime_multipart_add(alt, text.p);
  g_mime_multipart_add(alt, html.p);
  return GMIME_OBJECT(alt);
}

// Format options shared by all builds: CRLF line ends. GMime's option objects are not modified after this,
// so concurrent writers may share it.
GMimeFormatOptions* crlf_format() {
  static GMimeFormatOptions* options = [] {
    GMimeFormatOptions* o = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(o, GMIME_NEWLINE_FORMAT_DOS);
    return o;
  }();
  return options;
}

}  // namespace

Result<std::string> build_message(const RenderedEmail& e, Micros date) {
  if (auto st = validate(e); !st) return st.error();
  ensure_gmime();

  Ref<GMimeMessage> msg(g_mime_message_new(TRUE));
  add_mailbox(msg.p, GMIME_ADDRESS_TYPE_FROM, e.from_name, e.from_address);
  add_mailbox(msg.p, GMIME_ADDRESS_TYPE_TO, e.to_name, e.to_address);
  if (!e.reply_to.empty()) add_mailbox(msg.p, GMIME_ADDRESS_TYPE_REPLY_TO, "", e.reply_to);
  g_mime_message_set_subject(msg.p, e.subject.c_str(), "utf-8");
  GDateTime* when = g_date_time_new_from_unix_utc(date / 1'000'000);
  g_mime_message_set_date(msg.p, when);
  g_date_time_unref(when);
  g_mime_message_set_message_id(msg.p, e.message_id.c_str());

  GMimeObject* top = GMIME_OBJECT(msg.p);
  if (std::string lu = list_unsubscribe_value(e); !lu.empty()) {
    g_mime_object_append_header(top, "List-Unsubscribe", lu.c_str(), nullptr);
    if (!e.list_unsubscribe_url.empty()) {
      g_mime_object_append_header(top, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click", nullptr);
    }
  }
  for (const auto& [name, value] : e.extra_headers) {
    g_mime_object_append_header(top, name.c_str(), value.c_str(), "utf-8");
  }

  Ref<GMimeObject> body(body_of(e));
  g_mime_message_set_mime_part(msg.p, body.p);

  Ref<GMimeStream> out(g_mime_stream_mem_new());
  if (g_mime_object_write_to_stream(top, crlf_format(), out.p) < 0) {
    return internal_error("the message could not be serialized");
  }
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.p));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

}  // namespace tocsin::email
