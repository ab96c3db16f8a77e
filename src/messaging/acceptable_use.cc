#include "messaging/acceptable_use.h"

#include <algorithm>

#include "core/doc_fields.h"
#include "core/json_out.h"

namespace tocsin::messaging {

std::string encode_acceptance(const AupAcceptance& a) {
  JsonOut o;
  o.begin()
      .kv("version", a.version)
      .kv("url", a.url)
      .kv("accepted_by", a.accepted_by)
      .kv("actor", a.actor)
      .kv("ip", a.ip)
      .kv("accepted_at", a.accepted_at);
  return o.end().take();
}

Result<AupAcceptance> decode_acceptance(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "acceptable-use acceptance");
  if (!root) return root.error();
  DocFields f(root.value());
  return AupAcceptance{f.str("version"), f.str("url"), f.str("accepted_by"),
                       f.str("actor"),   f.str("ip"),  f.integer("accepted_at")};
}

Status check_acceptance(const policy::AcceptableUse& published, std::string_view version,
                        std::string_view accepted_by) {
  if (published.version.empty())
    return Error{409, "the platform has published no acceptable-use policy version to accept"};
  if (version != published.version)
    return unprocessable("version must be the platform's current acceptable-use policy version, \"" +
                         published.version + "\"");
  if (accepted_by.empty())
    return bad_request("accepted_by is required: the name of the person who accepts it for the organization");
  if (accepted_by.size() > 200) return bad_request("accepted_by is too long (200 bytes at most)");
  return Ok{};
}

store::OrgDoc acceptance_doc(const AupAcceptance& a) {
  return {std::string(kAcceptableUseKind), a.version + "@" + std::to_string(a.accepted_at),
          encode_acceptance(a)};
}

Settings with_acceptance(Settings settings, const AupAcceptance& a) {
  settings.acceptable_use_accepted = a.version;
  return settings;
}

std::vector<AupAcceptance> acceptances_newest_first(const std::vector<store::OrgDoc>& docs) {
  std::vector<AupAcceptance> out;
  for (const auto& d : docs)
    if (d.kind == kAcceptableUseKind)
      if (auto a = decode_acceptance(d.doc)) out.push_back(std::move(a).value());
  // Documents come in the order they were written; that order, reversed, is the newest first whatever the
  // clocks of the nodes and CLIs that recorded them said.
  std::reverse(out.begin(), out.end());
  return out;
}

void write_acceptance_state(JsonOut& j, const policy::AcceptableUse& published,
                            const std::string& accepted_version, const std::vector<store::OrgDoc>& docs) {
  j.kv("version", published.version)
      .kv("url", published.url)
      .kv("accepted_version", accepted_version)
      .kv("accepted", published.version.empty() || accepted_version == published.version)
      .begin_array("acceptances");
  for (const auto& a : acceptances_newest_first(docs))
    j.begin()
        .kv("version", a.version)
        .kv("url", a.url)
        .kv("accepted_by", a.accepted_by)
        .kv("actor", a.actor)
        .kv("ip", a.ip)
        .kv("accepted_at", format_iso8601(a.accepted_at))
        .end();
  j.end_array();
}

}  // namespace tocsin::messaging
