// The preference center: /my/{token}, a supporter's own page, reached from the link in every blast email's
// footer and (when the program asks for it) in the SMS HELP answer. The token (email/preference_token.h)
// names organization, person and the contact point the link was sent to; a forged, altered, expired or
// retired token, or one whose person no longer holds that contact point, gets the same 404 page.
//
// GET shows the person's subscription on each channel and changes nothing (link scanners fetch every URL).
// POST (CSRF-checked like every page form) with `do`:
//  - `unsubscribe` + `channel` (email | sms): a ledger entry `unsubscribed` (actor `recipient`, the page,
//    IP, user agent) through messaging::commit_org_write behind the opt-out fence — the answer waits until
//    no message to that contact point is on its way to a transport. Any channel of the person: stopping
//    messages needs no proof of ownership.
//  - `resubscribe` + `channel`: only the channel of the contact point the link was sent to (its holder has
//    shown they receive messages there; the other contact point may not be theirs). The write is ruled on by
//    people::rule_on_subscribe as Writer::kOwner: recorded, or for a bouncing or complained address a
//    confirmation email (messaging/resubscribe_confirmation.h); a number needs the program's complete SMS
//    disclosure, which the page shows and the ledger entry carries. An erased or platform-suppressed contact
//    point is never re-subscribed and the page says so.
//  - `no_tracking`: an objection to open and click tracking (privacy/tracking_objection.h), filed as a
//    request of the subject (objection, `objection_to` tracking) and fulfilled in the same commit; the page
//    then says since when they are not tracked.
//  - `access` | `erasure`: a data-subject request (privacy/privacy_request.h) whose subject is the link's
//    contact point and whose actor is the subject, verified by the signed link; an open request of the same
//    kind and subject is shown instead of a second one. The page shows the reference and the due date.
#pragma once

#include <memory>
#include <string>

#include "web/exchange.h"
#include "web/web_service.h"

namespace tocsin::web {

// Answers GET/HEAD/POST /my/{token}. `ctx` and `csrf` outlive the exchange.
void preference_center(const WebContext& ctx, const CsrfGuard& csrf, const std::shared_ptr<Exchange>& ex,
                       const std::string& token);

}  // namespace tocsin::web
