#include "app/messaging_commands.h"

#include <iostream>

#include "app/command_exit.h"
#include "app/config.h"
#include "app/installation.h"
#include "app/org_settings.h"
#include "app/org_trust_commands.h"
#include "app/sender_levers.h"
#include "core/contact_point.h"
#include "core/json_out.h"
#include "core/text.h"
#include "email/dkim_dns_check.h"
#include "email/dkim_key.h"
#include "email/sender_auth.h"
#include "messaging/domain_auth_check.h"
#include "messaging/settings.h"
#include "policy/content/lists.h"
#include "sms/keyword_replies.h"

namespace tocsin {
namespace {

constexpr int64_t kHour = int64_t{3600} * 1'000'000;

struct Args {
  std::string dir, org_id, reason;
  // settings
  std::optional<std::string> postal_address, brand, support, frequency, tracking, help_link, sms_age,
      send_approval;
  std::optional<std::string> verified_entities, age_gated;  // comma-separated; "" clears
  std::optional<std::string> emergency;                     // the HELP answer's emergency line; "" clears
  std::optional<int> email_cap, sms_cap, max_segments;
  std::optional<int64_t> email_cap_hours, sms_cap_hours, long_code_max;
  // senders and domains
  std::string number, type = "long_code", campaign, domain, selector = "tocsin1", address, dkim_domain;
  bool registered = false;
  double mps = 1.0;
  int64_t daily_cap = 0;
  bool platform = false;
  std::string dns;
};

Installation open_for(const Args& a) {
  auto inst = Installation::open(a.dir, false);
  if (!inst) fail_command(inst.error());
  auto orgs = inst->store->orgs();
  if (!orgs) fail_command(orgs.error());
  if (!a.org_id.empty()) {
    bool found = false;
    for (const auto& o : orgs.value()) found = found || o.id == a.org_id;
    if (!found) fail_command(not_found("no organization " + a.org_id));
  }
  return std::move(inst).value();
}

std::vector<std::string> comma_list(const std::string& s) {
  std::vector<std::string> out;
  size_t from = 0;
  while (from <= s.size()) {
    size_t comma = std::min(s.find(',', from), s.size());
    auto item = trim_ascii_space(std::string_view(s).substr(from, comma - from));
    if (!item.empty()) out.push_back(lower_ascii(item));
    from = comma + 1;
  }
  return out;
}

void print_settings(const messaging::Settings& s) {
  JsonOut j;
  j.begin()
      .kv("postal_address", s.postal_address)
      .kv("brand_name", s.brand_name)
      .kv("support_contact", s.support_contact)
      .kv("message_frequency", s.message_frequency)
      .kv("email_cap", int64_t{s.email_cap.max})
      .kv("email_cap_hours", s.email_cap.window / kHour)
      .kv("sms_cap", int64_t{s.sms_cap.max})
      .kv("sms_cap_hours", s.sms_cap.window / kHour)
      .kv("long_code_max_recipients", s.long_code_max_recipients)
      .kv("max_segments", int64_t{s.max_segments})
      .kv("sms_age_required", s.sms_age_required)
      .kv("suspended", s.suspended)
      .kv("suspended_reason", s.suspended_reason)
      .kv("evidence_overdue", s.evidence_overdue)
      .kv("bulk_email_paused", s.bulk_email_paused)
      .kv("bulk_email_paused_reason", s.bulk_email_paused_reason)
      .kv("bulk_texts_paused", s.bulk_texts_paused)
      .kv("bulk_texts_paused_reason", s.bulk_texts_paused_reason)
      .kv("trusted", s.trusted)
      .kv("emergency_contact", s.emergency_contact);
  if (s.tracking) j.kv("tracking", *s.tracking);
  j.kv("help_preferences_link", s.help_preferences_link);
  j.kv("send_approval", s.send_approval);
  j.begin_array("verified_entities");
  for (const auto& e : s.verified_entities) j.str(e);
  j.end_array().begin_array("age_gated_content");
  for (const auto& c : s.age_gated_content) j.str(c);
  j.end_array();
  std::cout << j.end().take() << "\n";
}

bool on_off(const std::string& value, const char* flag) {
  if (value != "on" && value != "off") fail_command(bad_request(std::string(flag) + " must be on or off"));
  return value == "on";
}

void run_settings(const Args& a) {
  auto inst = open_for(a);
  auto s = load_org_settings(inst, a.org_id);
  if (a.postal_address) s.postal_address = *a.postal_address;
  if (a.brand) s.brand_name = *a.brand;
  if (a.support) s.support_contact = *a.support;
  if (a.frequency) s.message_frequency = *a.frequency;
  if (a.email_cap) s.email_cap.max = *a.email_cap;
  if (a.email_cap_hours) s.email_cap.window = *a.email_cap_hours * kHour;
  if (a.sms_cap) s.sms_cap.max = *a.sms_cap;
  if (a.sms_cap_hours) s.sms_cap.window = *a.sms_cap_hours * kHour;
  if (a.max_segments) s.max_segments = *a.max_segments;
  if (a.long_code_max) s.long_code_max_recipients = *a.long_code_max;
  if (a.tracking) s.tracking = on_off(*a.tracking, "--tracking");
  if (a.help_link) s.help_preferences_link = on_off(*a.help_link, "--help-link");
  if (a.send_approval) s.send_approval = on_off(*a.send_approval, "--send-approval");
  if (a.sms_age) s.sms_age_required = on_off(*a.sms_age, "--sms-age-required");
  if (a.verified_entities) {
    s.verified_entities.clear();
    for (const auto& id : comma_list(*a.verified_entities)) {
      bool known = false;
      for (const auto& e : policy::content::lists().entities) known = known || e.id == id;
      if (!known)
        fail_command(bad_request("--verified-entities: " + id + " is not an entity of data/entities.txt"));
      s.verified_entities.insert(id);
    }
  }
  if (a.age_gated) {
    s.age_gated_content.clear();
    for (const auto& c : comma_list(*a.age_gated)) {
      if (c != "sex" && c != "alcohol" && c != "firearms" && c != "tobacco" && c != "cannabis")
        fail_command(bad_request("--age-gated takes sex, alcohol, firearms, tobacco, cannabis"));
      s.age_gated_content.insert(c);
    }
  }
  if (a.emergency) {
    s.emergency_contact = std::string(trim_ascii_space(*a.emergency));
    // Judged with the program it is texted with: the whole HELP answer must fit two segments.
    sms::ProgramInfo program{s.brand_name, "", s.support_contact, s.message_frequency, s.emergency_contact};
    if (auto orgs = inst.store->orgs(); orgs && program.brand.empty())
      for (const auto& o : orgs.value())
        if (o.id == a.org_id) program.brand = o.name;
    if (!s.emergency_contact.empty())
      if (auto ok = sms::check_emergency_line(program, s.emergency_contact); !ok) fail_command(ok.error());
  }
  if (s.email_cap.max > 0 && s.email_cap.window <= 0)
    fail_command(bad_request("--email-cap needs --email-cap-hours"));
  if (s.sms_cap.max <= 0)
    fail_command(bad_request("--sms-cap must be at least 1 (SMS-F1 always caps texts)"));
  if (s.max_segments < 1 || s.max_segments > 10) fail_command(bad_request("--max-segments must be 1 to 10"));
  save_org_settings(inst, a.org_id, s);
  print_settings(s);
  finish_command(0);
}

void run_suspend(const Args& a, bool suspend) {
  auto inst = open_for(a);
  auto s = load_org_settings(inst, a.org_id);
  if (suspend && a.reason.empty())
    fail_command(bad_request("--reason is required: it is shown with every refusal"));
  s.suspended = suspend;
  s.suspended_reason = suspend ? a.reason : "";
  save_org_settings(inst, a.org_id, s);
  print_settings(s);
  finish_command(0);
}

void run_sender_add(const Args& a) {
  auto type = messaging::parse_sender_type(a.type);
  if (!type) fail_command(bad_request("--type must be long_code, 10dlc, toll_free or short_code"));
  messaging::SmsSender s;
  if (*type == policy::SenderType::kShortCode) {
    if (a.number.empty() || a.number.size() > 6 ||
        a.number.find_first_not_of("0123456789") != std::string::npos)
      fail_command(bad_request("a short code is 3 to 6 digits"));
    s.number = a.number;
  } else {
    auto n = normalize_phone(a.number, "US");
    if (!n) fail_command(n.error());
    s.number = n.value();
  }
  // The rate the carrier or aggregator granted the number; 10,000/s is beyond any single sender's grant.
  if (a.mps <= 0 || a.mps > 10000) fail_command(bad_request("--mps must be above 0 and at most 10000"));
  if (*type == policy::SenderType::kTenDlc && a.registered && a.campaign.empty())
    fail_command(bad_request("a registered 10DLC number needs --campaign (its TCR campaign id)"));
  s.type = *type;
  s.registered = a.registered || *type == policy::SenderType::kShortCode;
  s.campaign_id = a.campaign;
  s.mps = a.mps;
  s.daily_cap = a.daily_cap;
  s.created = now_micros();
  auto inst = open_for(a);
  // A number belongs to one organization: inbound texts to it are routed by the number alone.
  auto orgs = inst.store->orgs();
  if (!orgs) fail_command(orgs.error());
  for (const auto& o : orgs.value()) {
    if (o.id == a.org_id) continue;
    auto other = inst.store->org_doc(o.id, messaging::kSenderKind, s.number);
    if (!other) fail_command(other.error());
    if (other.value()) fail_command(bad_request("sender " + s.number + " belongs to another organization"));
  }
  store::OrgDoc doc{std::string(messaging::kSenderKind), s.number, messaging::encode_sender(s)};
  if (auto st = inst.store->put_doc_outside(a.org_id, doc); !st) fail_command(st.error());
  JsonOut j;
  j.begin()
      .kv("number", s.number)
      .kv("type", messaging::sender_type_name(s.type))
      .kv("registered", s.registered)
      .kv("mps", s.mps)
      .kv("daily_cap", s.daily_cap);
  std::cout << j.end().take() << "\n";
  finish_command(0);
}

void run_domain_add(const Args& a) {
  auto email = normalize_email("postmaster@" + a.domain);
  if (!email) fail_command(bad_request("not a valid domain: " + a.domain));
  std::string domain = email->substr(email->find('@') + 1);
  auto inst = open_for(a);
  auto existing = inst.store->org_doc(a.org_id, messaging::kDomainKind, domain);
  if (!existing) fail_command(existing.error());
  if (existing.value())
    fail_command(bad_request("domain " + domain + " is already registered; its DKIM key is kept"));
  std::string dkim_domain;
  if (!a.dkim_domain.empty()) {
    auto signer = normalize_email("postmaster@" + a.dkim_domain);
    if (!signer) fail_command(bad_request("not a valid --dkim-domain: " + a.dkim_domain));
    dkim_domain = signer->substr(signer->find('@') + 1);
    if (dkim_domain == domain) dkim_domain.clear();
  }
  auto key = email::generate_dkim_rsa_key();
  if (!key) fail_command(key.error());
  messaging::SendingDomain d{
      domain, a.selector, key->private_pem, key->public_base64, now_micros(), 0, "not checked yet", "", 0};
  d.dkim_domain = dkim_domain;
  store::OrgDoc doc{std::string(messaging::kDomainKind), domain, messaging::encode_domain(d)};
  if (auto st = inst.store->put_doc_outside(a.org_id, doc); !st) fail_command(st.error());
  JsonOut j;
  j.begin()
      .kv("domain", domain)
      .kv("selector", d.selector)
      .kv("dkim_domain", d.signing_domain())
      .kv("dns_name", d.selector + "._domainkey." + d.signing_domain())
      .kv("dns_type", "TXT")
      .kv("dns_value", email::dkim_txt_record(key.value()));
  std::cout << j.end().take() << "\n";
  finish_command(0);
}

void run_domain_verify(const Args& a) {
  auto inst = open_for(a);
  std::string domain = lower_ascii(a.domain);
  auto existing = inst.store->org_doc(a.org_id, messaging::kDomainKind, domain);
  if (!existing) fail_command(existing.error());
  if (!existing.value())
    fail_command(not_found("domain " + domain + " is not registered (tocsin domain add)"));
  auto d = messaging::decode_domain(existing.value()->doc);
  if (!d) fail_command(d.error());
  auto config = load_config(a.dir);
  if (!config) fail_command(config.error());
  auto dns = email::DnsChecker::make(a.dns);
  if (!dns) fail_command(dns.error());
  // DKIM decides verification; SPF and DMARC are the bulk-sender checks whose verdict the gate keeps for
  // blasts (email/sender_auth.h). Checked here and stored, never at send time: a blast must not wait for DNS.
  // The same check and application as the server's periodic re-check (messaging/domain_auth_check.h).
  auto outcome =
      messaging::check_domain_auth(dns.value(), d.value(), effective_mail_domain(*config), now_micros());
  const auto& report = outcome.report;
  const auto& check = report.dkim;
  store::OrgDoc doc{std::string(messaging::kDomainKind), domain, messaging::encode_domain(d.value())};
  if (auto st = inst.store->put_doc_outside(a.org_id, doc); !st) fail_command(st.error());
  auto shortfall = messaging::dmarc_shortfall(d.value());
  JsonOut j;
  j.begin()
      .kv("domain", domain)
      .kv("result", email::dns_outcome_name(check.outcome))
      .kv("verified", d->verified_at > 0)
      .kv("detail", check.sentence)
      .kv("dmarc", email::dmarc_state_name(report.dmarc))
      .kv("blasts_allowed", d->verified_at > 0 && !shortfall);
  if (shortfall) j.kv("blasts_refused_reason", shortfall->misaligned ? "dmarc_misaligned" : "dmarc_missing");
  j.begin_array("checks");
  for (const auto& c : report.checks) {
    j.begin().kv("check", c.name).kv("outcome", c.outcome);
    if (!c.record_name.empty()) j.kv("record_name", c.record_name).kv("record_type", "TXT");
    if (!c.record_value.empty()) j.kv("record_value", c.record_value);
    j.kv("sentence", c.sentence).end();
  }
  j.end_array();
  std::cout << j.end().take() << "\n";
  finish_command(check.outcome == email::DnsCheck::Outcome::kVerified ? 0 : 1);
}

void run_suppress(const Args& a) {
  if (!a.platform)
    fail_command(bad_request("only --platform suppressions are made here (opt-outs go through the ledger)"));
  if (a.reason.empty()) fail_command(bad_request("--reason is required"));
  auto inst = open_for(a);
  store::SuppressionRow row;
  auto email = normalize_email(a.address);
  if (email) {
    row.channel = Channel::kEmail;
    row.contact = inst.hasher().hash(Channel::kEmail, email.value());
  } else {
    auto phone = normalize_phone(a.address, "US");
    if (!phone) fail_command(bad_request("not an email address or phone number: " + a.address));
    row.channel = Channel::kSms;
    row.contact = inst.hasher().hash(Channel::kSms, phone.value());
  }
  row.since = now_micros();
  row.reason = "platform: " + a.reason;
  if (auto st = inst.store->put_platform_suppression(row); !st) fail_command(st.error());
  std::cout << "{\"suppressed\": true, \"channel\": \"" << channel_name(row.channel) << "\"}\n";
  finish_command(0);
}

}  // namespace

void add_messaging_commands(CLI::App& app, CLI::App& org_command) {
  auto a = std::make_shared<Args>();
  auto* settings = app.add_subcommand("settings", "show or change an organization's messaging settings");
  settings->add_option("--data", a->dir)->required();
  settings->add_option("--org", a->org_id)->required();
  settings->add_option("--postal-address", a->postal_address,
                       "postal address for the email footer (CAN-SPAM)");
  settings->add_option("--brand", a->brand, "program name every text carries");
  settings->add_option("--support", a->support, "support contact for HELP replies");
  settings->add_option("--frequency", a->frequency, "message frequency disclosed in HELP replies");
  settings->add_option("--emergency-line", a->emergency,
                       "the organization's emergency contact line, appended to HELP answers (\"\" clears)");
  settings->add_option("--email-cap", a->email_cap, "emails per recipient per window (0 = none)");
  settings->add_option("--email-cap-hours", a->email_cap_hours);
  settings->add_option("--sms-cap", a->sms_cap, "texts per recipient per window (default 3)");
  settings->add_option("--sms-cap-hours", a->sms_cap_hours, "(default 24)");
  settings->add_option("--max-segments", a->max_segments, "longest text in segments (default 6)");
  settings->add_option("--long-code-max", a->long_code_max, "largest blast allowed on a plain long code");
  settings->add_option("--tracking", a->tracking, "open and click tracking: on|off");
  settings->add_option("--help-link", a->help_link,
                       "the preference-center link in HELP answers (one more segment): on|off");
  settings->add_option("--send-approval", a->send_approval,
                       "blasts organizers prepare in the console wait for an admin's approval: on|off");
  settings->add_option("--sms-age-required", a->sms_age,
                       "refuse an SMS opt-in when the person's age is not known (children): on|off");
  // Content screening facts the platform operator vouches for (docs/POLICY.md "Content screening").
  settings->add_option(
      "--verified-entities", a->verified_entities,
      "entities (ids of src/policy/content/data/entities.txt) the organization is verified as, "
      "comma-separated; \"\" clears");
  settings->add_option(
      "--age-gated", a->age_gated,
      "SHAFT content its senders are registered for with age gating: sex, alcohol, firearms, "
      "tobacco, cannabis (comma-separated; \"\" clears)");
  settings->callback([a] { run_settings(*a); });

  for (bool suspend : {true, false}) {
    auto* cmd = org_command.add_subcommand(
        suspend ? "suspend" : "unsuspend",
        suspend ? "stop every message of an organization (AUP enforcement)" : "lift a suspension");
    cmd->add_option("--data", a->dir)->required();
    cmd->add_option("--org", a->org_id)->required();
    if (suspend) cmd->add_option("--reason", a->reason, "shown with every refusal")->required();
    cmd->callback([a, suspend] { run_suspend(*a, suspend); });
  }

  auto* sender = app.add_subcommand("sender", "SMS senders (platform administrator)");
  sender->require_subcommand(1);
  auto* sender_add = sender->add_subcommand("add", "assign a number to an organization");
  sender_add->add_option("--data", a->dir)->required();
  sender_add->add_option("--org", a->org_id)->required();
  sender_add->add_option("number", a->number)->required();
  sender_add->add_option("--type", a->type, "long_code | 10dlc | toll_free | short_code");
  sender_add->add_flag("--registered", a->registered, "10DLC campaign approved / toll-free verified");
  sender_add->add_option("--campaign", a->campaign, "10DLC campaign id or toll-free verification reference");
  sender_add->add_option("--mps", a->mps, "messages per second allowed (default 1)");
  sender_add->add_option("--daily-cap", a->daily_cap, "messages per day (0 = none)");
  sender_add->callback([a] { run_sender_add(*a); });

  auto* domain = app.add_subcommand("domain", "sending domains");
  domain->require_subcommand(1);
  auto* domain_add = domain->add_subcommand("add", "register a sending domain and make its DKIM key");
  domain_add->add_option("--data", a->dir)->required();
  domain_add->add_option("--org", a->org_id)->required();
  domain_add->add_option("domain", a->domain)->required();
  domain_add->add_option("--selector", a->selector, "DKIM selector (default tocsin1)");
  domain_add->add_option("--dkim-domain", a->dkim_domain,
                         "sign with d= this domain (e.g. the parent whose key covers its subdomains; "
                         "default: the domain itself). DMARC must align it with From (tocsin domain verify)");
  domain_add->callback([a] { run_domain_add(*a); });
  auto* domain_verify =
      domain->add_subcommand("verify",
                             "look up the domain's DKIM record (verified when it matches), its SPF and its "
                             "DMARC record and alignment (blasts need DMARC, p=none at least)");
  domain_verify->add_option("--data", a->dir)->required();
  domain_verify->add_option("--org", a->org_id)->required();
  domain_verify->add_option("domain", a->domain)->required();
  domain_verify->add_option("--dns", a->dns, "resolver to ask, e.g. 127.0.0.1@5353 (default: the system's)");
  domain_verify->callback([a] { run_domain_verify(*a); });

  auto* suppress = app.add_subcommand("suppress", "block an address platform-wide");
  suppress->add_option("--data", a->dir)->required();
  suppress->add_flag("--platform", a->platform)->required();
  suppress->add_option("address", a->address)->required();
  suppress->add_option("--reason", a->reason)->required();
  suppress->callback([a] { run_suppress(*a); });

  add_lever_commands(*sender, *domain);
  add_org_trust_commands(org_command);
}

}  // namespace tocsin
