// Who a one-off email of an organization is from (a staff invitation, a supporter's letter to a target):
// its name and first verified sending domain, with that domain's DKIM signer. Blasts choose their own From.
#pragma once

#include <optional>
#include <string>

#include "email/dkim_signer.h"
#include "people/directory.h"

namespace tocsin::messaging {

struct OrgSender {
  std::string org_name;
  std::string from_domain;  // "" when the organization has no verified domain: the gate refuses
  std::optional<email::DkimSigner> signer;
};

// Read under the organization's shared lock; nullopt for an unknown organization.
std::optional<OrgSender> org_sender(const people::Directory& directory, const std::string& org_id);

}  // namespace tocsin::messaging
