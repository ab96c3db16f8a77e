// Which organization sent a message: the signed links and addresses that come back from outside (tracking
// links, mail reports) name a delivery by message id only.
#pragma once

#include <string>

#include "people/directory.h"

namespace tocsin::messaging {

// The organization whose messages include `message_id` (message ids are UUIDs, unique across them), or null.
// Takes each organization's lock (shared) in turn.
people::OrgState* owner_of_message(people::Directory& directory, const std::string& message_id);

}  // namespace tocsin::messaging
