#include "messaging/abuse_case.h"

#include <simdjson.h>

#include <shared_mutex>

#include "core/contact_point.h"
#include "core/control_chars.h"
#include "core/doc_fields.h"
#include "core/json_out.h"
#include "core/text.h"
#include "messaging/sms_inbound.h"

namespace tocsin::messaging {
namespace {

// The next path segment of `path` (consumed), or "".
std::string_view next_segment(std::string_view& path) {
  auto slash = path.find('/');
  std::string_view seg = path.substr(0, slash);
  path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  return seg;
}

}  // namespace

std::optional<PageRef> page_of(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
    auto slash = url.find('/');
    url = slash == std::string_view::npos ? std::string_view() : url.substr(slash);
  }
  url = url.substr(0, url.find_first_of("?#"));
  if (!url.starts_with("/o/")) return std::nullopt;
  url.remove_prefix(3);
  PageRef p;
  p.org_slug = next_segment(url);
  p.kind = next_segment(url);
  p.slug = next_segment(url);
  if (p.org_slug.empty() || p.kind.empty() || p.slug.empty()) return std::nullopt;
  return p;
}

std::string page_takedown_id(std::string_view kind, std::string_view slug) {
  return std::string(kind) + "/" + std::string(slug);
}

std::string encode_page_takedown(const std::string& reason, const std::string& case_id, Micros at) {
  JsonOut o;
  o.begin().kv("reason", reason).kv("case_id", case_id).kv("at", at);
  return o.end().take();
}

std::string page_takedown_reason(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "page take-down");
  return root ? DocFields(root.value()).str("reason") : std::string();
}

std::string encode_abuse_case(const AbuseCase& c) {
  JsonOut o;
  o.begin()
      .kv("id", c.id)
      .kv("org_id", c.org_id)
      .kv("about", c.about)
      .kv("target", c.target)
      .kv("text", c.text)
      .kv("source", c.source)
      .kv("opened", c.opened)
      .kv("status", c.status)
      .kv("resolution", c.resolution)
      .kv("closed_by", c.closed_by)
      .kv("closed", c.closed);
  return o.end().take();
}

Result<AbuseCase> decode_abuse_case(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "abuse case");
  if (!root) return root.error();
  DocFields f(root.value());
  AbuseCase c;
  c.id = f.str("id");
  c.org_id = f.str("org_id");
  c.about = f.str("about");
  c.target = f.str("target");
  c.text = f.str("text");
  c.source = f.str("source");
  c.opened = f.integer("opened");
  c.status = f.str("status", "open");
  c.resolution = f.str("resolution");
  c.closed_by = f.str("closed_by");
  c.closed = f.integer("closed");
  return c;
}

std::string abuse_case_json(const AbuseCase& c) {
  JsonOut o;
  o.begin()
      .kv("case_id", c.id)
      .kv("org_id", c.org_id)
      .kv("about", c.about)
      .kv("target", c.target)
      .kv("text", c.text)
      .kv("source", c.source)
      .kv("opened", format_iso8601(c.opened))
      .kv("status", c.status);
  if (c.status == "closed")
    o.kv("resolution", c.resolution).kv("closed_by", c.closed_by).kv("closed", format_iso8601(c.closed));
  return o.end().take();
}

Result<AbuseCase> make_abuse_report(std::string about, std::string target, std::string text) {
  AbuseCase c;
  c.about = lower_ascii(trim_ascii_space(about));
  if (c.about != "page" && c.about != "message" && c.about != "number")
    return bad_request("about must be page, message or number");
  std::string_view t = trim_ascii_space(target);
  if (t.empty()) return bad_request("target is required: the page's URL, the message id or the number");
  if (t.size() > kAbuseTargetMax) return bad_request("target is too long");
  if (has_ascii_control(t)) return bad_request("target has a control character");
  if (c.about == "number") {
    if (t.size() <= 6 && t.find_first_not_of("0123456789") == std::string_view::npos) {
      c.target = std::string(t);
    } else {
      auto n = normalize_phone(t, "US");
      if (!n) return bad_request("target is not a phone number or short code");
      c.target = std::move(n).value();
    }
  } else {
    c.target = std::string(t);
  }
  std::string_view words = trim_ascii_space(text);
  if (words.empty()) return bad_request("text is required: what is wrong with it");
  if (words.size() > kAbuseTextMax)
    return bad_request("text is longer than " + std::to_string(kAbuseTextMax) + " bytes");
  if (!simdjson::validate_utf8(words.data(), words.size())) return bad_request("text is not valid UTF-8");
  c.text = std::string(words);
  return c;
}

std::string abuse_org(const people::Directory& directory, const AbuseCase& c) {
  if (c.about == "number") {
    auto route = route_inbound(directory, c.target);
    return route.org ? route.org->org.id : std::string();
  }
  if (c.about == "page") {
    auto page = page_of(c.target);
    const auto* org = page ? directory.by_slug(page->org_slug) : nullptr;
    return org ? org->org.id : std::string();
  }
  for (auto* org : directory.all()) {
    std::shared_lock lock(org->mu);
    if (org->messaging.message(c.target)) return org->org.id;
  }
  return {};
}

}  // namespace tocsin::messaging
