// The person page's contact points form (docs/CONSOLE.md "Contact points"): staff change or remove the
// email address and the mobile number and edit the primary postal address, through the API's PUT path — the
// form becomes the API's person JSON, read by api::parse_person and written by people::update — audited as
// `people.edit_contact`.
//
// Consent belongs to the contact point, not to the person, and a change of address is not consent: unless
// staff tick that the person agreed to hear from the organization at it (and say where and how), the new
// address or number keeps whatever the ledger holds for it — nothing for one never seen, which the API shows
// as "unsubscribed"; an earlier opt-out stays. Ticked, the subscription is recorded as the API records a
// keyed write with `tocsin:consent` (people/subscribe_rule.h): for email the staff member's evidence, for a
// number the attestation, never over a bounce or complaint.
#include <simdjson.h>

#include <algorithm>

#include "api/person_json.h"
#include "core/contact_point.h"
#include "core/json_out.h"
#include "core/query_string.h"
#include "people/upsert.h"
#include "web/admin/console.h"
#include "web/admin/console_path.h"
#include "web/admin/console_response.h"
#include "web/admin/screens.h"

namespace tocsin::web::admin {
namespace {

constexpr const char* kAddressFields[] = {"locality", "region", "postal_code", "country"};

// The API body the form stands for: one email address and one number (an emptied one is null: removed)
// and, when any address cell is filled, the primary postal address. An error in the form's words.
Result<std::string> contact_body(const Target& form) {
  JsonOut j;
  j.begin();
  struct {
    const char* field;
    const char* key;
    const char* value_key;
  } contacts[] = {{"email", "email_addresses", "address"}, {"phone", "phone_numbers", "number"}};
  for (const auto& c : contacts) {
    std::string v = form.param(c.field).value_or("");
    if (v.size() > 320) return bad_request("An email address or number is longer than 320 bytes.");
    if (v.empty()) {
      j.null(c.key);
      continue;
    }
    j.begin_array(c.key).begin().kv(c.value_key, v).kv("primary", true).end().end_array();
  }
  bool any = false;
  for (const char* f : {"address_line1", "address_line2", "locality", "region", "postal_code", "country"}) {
    std::string v = form.param(f).value_or("");
    if (v.size() > 255) return bad_request("An address field is longer than 255 bytes.");
    any |= !v.empty();
  }
  if (any) {
    j.begin_array("postal_addresses").begin().kv("primary", true);
    j.begin_array("address_lines");
    for (const char* f : {"address_line1", "address_line2"}) {
      std::string v = form.param(f).value_or("");
      if (!v.empty()) j.w().String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    }
    j.end_array();
    for (const char* f : kAddressFields) j.kv(f, form.param(f).value_or(""));
    j.end().end_array();
  } else {
    j.begin_array("postal_addresses").end_array();
  }
  j.end();
  return j.take();
}

}  // namespace

bool Console::route_contact_points(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                                   const std::string& path, api::Respond& respond, const Frame& frame) {
  std::string id = id_in(path, "/admin/people/", "/contact");
  if (id.empty()) return false;
  if (!p.can(staff::Permission::kSend))
    return respond(html(403, forbidden_page(frame, "changing people"))), true;
  const std::string ip = client_ip(req);
  const Target form = parse_target("?" + req.body);
  auto refuse = [&](const std::string& why) {
    respond(html(400, forbidden_page(frame, "this change: " + why)));
    return true;
  };
  auto body = contact_body(form);
  if (!body) return refuse(body.error().message);
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(body.value()).get(e)) return refuse("the form could not be read");
  auto parsed = api::parse_person(e, org.org.default_region, api::StatusRule::kSubscribeOrUnsubscribe);
  if (!parsed) return refuse(parsed.error().message);

  // The consent staff record with the change: where and how the person agreed, for each channel ticked.
  const bool consent_email = form.param("consent_email").value_or("") == "1";
  const bool consent_sms = form.param("consent_sms").value_or("") == "1";
  const std::string source = form.param("consent_source").value_or("");
  const std::string method = form.param("consent_method").value_or("");
  const std::string disclosure = form.param("consent_disclosure").value_or("");
  if ((consent_email || consent_sms) && (source.empty() || method.empty()))
    return refuse("to record consent, say where and how the person agreed (source and method)");
  if (source.size() > 500 || method.size() > 200 || disclosure.size() > 4000)
    return refuse("a consent field is longer than it may be");
  if (consent_email && !parsed->email.present())
    return refuse("there is no email address to record consent for");
  if (consent_sms && !parsed->phone.present()) return refuse("there is no number to record consent for");

  auto in = std::make_shared<people::PersonInput>(std::move(parsed).value());
  consent::Evidence ev;
  ev.actor = "staff:" + p.account_id;
  ev.ip = ip;
  ev.source = consent_email || consent_sms ? source : "console";
  ev.method = consent_email || consent_sms ? "console: " + method + " (recorded by staff)"
                                           : "console: contact points edited by staff";
  if (consent_email || consent_sms) ev.disclosure_text = disclosure;
  people::WriteAuthority who;  // the organization's own staff: as its key, attesting only what they tick
  who.writer = people::Writer::kApiKey;
  if (consent_sms) who.attestation = people::Attestation{source, "staff: " + method, disclosure};

  change_person(
      p, org, id, "people.edit_contact", ip, "#fields",
      [=](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
        const Person* person = o.find_person(id);
        if (!person) return not_found("no such person");
        const Person before = *person;
        people::PersonInput change = *in;
        // Not ticked: a new address keeps the status the ledger has for it (none for one never seen), where
        // the API's signup semantics would subscribe an email address new to the person; a number is never
        // subscribed without a request, and the person's own unchanged address keeps its status.
        if (change.email.present()) {
          if (consent_email)
            change.email_status = consent::Status::kSubscribed;
          else if (!(before.email && same_email(*before.email, change.email.value)))
            change.email_status = o.status_of(Channel::kEmail, change.email.value);
        }
        if (change.phone.present() && consent_sms) change.phone_status = consent::Status::kSubscribed;
        // The form edits the primary address (or the first); the person's other addresses are kept.
        std::vector<PostalAddress> addresses = before.postal_addresses;
        auto primary =
            std::find_if(addresses.begin(), addresses.end(), [](const auto& a) { return a.primary; });
        if (primary == addresses.end() && !addresses.empty()) primary = addresses.begin();
        const auto& edited = change.postal_addresses.value;
        if (edited.empty()) {
          if (primary != addresses.end()) addresses.erase(primary);
        } else if (primary != addresses.end()) {
          PostalAddress a = edited.front();
          a.language = primary->language;
          a.location = primary->location;
          *primary = std::move(a);
        } else {
          addresses.push_back(edited.front());
        }
        change.postal_addresses.set(std::move(addresses));
        const int64_t seq_before = o.ledger_seq;
        auto r = people::update(o, id, std::move(change), ev, who, w, now);
        if (!r) return r.error();
        const Person* after = o.find_person(id);
        const bool changed = after->email != before.email || after->phone != before.phone ||
                             after->postal_addresses != before.postal_addresses || o.ledger_seq != seq_before;
        return std::string(changed ? "changed" : "unchanged");
      },
      std::move(respond), frame);
  return true;
}

}  // namespace tocsin::web::admin
