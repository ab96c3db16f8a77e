// /unsubscribe/{token}: one-click unsubscribe (RFC 8058; compliance-rules EM-2, EM-U2).
//
// GET shows a confirmation page with a button and changes nothing: mail scanners and link previewers fetch
// every URL in a message. POST (a mail client's `List-Unsubscribe=One-Click`, or the page's button; any
// body is accepted, the token is the credential) unsubscribes and answers 200 with a short page, never a
// redirect, after the ledger entry is durable and no message to the address is still on its way to the
// relay (messaging/opt_out_fence.h). A token that is forged, altered, of a retired key or of an
// unknown organization gets the same 404 page, so the endpoint tells a prober nothing.
#include "api/handlers.h"
#include "api/link_page.h"
#include "email/unsubscribe_token.h"
#include "messaging/opt_out_fence.h"
#include "messaging/unsubscribe.h"

namespace tocsin::api::handlers {
namespace {

void page(Call& c, int status, const std::string& title, const std::string& text,
          const std::string& action = {}) {
  reply_link_page(c, status, {title, text, action, "Unsubscribe", true});
}

void invalid(Call& c) {
  page(c, 404, "Link not valid",
       "This unsubscribe link is not valid. Use the link in the most recent message you received.");
}

}  // namespace

void unsubscribe(Call& c) {
  if (c.seg.size() != 2 || !c.ctx.tokens) return invalid(c);
  const std::string& token = c.seg[1];
  auto claim = c.ctx.tokens->verify(token);
  people::OrgState* org = claim ? c.ctx.directory.find(claim->org_id) : nullptr;
  if (!org) return invalid(c);
  std::string org_name = org->org.name;

  if (c.req.method == "GET" || c.req.method == "HEAD") {
    return page(c, 200, "Unsubscribe from " + org_name,
                "Select the button to stop receiving email from " + org_name + ".",
                c.ctx.public_url + "/unsubscribe/" + token);
  }
  if (c.req.method != "POST") return c.reply(405, error_body("use GET or POST"), {{"Allow", "GET, POST"}});

  messaging::UnsubscribeRequest req;
  req.person_id = claim->person_id;
  req.message_id = claim->message_id;
  req.evidence = c.evidence("one-click unsubscribe");
  req.evidence.actor = "recipient";  // the signed link is the credential: no key, no account
  // The URL without its token: the token is a credential and has no place in the ledger.
  req.evidence.source = c.ctx.public_url + "/unsubscribe (message " + claim->message_id + ")";
  auto delivery = c.ctx.store.scope(org->org.id).delivery_for_person(req.message_id, req.person_id);
  if (delivery) req.delivery = std::move(delivery).value();
  // What the fence knows hand-overs by: the address the message went to and, for a delivery still in the
  // blast's plan (no row yet), the person's address, which the delivery will take.
  std::vector<ContactHash> contacts;
  if (req.delivery) contacts.push_back(req.delivery->contact);
  {
    std::shared_lock lock(org->mu);
    if (const Person* p = org->find_person(req.person_id); p && p->email)
      contacts.push_back(org->hasher->hash(Channel::kEmail, *p->email));
  }
  auto done =
      messaging::unsubscribe_recipient(c.ctx.store, c.ctx.committer, *org, std::move(req), now_micros());
  if (!done)
    return page(c, 503, "Please try again",
                "We could not record your request just now. Please try again in a minute.");
  // "You are unsubscribed" holds once no message to that address is still on its way to the relay.
  if (c.ctx.opt_out_fence)
    for (const auto& contact : contacts) c.ctx.opt_out_fence->await_handovers(contact);
  page(c, 200, "You are unsubscribed", "You will no longer receive email from " + org_name + ".");
}

}  // namespace tocsin::api::handlers
