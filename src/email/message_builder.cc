#include "email/message_builder.h"

#include <glib.h>

#include "core/control_chars.h"
#include "email/gmime_util.h"

namespace tocsin::email {

// Free text bound for a header (subject, display names): each control character becomes a space. These
// values carry merge fields (a person's name in the subject), and one stray line break in a name must cost
// that person a space, not their mail; GMime then encodes the text as RFC 2047 where it needs to.
std::string header_text(const std::string& s) {
  std::string out = s;
  for (auto& c : out)
    if (is_ascii_control(c)) c = ' ';
  return out;
}

namespace {

// A value written to the wire exactly as given (URIs, tokens): printable US-ASCII, no spaces, none of the
// angle brackets and commas that delimit RFC 2369 list items.
bool is_raw_token(const std::string& s) {
  for (unsigned char c : s)
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == ',') return false;
  return !s.empty();
}

// RFC 5322 §3.6.8: a field name is printable US-ASCII except the colon.
bool valid_field_name(const std::string& name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c < 33 || c > 126 || c == ':') return false;
  }
  return true;
}

}  // namespace

Status validate_rendered_email(const RenderedEmail& e) {
  if (e.to_address.empty()) return bad_request("the message has no recipient address");
  if (e.from_address.empty()) return bad_request("the message has no From address");
  if (e.message_id.empty()) return bad_request("the message has no Message-ID");
  if (e.text.empty() && e.html.empty()) return bad_request("the message has neither a text nor an HTML body");
  for (const std::string* v : {&e.from_address, &e.reply_to, &e.to_address})
    if (has_ascii_control(*v)) return bad_request("an address of the message contains a control character");
  if (!is_raw_token(e.message_id) || e.message_id.find('@') == std::string::npos)
    return bad_request("the Message-ID must be given as id@domain, without angle brackets or spaces");
  if (!e.list_unsubscribe_url.empty()) {
    if (e.list_unsubscribe_url.rfind("https://", 0) != 0)
      return bad_request("the one-click unsubscribe URL must be https (RFC 8058)");
    if (!is_raw_token(e.list_unsubscribe_url))
      return bad_request("the unsubscribe URL must be printable ASCII without spaces, <, > or commas");
  }
  if (!e.list_unsubscribe_mailto.empty() && !is_raw_token(e.list_unsubscribe_mailto))
    return bad_request("the unsubscribe mailto must be printable ASCII without spaces, <, > or commas");
  for (const auto& [name, value] : e.extra_headers) {
    if (!valid_field_name(name))
      return bad_request("extra header name '" + name + "' is not a valid field name");
    if (!is_raw_token(value)) return bad_request("extra header " + name + " is not a printable ASCII token");
  }
  if (e.boundary.find_first_of("\"\r\n") != std::string::npos)
    return bad_request("the MIME boundary must not contain quotes or line breaks");
  return Ok{};
}

namespace {

// RFC 2369 items "<https://...>" and "<mailto:...>", whichever are set, the https URI first (RFC 8058).
std::vector<std::string> list_unsubscribe_items(const RenderedEmail& e) {
  std::vector<std::string> items;
  if (!e.list_unsubscribe_url.empty()) items.push_back("<" + e.list_unsubscribe_url + ">");
  if (!e.list_unsubscribe_mailto.empty()) {
    bool has_scheme = e.list_unsubscribe_mailto.rfind("mailto:", 0) == 0;
    items.push_back("<" + std::string(has_scheme ? "" : "mailto:") + e.list_unsubscribe_mailto + ">");
  }
  return items;
}

// Appends a header field written exactly as given. GMime treats a field it does not know as unstructured
// text and would fold a long URI with RFC 2047 encoded-words (`=?us-ascii?Q?=3Chttps=3A...?=`), which no
// mailbox provider reads as a List-Unsubscribe URI; a raw value bypasses its formatter. `lines` are the
// field's lines: the first follows "Name: ", each further one is a continuation line (a fold).
void append_raw_header(GMimeObject* obj, const char* name, const std::vector<std::string>& lines) {
  std::string raw;
  for (const auto& line : lines) raw += (raw.empty() ? " " : "\n ") + line;
  raw += "\n";  // GMime's raw values end in a newline; the CRLF format option converts it
  g_mime_object_append_header(obj, name, "", nullptr);
  GMimeHeaderList* list = g_mime_object_get_header_list(obj);
  GMimeHeader* header = g_mime_header_list_get_header_at(list, g_mime_header_list_get_count(list) - 1);
  g_mime_header_set_raw_value(header, raw.c_str());
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
  if (!e.boundary.empty()) g_mime_multipart_set_boundary(alt, e.boundary.c_str());
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
  if (auto st = validate_rendered_email(e); !st) return st.error();
  ensure_gmime();

  Ref<GMimeMessage> msg(g_mime_message_new(TRUE));
  add_mailbox(msg.p, GMIME_ADDRESS_TYPE_FROM, header_text(e.from_name), e.from_address);
  add_mailbox(msg.p, GMIME_ADDRESS_TYPE_TO, header_text(e.to_name), e.to_address);
  if (!e.reply_to.empty()) add_mailbox(msg.p, GMIME_ADDRESS_TYPE_REPLY_TO, "", e.reply_to);
  g_mime_message_set_subject(msg.p, header_text(e.subject).c_str(), "utf-8");
  GDateTime* when = g_date_time_new_from_unix_utc(date / 1'000'000);
  g_mime_message_set_date(msg.p, when);
  g_date_time_unref(when);
  g_mime_message_set_message_id(msg.p, e.message_id.c_str());

  GMimeObject* top = GMIME_OBJECT(msg.p);
  // RFC 2369 allows folding only between items; each item is one line, however long.
  if (auto items = list_unsubscribe_items(e); !items.empty()) {
    for (size_t i = 0; i + 1 < items.size(); ++i) items[i] += ",";
    append_raw_header(top, "List-Unsubscribe", items);
    if (!e.list_unsubscribe_url.empty())
      append_raw_header(top, "List-Unsubscribe-Post", {"List-Unsubscribe=One-Click"});
  }
  for (const auto& [name, value] : e.extra_headers) append_raw_header(top, name.c_str(), {value});

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
