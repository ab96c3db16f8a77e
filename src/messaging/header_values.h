// Values of a message that become mail headers (a subject, a sender's name or address) must hold no control
// character: a line break there would fail every delivery of the message, or inject a header. Checked where
// such values come in — a message's create and every edit (api/message_handlers.cc), an action's
// autoresponse (messaging/autoresponse.h) — so the error reaches whoever typed them, as a 400.
#pragma once

#include <string_view>

#include "core/result.h"
#include "messaging/message.h"

namespace tocsin::messaging {

// 400 naming `field` when `value` holds a control character (core/control_chars.h).
Status check_header_value(std::string_view field, std::string_view value);

// check_header_value over a message's header-bound fields: subject, from, reply_to, tocsin:from_address.
Status check_header_fields(const Message& m);

}  // namespace tocsin::messaging
