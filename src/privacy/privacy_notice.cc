#include "privacy/privacy_notice.h"

#include "core/doc_fields.h"
#include "core/json_out.h"

namespace tocsin::privacy {

std::string encode_privacy_notice(const PrivacyNotice& n) {
  JsonOut o;
  o.begin()
      .kv("controller_name", n.controller_name)
      .kv("contact", n.contact)
      .kv("dpo", n.dpo)
      .kv("retention", n.retention);
  return o.end().take();
}

Result<PrivacyNotice> decode_privacy_notice(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "privacy notice");
  if (!root) return root.error();
  DocFields f(root.value());
  return PrivacyNotice{f.str("controller_name"), f.str("contact"), f.str("dpo"), f.str("retention")};
}

store::OrgDoc privacy_notice_doc(const PrivacyNotice& n) {
  return {std::string(kPrivacyNoticeKind), std::string(kPrivacyNoticeId), encode_privacy_notice(n)};
}

PrivacyNotice notice_as_shown(const std::optional<PrivacyNotice>& stored, const Org& org,
                              const messaging::Settings& settings) {
  PrivacyNotice n = stored.value_or(PrivacyNotice{});
  if (n.controller_name.empty()) n.controller_name = org.name;
  if (n.contact.empty())
    n.contact = !settings.support_contact.empty() ? settings.support_contact : settings.postal_address;
  return n;
}

}  // namespace tocsin::privacy
