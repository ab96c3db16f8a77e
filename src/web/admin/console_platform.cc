// The platform operator's screen and forms (web/admin/platform_screen.h), for accounts made with `tocsin user
// create --operator` whatever their org roles. A suspension is the organization's settings changed in one
// group commit through MessagingBook::put_settings, as `tocsin org suspend` changes them, so the gate refuses
// the organization's next hand-over (a blast in flight included); a platform suppression is stored as
// `tocsin suppress --platform` stores it and the gate's copy refreshed at once. Each is in the staff audit
// (`platform.suspend`, `platform.unsuspend`, `platform.suppress`).
#include <spdlog/spdlog.h>

#include "core/clock.h"
#include "core/contact_point.h"
#include "core/query_string.h"
#include "core/secret_compare.h"
#include "messaging/gate_wiring.h"
#include "messaging/org_write.h"
#include "web/admin/console.h"
#include "web/admin/console_path.h"
#include "web/admin/console_response.h"
#include "web/admin/platform_screen.h"

namespace tocsin::web::admin {

bool Console::route_platform(const staff::Principal& p, const api::Request& req, const std::string& path,
                             api::Respond& respond, const Frame& frame) {
  if (path != "/admin/platform" && path.rfind("/admin/platform/", 0) != 0) return false;
  if (!p.platform_operator)
    return respond(html(403, forbidden_page(frame, "the platform operator's screen"))), true;
  const bool post = req.method == "POST";
  const Target form = parse_target("?" + (post ? req.body : std::string()));
  const std::string ip = client_ip(req);
  auto screen = [&](int status, std::string notice, std::string error) {
    auto v = read_platform(directory_, store_);
    if (!v) return respond(html(500, forbidden_page(frame, "reading the platform now")));
    v->notice = std::move(notice);
    v->error = std::move(error);
    respond(html(status, platform_page(frame, v.value())));
  };
  if (!post) {
    if (path != "/admin/platform") return respond(html(404, not_found_page(frame, "such page"))), true;
    return screen(200, "", ""), true;
  }
  if (!same_secret(frame.csrf, form.param("csrf").value_or("")))
    return respond(html(403, forbidden_page(frame, "this form without its token (reload the page)"))), true;

  if (path == "/admin/platform/suppressions") {
    const std::string address = form.param("address").value_or("");
    const std::string reason = form.param("reason").value_or("");
    if (reason.find_first_not_of(" \t") == std::string::npos || reason.size() > 500)
      return screen(422, "", "A reason is required (500 characters at most)."), true;
    store::SuppressionRow row;
    if (auto email = normalize_email(address)) {
      row.channel = Channel::kEmail;
      row.contact = directory_.hasher().hash(Channel::kEmail, email.value());
    } else if (auto phone = normalize_phone(address, "US")) {
      row.channel = Channel::kSms;
      row.contact = directory_.hasher().hash(Channel::kSms, phone.value());
    } else {
      return screen(422, "", "That is not an email address or phone number."), true;
    }
    row.since = now_micros();
    row.reason = "platform: " + reason;
    if (auto s = store_.put_platform_suppression(row); !s)
      return screen(500, "", "The suppression could not be stored; nothing changed."), true;
    if (writes_.gate)
      if (auto s = writes_.gate->refresh_platform(store_); !s)
        spdlog::warn("platform suppression refresh: {}", s.error().message);
    // The audit names the channel and reason, not the address (it is personal data of someone who asked
    // not to be contacted).
    (void)writes_.audit.record({"", p.account_id, "platform.suppress",
                                std::string(channel_name(row.channel)) + ": " + reason, ip, row.since});
    return screen(200, std::string("Blocked on every organization (") + channel_name(row.channel) + ").", ""),
           true;
  }

  const bool suspend = !id_in(path, "/admin/platform/orgs/", "/suspend").empty();
  const std::string org_id = id_in(path, "/admin/platform/orgs/", suspend ? "/suspend" : "/unsuspend");
  if (org_id.empty()) return respond(html(404, not_found_page(frame, "such form"))), true;
  people::OrgState* org = directory_.find(org_id);
  if (!org) return respond(html(404, not_found_page(frame, "such organization"))), true;
  const std::string reason = form.param("reason").value_or("");
  if (suspend && (reason.find_first_not_of(" \t") == std::string::npos || reason.size() > 500))
    return screen(422, "", "A reason is required to suspend: it is shown with every refusal."), true;
  messaging::commit_org_write(
      writes_.committer, *org,
      [suspend, reason](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros) -> Result<std::string> {
        messaging::Settings next = o.messaging.settings();
        if (next.suspended == suspend) return std::string("unchanged");
        next.suspended = suspend;
        next.suspended_reason = suspend ? reason : "";
        o.messaging.put_settings(w, std::move(next));
        return std::string();
      },
      [this, respond = std::move(respond), frame, account = p.account_id, ip, org_id, suspend,
       reason](Result<std::string> r) {
        if (!r) return respond(html(500, forbidden_page(frame, "changing the suspension now")));
        if (r.value() != "unchanged")
          (void)writes_.audit.record({org_id, account, suspend ? "platform.suspend" : "platform.unsuspend",
                                      suspend ? reason : std::string(), ip, now_micros()});
        respond(redirect("/admin/platform#org-" + org_id));
      });
  return true;
}

}  // namespace tocsin::web::admin
