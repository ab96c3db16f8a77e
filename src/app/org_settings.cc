#include "app/org_settings.h"

#include "app/command_exit.h"

namespace tocsin {

messaging::Settings load_org_settings(Installation& inst, const std::string& org_id) {
  auto doc = inst.store->org_doc(org_id, messaging::kSettingsKind, "settings");
  if (!doc) fail_command(doc.error());
  if (!doc.value()) return {};
  auto s = messaging::decode_settings(doc.value()->doc);
  if (!s) fail_command(s.error());
  return std::move(s).value();
}

void save_org_settings(Installation& inst, const std::string& org_id, const messaging::Settings& s) {
  store::OrgDoc doc{std::string(messaging::kSettingsKind), "settings", messaging::encode_settings(s)};
  if (auto st = inst.store->put_doc_outside(org_id, doc); !st) fail_command(st.error());
}

}  // namespace tocsin
