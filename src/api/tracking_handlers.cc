// /t/c/{token} and /t/o/{token}.gif: click and open tracking (email/tracking_links.h).
//
// GET /t/c/...: when the token's MAC verifies for the link it carries, records the `clicked` (and `opened`:
// a click proves the mail was read) event bit on the delivery and answers 302 to that link. Anything else —
// a forged token, an altered link, a retired key — is 404: the endpoint never redirects anywhere it did not
// sign (no open redirect). GET /t/o/....gif records `opened` and answers a 1x1 transparent GIF, never cached
// so each open is a request. Events are recorded only while the organization has tracking on, and never for
// a person who objected to tracking (privacy/tracking_objection.h), even from a link sent before the
// objection; a link keeps redirecting either way (the mail is already out). HEAD answers the same without
// recording anything. The answer waits for the event's write, which goes through the group committer.

#include "api/handlers.h"
#include "email/tracking_links.h"
#include "messaging/message_owner.h"
#include "messaging/settings.h"

namespace tocsin::api::handlers {
namespace {

// GIF89a, 1x1, one transparent pixel (the smallest common form, 43 bytes).
constexpr unsigned char kPixel[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80,
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04,
                                    0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01,
                                    0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};

constexpr const char* kNoStore = "no-store, no-cache, must-revalidate, max-age=0";

// Whether the delivery's recipient may be tracked: not when they objected (Person::tracking_objection). The
// delivery row names the person; a row that cannot be read or names nobody we hold records nothing — the
// mark would find no row, or belong to nobody, and a failed read must not count someone who objected.
bool may_track(Call& c, people::OrgState& org, const email::DeliveryRef& ref) {
  auto row = c.ctx.store.scope(org.org.id).delivery(ref.message_id, ref.seq);
  if (!row || !row.value()) return false;
  std::shared_lock lock(org.mu);
  const Person* p = org.find_person(row.value()->person_id);
  return p && !p->tracking_objection;
}

// Answers the request: after the event's write is durable when there is one to record (through the group
// committer, so the opens and clicks of a blast share fsyncs instead of holding an HTTP thread for one
// each), at once otherwise.
void record_then_reply(Call& c, const email::DeliveryRef& ref, int events, int status, std::string body,
                       std::vector<std::pair<std::string, std::string>> headers) {
  people::OrgState* org =
      c.req.method == "GET" ? messaging::owner_of_message(c.ctx.directory, ref.message_id) : nullptr;
  bool on = false;
  if (org) {
    std::shared_lock lock(org->mu);
    on = messaging::tracking_enabled(org->messaging.settings(), org->org.gdpr_applies);
  }
  if (on) on = may_track(c, *org, ref);
  if (!on) return c.reply(status, std::move(body), std::move(headers));
  store::DeliveryMark mark;
  mark.add_events = events;
  mark.updated = now_micros();
  auto call = std::make_shared<Call>(std::move(c));
  auto answer =
      std::make_shared<std::pair<std::string, decltype(headers)>>(std::move(body), std::move(headers));
  call->ctx.committer.submit(
      [call, answer, status, org_id = org->org.id,
       write = store::op::MarkDelivery{ref.message_id, ref.seq, mark}](store::WriteBatch& b) mutable {
        b.for_org(org_id).add(std::move(write));
        return std::function<void()>([call, answer, status] {
          call->reply(status, std::move(answer->first), std::move(answer->second));
        });
      });
}

}  // namespace

void tracking(Call& c) {
  if (c.seg.size() != 3 || !c.ctx.delivery_tokens || (c.seg[1] != "c" && c.seg[1] != "o"))
    return c.error(404, "not found");
  if (c.req.method != "GET" && c.req.method != "HEAD")
    return c.reply(405, error_body("use GET"), {{"Allow", "GET, HEAD"}});
  const auto& tokens = *c.ctx.delivery_tokens;
  if (c.seg[1] == "c") {
    auto click = email::verify_click(tokens, c.seg[2]);
    if (!click) return c.error(404, "this link is not valid");
    return record_then_reply(
        c, click->ref, store::kClicked | store::kOpened, 302, "",
        {{"Location", click->url}, {"Cache-Control", kNoStore}, {"Referrer-Policy", "no-referrer"}});
  }
  auto open = email::verify_open(tokens, c.seg[2]);
  if (!open) return c.error(404, "not found");
  record_then_reply(c, open.value(), store::kOpened, 200,
                    std::string(reinterpret_cast<const char*>(kPixel), sizeof kPixel),
                    {{"Content-Type", "image/gif"}, {"Cache-Control", kNoStore}, {"Pragma", "no-cache"}});
}

}  // namespace tocsin::api::handlers
