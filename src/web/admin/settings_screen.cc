#include "web/admin/settings_screen.h"

#include <mstch/mstch.hpp>

#include <algorithm>
#include <map>
#include <tuple>

#include "core/clock.h"
#include "core/text.h"
#include "email/dkim_key.h"

namespace tocsin::web::admin {
namespace {

constexpr const char* kSettings = R"(<main><h1>Settings</h1>
{{#new_key}}<div class="ok" role="status" id="new-key"><p><strong>New API key</strong> (shown only now; copy it into the tool that uses it):</p><p><code id="new-key-secret">{{new_key}}</code></p></div>{{/new_key}}
<section aria-labelledby="program"><h2 id="program">Messaging program</h2>
<dl class="facts">
<dt>Sending</dt><dd id="sending-state">{{#suspended}}suspended by the platform: {{suspended_reason}}{{/suspended}}{{^suspended}}not suspended{{/suspended}}</dd>
{{#bulk_paused}}<dt>Bulk email</dt><dd>paused: {{bulk_paused_reason}}</dd>{{/bulk_paused}}
<dt>GDPR applies</dt><dd id="gdpr">{{#gdpr}}yes (email opt-in boxes unticked, tracking off by default){{/gdpr}}{{^gdpr}}no{{/gdpr}}</dd>
<dt>Email frequency cap</dt><dd>{{email_cap}}</dd>
<dt>Text frequency cap</dt><dd>{{sms_cap}}</dd>
<dt>Quiet hours</dt><dd id="quiet-hours">texts reach people only between 8 a.m. and 9 p.m. where they are, narrower where a state's law says so (weekends, holidays); a text due outside waits for the window. Set by law, not by the organization (rules SMS-Q1 to Q3, docs/POLICY.md).</dd>
</dl>
{{#error}}<div class="alert" role="alert" id="settings-error">{{error}}</div>{{/error}}
{{#can_settings}}<form method="post" action="/admin/settings">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="postal_address">Postal address (in every email's footer; required before email leaves)</label><textarea id="postal_address" name="postal_address" rows="2">{{postal_address}}</textarea>
<label for="brand_name">Brand name (begins every text)</label><input id="brand_name" name="brand_name" maxlength="100" value="{{brand_name}}">
<label for="support_contact">Support contact (the HELP answer: an email address or phone number)</label><input id="support_contact" name="support_contact" maxlength="200" value="{{support_contact}}">
<label for="message_frequency">Message frequency (the HELP answer and the first text's disclosure)</label><input id="message_frequency" name="message_frequency" maxlength="200" value="{{message_frequency}}">
<label for="tracking">Open and click tracking</label><select id="tracking" name="tracking">
<option value=""{{#tracking_default}} selected{{/tracking_default}}>default (on; off where the GDPR applies)</option>
<option value="on"{{#tracking_on}} selected{{/tracking_on}}>on</option>
<option value="off"{{#tracking_off}} selected{{/tracking_off}}>off</option></select>
<fieldset><legend>Frequency caps (per recipient, across every message)</legend>
<label for="email_cap">Emails at most (0: no cap)</label><input id="email_cap" name="email_cap" inputmode="numeric" maxlength="6" value="{{email_cap_max}}">
<label for="email_cap_hours">in this many hours</label><input id="email_cap_hours" name="email_cap_hours" inputmode="numeric" maxlength="6" value="{{email_cap_hours}}">
<label for="sms_cap">Texts at most (1 to 3: state law allows no more than 3 a day)</label><input id="sms_cap" name="sms_cap" inputmode="numeric" maxlength="1" value="{{sms_cap_max}}">
<label for="sms_cap_hours">in this many hours (24 or more)</label><input id="sms_cap_hours" name="sms_cap_hours" inputmode="numeric" maxlength="6" value="{{sms_cap_hours}}">
</fieldset>
<label><input type="checkbox" name="send_approval" value="1"{{#send_approval}} checked{{/send_approval}}> Blasts organizers prepare wait for an admin's or owner's approval</label>
<button type="submit">Save settings</button>
</form>{{/can_settings}}
</section>
<section aria-labelledby="domains"><h2 id="domains">Sending domains</h2>
{{#has_domains}}<div class="scroll"><table aria-labelledby="domains"><thead><tr><th scope="col">Domain</th><th scope="col">Status</th><th scope="col">DNS record to publish (TXT)</th></tr></thead><tbody>
{{#domain_rows}}<tr><td>{{name}}</td><td>{{status}}<br><small>{{last_check}}</small></td><td><code>{{dns_name}}</code><br><code style="overflow-wrap:anywhere">{{dns_value}}</code></td></tr>
<tr class="dmarc"><td><span class="visually-hidden">{{name}} </span>DMARC</td><td>{{dmarc_status}}<br><small>{{dmarc_sentence}}</small></td><td>{{#dmarc_name}}<code>{{dmarc_name}}</code><br><code style="overflow-wrap:anywhere">{{dmarc_value}}</code>{{/dmarc_name}}</td></tr>{{/domain_rows}}
</tbody></table></div>{{/has_domains}}{{^has_domains}}<p>None yet. The platform operator adds one with <code>tocsin domain add</code>; publish the record it prints, then <code>tocsin domain verify</code>.</p>{{/has_domains}}
<p>Also publish an SPF record and a DMARC policy (<code>_dmarc.</code> your domain, p=none at least): mailbox providers require both from bulk senders, and blasts from a domain without DMARC, or whose DMARC does not align with the DKIM signature, are refused (docs/MAIL.md).</p>
</section>
<section aria-labelledby="senders"><h2 id="senders">Texting numbers</h2>
{{#has_senders}}<div class="scroll"><table aria-labelledby="senders"><thead><tr><th scope="col">Number</th><th scope="col">Type</th><th scope="col">Registered</th><th scope="col">Per second</th><th scope="col">Per day</th><th scope="col">Status</th></tr></thead><tbody>
{{#sender_rows}}<tr><td>{{number}}</td><td>{{type}}</td><td>{{registered}}</td><td>{{mps}}</td><td>{{daily_cap}}</td><td>{{status}}</td></tr>{{/sender_rows}}
</tbody></table></div>{{/has_senders}}{{^has_senders}}<p>None. Numbers are added by the platform operator (<code>tocsin sender add</code>).</p>{{/has_senders}}
</section>
<section aria-labelledby="retention"><h2 id="retention">Retention</h2>
<p>How long supporters' data is kept, applied by the server every hour (GDPR Art. 5(1)(e)); 0 keeps it. Erased people keep their opt-outs as keyed hashes.</p>
<dl class="facts" id="retention-policy">
<dt>People inactive for</dt><dd>{{inactive_text}}</dd>
<dt>Consent evidence's IP address and browser</dt><dd>{{evidence_text}}</dd>
<dt>Inbound texts</dt><dd>{{inbound_text}}</dd>
<dt>Who got which message</dt><dd>{{delivery_text}}</dd>
</dl>
{{#retention_error}}<div class="alert" role="alert" id="retention-error">{{retention_error}}</div>{{/retention_error}}
{{#can_settings}}<form method="post" action="/admin/settings/retention">
<input type="hidden" name="csrf" value="{{csrf}}">
<label for="inactive_months">Erase people inactive for this many months (0: never)</label><input id="inactive_months" name="inactive_months" inputmode="numeric" maxlength="4" value="{{inactive_months}}">
<label for="evidence_days">Blank the IP address and browser of consent evidence after this many days (0: never; the default covers the four-year TCPA limitation period)</label><input id="evidence_days" name="evidence_days" inputmode="numeric" maxlength="5" value="{{evidence_days}}">
<label for="inbound_days">Delete inbound texts after this many days (0: never)</label><input id="inbound_days" name="inbound_days" inputmode="numeric" maxlength="5" value="{{inbound_days}}">
<label for="delivery_days">Reduce deliveries to statistics after this many days (0: never; at least 30)</label><input id="delivery_days" name="delivery_days" inputmode="numeric" maxlength="5" value="{{delivery_days}}">
<button type="submit">Save retention</button>
</form>{{/can_settings}}
</section>
{{#can_keys}}<section aria-labelledby="keys"><h2 id="keys">API keys</h2>
{{#has_keys}}<div class="scroll"><table aria-labelledby="keys"><thead><tr><th scope="col">Key id</th><th scope="col">Created</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead><tbody>
{{#key_rows}}<tr><td><code>{{id}}</code></td><td>{{created}}</td><td>{{state}}</td><td>{{^revoked}}<form method="post" action="/admin/settings/keys/{{id}}/revoke"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="Revoke key {{id}}">Revoke</button></form>{{/revoked}}</td></tr>{{/key_rows}}
</tbody></table></div>{{/has_keys}}{{^has_keys}}<p>No keys.</p>{{/has_keys}}
<form method="post" action="/admin/settings/keys"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Create an API key</button></form>
</section>{{/can_keys}}
</main></body></html>
)";

constexpr int64_t kHour = int64_t{3600} * 1'000'000;

std::string kept_for(int n, const char* unit) {
  return n == 0 ? std::string("kept") : "after " + std::to_string(n) + " " + unit;
}

std::string cap_text(const policy::FrequencyCap& c) {
  if (c.max <= 0 || c.window <= 0) return "none";
  const int64_t hours = c.window / (int64_t{3600} * 1'000'000);
  return std::to_string(c.max) + " per " + (hours > 0 ? std::to_string(hours) + " hours" : "rolling window");
}

bool has_control(const std::string& s, bool lines_allowed) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    if (lines_allowed && (c == '\n' || c == '\r')) return false;
    return u < 0x20 || u == 0x7f;
  });
}

}  // namespace

SettingsView read_settings(const people::OrgState& org) {
  SettingsView v;
  v.settings = org.messaging.settings();
  v.gdpr = org.org.gdpr_applies;
  for (const auto& [name, d] : org.messaging.domains()) {
    std::string status = !d.disabled_reason.empty() ? "disabled by the platform: " + d.disabled_reason
                         : d.verified_at ? "verified " + format_iso8601(d.verified_at).substr(0, 10)
                                         : std::string("not verified");
    SettingsView::Domain row{name, d.selector + "._domainkey." + d.signing_domain(),
                             email::dkim_txt_record({"", d.public_key_b64}), status, d.last_check};
    // The DMARC row: the verdict blasts depend on, and the record to publish or change (the check that
    // asks for one: dmarc when missing or p=none, alignment when misaligned).
    auto shortfall = messaging::dmarc_shortfall(d);
    row.dmarc_status =
        shortfall ? (shortfall->misaligned ? "not aligned: blasts refused" : "missing: blasts refused")
        : d.dmarc_state == "monitor" ? std::string("p=none: blasts allowed, with a warning")
                                     : std::string("enforced: blasts allowed");
    row.dmarc_sentence = shortfall ? shortfall->detail : d.dmarc_sentence;
    for (const auto& c : d.auth_checks)
      if ((c.name == "dmarc" || c.name == "alignment") && !c.record_value.empty() && row.dmarc_name.empty()) {
        row.dmarc_name = c.record_name;
        row.dmarc_value = c.record_value;
      }
    v.domains.push_back(std::move(row));
  }
  for (const auto& [number, s] : org.messaging.senders()) {
    std::string status = !s.disabled_reason.empty()        ? "disabled: " + s.disabled_reason
                         : !s.blasts_paused_reason.empty() ? "blasts paused: " + s.blasts_paused_reason
                                                           : std::string("active");
    v.senders.push_back(
        {number, std::string(messaging::sender_type_name(s.type)), status, s.registered, s.mps, s.daily_cap});
  }
  return v;
}

std::string settings_page(const Frame& f, const SettingsView& v) {
  const auto& s = v.settings;
  mstch::array domains, senders, keys;
  for (const auto& d : v.domains)
    domains.push_back(mstch::map{{"name", d.name},
                                 {"status", d.status},
                                 {"last_check", d.last_check},
                                 {"dns_name", d.dns_name},
                                 {"dns_value", d.dns_value},
                                 {"dmarc_status", d.dmarc_status},
                                 {"dmarc_sentence", d.dmarc_sentence},
                                 {"dmarc_name", d.dmarc_name},
                                 {"dmarc_value", d.dmarc_value}});
  for (const auto& x : v.senders) {
    char mps[32];
    std::snprintf(mps, sizeof mps, "%g", x.mps);
    senders.push_back(
        mstch::map{{"number", x.number},
                   {"type", x.type},
                   {"registered", std::string(x.registered ? "yes" : "no")},
                   {"mps", std::string(mps)},
                   {"daily_cap", x.daily_cap > 0 ? std::to_string(x.daily_cap) : std::string("none")},
                   {"status", x.status}});
  }
  for (const auto& k : v.keys)
    keys.push_back(mstch::map{{"id", k.id},
                              {"created", format_iso8601(k.created).substr(0, 16)},
                              {"state", std::string(k.revoked ? "revoked" : "active")},
                              {"revoked", k.revoked},
                              {"csrf", f.csrf}});
  return render_screen(
      "Settings", &f, kSettings,
      {{"new_key", v.new_key_secret},
       {"suspended", s.suspended || !s.evidence_overdue.empty()},
       {"suspended_reason", s.suspended
                                ? s.suspended_reason
                                : "a consent-evidence request is overdue (" + s.evidence_overdue + ")"},
       {"bulk_paused", s.bulk_email_paused},
       {"bulk_paused_reason", s.bulk_email_paused_reason},
       {"gdpr", v.gdpr},
       {"email_cap", cap_text(s.email_cap)},
       {"sms_cap", cap_text(s.sms_cap)},
       {"email_cap_max", std::to_string(s.email_cap.max)},
       {"email_cap_hours", s.email_cap.max > 0 ? std::to_string(s.email_cap.window / kHour) : std::string()},
       {"sms_cap_max", std::to_string(s.sms_cap.max)},
       {"sms_cap_hours", std::to_string(s.sms_cap.window / kHour)},
       {"error", v.error},
       {"can_settings", f.can_settings},
       {"csrf", f.csrf},
       {"postal_address", s.postal_address},
       {"brand_name", s.brand_name},
       {"support_contact", s.support_contact},
       {"message_frequency", s.message_frequency},
       {"tracking_default", !s.tracking.has_value()},
       {"send_approval", s.send_approval},
       {"tracking_on", s.tracking.value_or(false)},
       {"tracking_off", s.tracking.has_value() && !*s.tracking},
       {"has_domains", !v.domains.empty()},
       {"domain_rows", domains},
       {"has_senders", !v.senders.empty()},
       {"sender_rows", senders},
       {"can_keys", v.can_keys},
       {"has_keys", !v.keys.empty()},
       {"key_rows", keys},
       {"retention_error", v.retention_error},
       {"inactive_text", kept_for(v.retention.inactive_people_months, "months")},
       {"evidence_text", kept_for(v.retention.evidence_days, "days")},
       {"inbound_text", kept_for(v.retention.inbound_text_days, "days")},
       {"delivery_text", kept_for(v.retention.delivery_days, "days")},
       {"inactive_months", std::to_string(v.retention.inactive_people_months)},
       {"evidence_days", std::to_string(v.retention.evidence_days)},
       {"inbound_days", std::to_string(v.retention.inbound_text_days)},
       {"delivery_days", std::to_string(v.retention.delivery_days)}});
}

Result<privacy::RetentionPolicy> apply_retention_form(const RetentionForm& f) {
  static const std::map<std::string_view, std::string> kLabels{
      {"inactive_months", "The months after which inactive people are erased"},
      {"evidence_days", "The days after which consent evidence is blanked"},
      {"inbound_days", "The days after which inbound texts are deleted"},
      {"delivery_days", "The days after which deliveries become statistics"}};
  auto label = [](std::string_view key) { return kLabels.at(key); };
  privacy::RetentionPolicy p;
  for (auto [key, given, into] :
       {std::tuple{"inactive_months", &f.inactive_months, &p.inactive_people_months},
        std::tuple{"evidence_days", &f.evidence_days, &p.evidence_days},
        std::tuple{"inbound_days", &f.inbound_days, &p.inbound_text_days},
        std::tuple{"delivery_days", &f.delivery_days, &p.delivery_days}}) {
    const std::string text(trim_ascii_space(given->value_or("")));
    if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
      return bad_request(label(key) + " must be a whole number (0 keeps the data).");
    *into = std::stoi(text);
  }
  if (auto s = privacy::check_retention(p, label); !s) return s.error();
  return p;
}

Status apply_program_form(const ProgramForm& f, messaging::Settings& s) {
  struct Field {
    const char* label;
    const std::string& value;
    size_t max;
    bool lines;
  };
  for (const Field& x :
       {Field{"postal address", f.postal_address, 500, true}, Field{"brand name", f.brand_name, 100, false},
        Field{"support contact", f.support_contact, 200, false},
        Field{"message frequency", f.message_frequency, 200, false}}) {
    if (x.value.size() > x.max)
      return bad_request(std::string("The ") + x.label + " is longer than " + std::to_string(x.max) +
                         " characters.");
    if (has_control(x.value, x.lines))
      return bad_request(std::string("The ") + x.label + " holds a control character.");
  }
  if (f.tracking != "" && f.tracking != "on" && f.tracking != "off")
    return bad_request("Tracking must be default, on or off.");
  if (f.message_frequency.find_first_not_of(" \t") == std::string::npos)
    return bad_request("The message frequency is required (texting rules ask for it in the HELP answer).");
  auto whole = [](const std::string& text, const char* what, int64_t most) -> Result<int64_t> {
    if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoll(text) > most)
      return bad_request(std::string("The ") + what + " must be a whole number from 0 to " +
                         std::to_string(most) + ".");
    return std::stoll(text);
  };
  constexpr int64_t kHourMicros = int64_t{3600} * 1'000'000;
  auto typed = [](const std::optional<std::string>& v, int64_t now) { return v ? *v : std::to_string(now); };
  auto email_max = whole(typed(f.email_cap, s.email_cap.max), "email cap", 10'000);
  if (!email_max) return email_max.error();
  int64_t email_hours = 0;
  if (*email_max > 0) {
    auto h = whole(typed(f.email_cap_hours, s.email_cap.window / kHourMicros), "email cap's hours", 24 * 366);
    if (!h) return h.error();
    if (*h < 1) return bad_request("An email cap needs a window of at least 1 hour.");
    email_hours = *h;
  }
  auto sms_max = whole(typed(f.sms_cap, s.sms_cap.max), "text cap", 3);
  if (!sms_max) return sms_max.error();
  auto sms_hours =
      whole(typed(f.sms_cap_hours, s.sms_cap.window / kHourMicros), "text cap's hours", 24 * 366);
  if (!sms_hours) return sms_hours.error();
  if (*sms_max < 1 || *sms_hours < 24)
    return bad_request("Texts are always capped: at most 3 in at least 24 hours (SMS-F1).");
  s.postal_address = f.postal_address;
  s.brand_name = f.brand_name;
  s.support_contact = f.support_contact;
  s.message_frequency = f.message_frequency;
  s.tracking = f.tracking.empty() ? std::optional<bool>() : std::optional<bool>(f.tracking == "on");
  s.send_approval = f.send_approval;
  s.email_cap = {static_cast<int>(*email_max), email_hours * kHourMicros};
  s.sms_cap = {static_cast<int>(*sms_max), *sms_hours * kHourMicros};
  return Ok{};
}

}  // namespace tocsin::web::admin
