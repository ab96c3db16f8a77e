#include "messaging/message_owner.h"

namespace tocsin::messaging {

people::OrgState* owner_of_message(const people::Directory& directory, const std::string& message_id) {
  for (auto* org : directory.all()) {
    std::shared_lock lock(org->mu);
    if (org->messaging.message(message_id) || org->actions.find_record(message_id)) return org;
  }
  return nullptr;
}

}  // namespace tocsin::messaging
