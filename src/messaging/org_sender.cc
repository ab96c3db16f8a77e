#include "messaging/org_sender.h"

#include <mutex>
#include <shared_mutex>

namespace tocsin::messaging {

std::optional<OrgSender> org_sender(const people::Directory& directory, const std::string& org_id) {
  auto* org = directory.find(org_id);
  if (!org) return std::nullopt;
  std::shared_lock lock(org->mu);
  OrgSender s;
  s.org_name = org->org.name;
  for (const auto& [name, d] : org->messaging.domains()) {
    if (!d.verified_at) continue;
    s.from_domain = name;
    if (auto signer = email::DkimSigner::make(d.signing_domain(), d.selector, d.private_key_pem))
      s.signer.emplace(std::move(signer).value());
    break;
  }
  return s;
}

}  // namespace tocsin::messaging
