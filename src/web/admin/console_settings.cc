// The console's settings screen and forms (web/admin/settings_screen.h): the program's fields through the
// API's write path (MessagingBook::put_settings in one group commit, so the gate's view changes with it), and
// API keys as `tocsin apikey` makes them (api/keyring.h: only the digest is stored; the secret is in this one
// answer), served at once.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/clock.h"
#include "core/query_string.h"
#include "privacy/retention.h"
#include "web/admin/console.h"
#include "web/admin/console_path.h"
#include "web/admin/console_response.h"
#include "web/admin/settings_screen.h"

namespace tocsin::web::admin {

bool Console::route_settings(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                             const std::string& path, api::Respond& respond, const Frame& frame) {
  if (path != "/admin/settings" && path.rfind("/admin/settings/", 0) != 0) return false;
  const bool post = req.method == "POST";
  const Target form = parse_target("?" + (post ? req.body : std::string()));
  const std::string ip = client_ip(req);
  if (!p.can(staff::Permission::kSettings) && !p.can(staff::Permission::kKeys))
    return respond(html(403, forbidden_page(frame, "the settings (admins and owners)"))), true;

  auto screen = [&](int status, std::string error, std::string new_key, std::string retention_error = "") {
    SettingsView v;
    {
      std::shared_lock lock(org.mu);
      v = read_settings(org);
    }
    auto scope = store_.scope(org.org.id);
    auto retention = privacy::load_retention(scope);
    if (!retention) return respond(html(500, forbidden_page(frame, "reading the retention policy now")));
    v.retention = retention.value();
    v.retention_error = std::move(retention_error);
    v.error = std::move(error);
    v.new_key_secret = std::move(new_key);
    v.can_keys = p.can(staff::Permission::kKeys);
    if (v.can_keys) {
      auto keys = store_.api_keys();
      if (!keys) return respond(html(500, forbidden_page(frame, "reading the API keys now")));
      for (auto& k : keys.value())
        if (k.org_id == org.org.id) v.keys.push_back(std::move(k));
      std::sort(v.keys.begin(), v.keys.end(),
                [](const auto& a, const auto& b) { return a.created > b.created; });
    }
    respond(html(status, settings_page(frame, v)));
  };

  if (path == "/admin/settings") {
    if (!post) return screen(200, "", ""), true;
    if (!p.can(staff::Permission::kSettings))
      return respond(html(403, forbidden_page(frame, "changing the settings (admins and owners)"))), true;
    ProgramForm f{form.param("postal_address").value_or(""),
                  form.param("brand_name").value_or(""),
                  form.param("support_contact").value_or(""),
                  form.param("message_frequency").value_or(""),
                  form.param("tracking").value_or(""),
                  form.param("send_approval").has_value(),
                  form.param("email_cap"),
                  form.param("email_cap_hours"),
                  form.param("sms_cap"),
                  form.param("sms_cap_hours")};
    messaging::Settings probe;
    if (auto s = apply_program_form(f, probe); !s) return screen(422, s.error().message, ""), true;
    commit_and_go(
        p, org, "settings.edit", "messaging program", ip,
        [f](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros) -> Result<std::string> {
          // Applied to the settings as they are now: the platform's facts (suspension, senders' limits) kept.
          messaging::Settings next = o.messaging.settings();
          if (auto s = apply_program_form(f, next); !s) return s.error();
          o.messaging.put_settings(w, std::move(next));
          return std::string();
        },
        "/admin/settings",
        [frame](const Error& e) { return html(422, forbidden_page(frame, "these settings: " + e.message)); },
        std::move(respond));
    return true;
  }

  if (!post) return respond(html(405, forbidden_page(frame, "this page without its form"))), true;
  if (path == "/admin/settings/retention") {
    if (!p.can(staff::Permission::kSettings))
      return respond(html(403, forbidden_page(frame, "changing the retention policy (admins and owners)"))),
             true;
    auto policy = apply_retention_form({form.param("inactive_months"), form.param("evidence_days"),
                                        form.param("inbound_days"), form.param("delivery_days")});
    if (!policy) return screen(422, "", "", policy.error().message), true;
    // The sweeper reads the policy from the store at every sweep (privacy/retention.h): one document.
    commit_and_go(
        p, org, "settings.retention", "retention policy", ip,
        [doc = store::OrgDoc{std::string(privacy::kRetentionKind), std::string(privacy::kRetentionId),
                             privacy::encode_retention(policy.value())}](
            people::OrgState&, store::WriteBatch::OrgWrites& w, Micros) -> Result<std::string> {
          w.add(store::op::PutDoc{doc});
          return std::string();
        },
        "/admin/settings#retention",
        [frame](const Error& e) { return html(422, forbidden_page(frame, "this policy: " + e.message)); },
        std::move(respond));
    return true;
  }
  if (!p.can(staff::Permission::kKeys))
    return respond(html(403, forbidden_page(frame, "managing API keys (admins and owners)"))), true;
  // A failed refresh only delays the change to the server's next periodic one.
  auto refresh_keys = [&] {
    if (!writes_.keys) return;
    if (auto s = writes_.keys->refresh(store_); !s) spdlog::warn("API key refresh: {}", s.error().message);
  };
  if (path == "/admin/settings/keys") {
    api::IssuedKey issued = api::issue_api_key(org.org.id);
    if (auto s = store_.put_api_key(issued.record); !s)
      return respond(html(500, forbidden_page(frame, "creating a key now"))), true;
    refresh_keys();
    (void)writes_.audit.record({org.org.id, p.account_id, "keys.create", issued.record.id, ip, now_micros()});
    // The secret is in this answer only (no-store; never in a URL): a redirect would lose it.
    return screen(200, "", issued.secret), true;
  }
  if (std::string key_id = id_in(path, "/admin/settings/keys/", "/revoke"); !key_id.empty()) {
    auto keys = store_.api_keys();
    if (!keys) return respond(html(500, forbidden_page(frame, "reading the API keys now"))), true;
    bool ours = false;
    for (const auto& k : keys.value()) ours = ours || (k.id == key_id && k.org_id == org.org.id);
    if (!ours) return respond(html(404, not_found_page(frame, "such API key"))), true;
    if (auto s = store_.revoke_api_key(org.org.id, key_id); !s)
      return respond(html(500, forbidden_page(frame, "revoking the key now"))), true;
    refresh_keys();
    (void)writes_.audit.record({org.org.id, p.account_id, "keys.revoke", key_id, ip, now_micros()});
    return respond(redirect("/admin/settings#keys")), true;
  }
  return respond(html(404, forbidden_page(frame, "this page (it does not exist)"))), true;
}

}  // namespace tocsin::web::admin
