// Which organization sent a message, for callbacks that name a message but no organization (a bounce, a
// delivery receipt). Message ids are UUIDs, unique across organizations, so at most one owns an id.
#pragma once

#include <string>

#include "people/directory.h"

namespace tocsin::messaging {

// The organization whose messages include `message_id`, or null. Takes each organization's lock shared in
// turn: never call it with one held.
people::OrgState* owner_of_message(const people::Directory& directory, const std::string& message_id);

}  // namespace tocsin::messaging
