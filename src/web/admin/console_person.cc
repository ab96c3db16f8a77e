// The person page's forms (docs/CONSOLE.md "The person page"): unsubscribe on a channel, correct the names
// and custom fields, add and remove tags. Each goes through the API's write path
// (messaging::commit_org_write, the opt-out fence for the opt-out), is answered once durable, and lands in
// the staff audit when it changed something. The fields form is turned into the API's person JSON and read by
// the API's own parser (api::parse_person), so the console accepts exactly what PUT /people/{id} accepts.
#include <simdjson.h>

#include "api/person_json.h"
#include "core/json_out.h"
#include "core/query_string.h"
#include "people/upsert.h"
#include "web/admin/console.h"
#include "web/admin/console_path.h"
#include "web/admin/console_response.h"
#include "web/admin/screens.h"

namespace tocsin::web::admin {
namespace {

// The custom field a form input stands for: "field:{name}" -> name.
constexpr std::string_view kFieldPrefix = "field:";

consent::Evidence staff_evidence(const staff::Principal& p, const std::string& ip, std::string method) {
  consent::Evidence ev;
  ev.actor = "staff:" + p.account_id;
  ev.source = "console";
  ev.method = std::move(method);
  ev.ip = ip;
  return ev;
}

// The API body the fields form stands for: the names (empty clears), each custom field shown (empty removes
// it) and one new field. An error in the form's words when it cannot be one.
Result<std::string> fields_body(const Target& form) {
  JsonOut j;
  j.begin();
  for (const char* name : {"given_name", "family_name"}) {
    std::string v = form.param(name).value_or("");
    if (v.size() > 255) return bad_request("A name is longer than 255 bytes.");
    if (v.empty())
      j.null(name);
    else
      j.kv(name, v);
  }
  j.begin("custom_fields");
  size_t fields = 0;
  for (const auto& [key, value] : form.query) {
    if (!key.starts_with(kFieldPrefix)) continue;
    if (++fields > 200) return bad_request("Too many custom fields in one form.");
    std::string_view name = std::string_view(key).substr(kFieldPrefix.size());
    if (value.size() > 4096) return bad_request("A custom field's value is longer than 4 KiB.");
    if (value.empty())
      j.null(name);
    else
      j.kv(name, value);
  }
  std::string new_name = form.param("new_field").value_or(""),
              new_value = form.param("new_value").value_or("");
  if (!new_name.empty() || !new_value.empty()) {
    if (new_name.empty()) return bad_request("Name the new custom field, or leave its value empty.");
    if (new_value.empty()) return bad_request("Give the new custom field a value.");
    if (new_value.size() > 4096) return bad_request("A custom field's value is longer than 4 KiB.");
    j.kv(new_name, new_value);
  }
  j.end().end();
  return j.take();
}

}  // namespace

// A staff change to one person through the API's write path (durable before the answer; `opted_out`, when
// given, holds the answer behind the opt-out fence): `apply` answers "changed" or "unchanged", or an error
// after changing nothing. A change gets a line `audit_action` in the staff audit trail; every answer goes
// back to the person page at `fragment`.
void Console::change_person(const staff::Principal& p, people::OrgState& org, const std::string& person_id,
                            std::string audit_action, const std::string& ip, std::string fragment,
                            messaging::OrgWriteFn apply, api::Respond respond, const Frame& frame,
                            std::shared_ptr<std::vector<ContactHash>> opted_out) {
  messaging::commit_org_write(
      writes_.committer, org, std::move(apply),
      [=, this, org_id = org.org.id](Result<std::string> r) {
        if (!r && r.error().http_status == 404) {  // "no such person", "no such tag"
          const std::string& why = r.error().message;
          return respond(html(404, not_found_page(frame, why.rfind("no ", 0) == 0 ? why.substr(3) : why)));
        }
        if (!r && (r.error().http_status == 400 || r.error().http_status == 422))  // the API's refusal
          return respond(html(400, forbidden_page(frame, "this change: " + r.error().message)));
        if (!r) return respond(html(500, forbidden_page(frame, "changing this person now")));
        if (r.value() == "changed")
          (void)writes_.audit.record({org_id, p.account_id, audit_action, person_id, ip, now_micros()});
        respond(redirect("/admin/people/" + person_id + fragment));
      },
      writes_.fence, std::move(opted_out));
}

bool Console::route_person_changes(const staff::Principal& p, people::OrgState& org, const api::Request& req,
                                   const std::string& path, api::Respond& respond, const Frame& frame) {
  const std::string ip = client_ip(req);
  const Target form = parse_target("?" + req.body);
  auto may_change = [&] {
    if (p.can(staff::Permission::kSend)) return true;
    respond(html(403, forbidden_page(frame, "changing people")));
    return false;
  };

  // A supporter who phones or writes to stop hearing from the organization: staff record the opt-out on one
  // channel, with the staff member and the address they posted from as the ledger entry's evidence. Behind
  // the opt-out fence, so no message already cleared for the address leaves after the page says so.
  if (std::string id = id_in(path, "/admin/people/", "/unsubscribe"); !id.empty()) {
    if (!may_change()) return true;
    const std::string channel_name = form.param("channel").value_or("");
    if (channel_name != "email" && channel_name != "sms")
      return respond(html(400, forbidden_page(frame, "this form without a channel (email or sms)"))), true;
    const Channel channel = channel_name == "email" ? Channel::kEmail : Channel::kSms;
    auto opted_out = std::make_shared<std::vector<ContactHash>>();
    change_person(
        p, org, id, channel == Channel::kEmail ? "people.unsubscribe_email" : "people.unsubscribe_sms", ip,
        "#consent",
        [=](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
          const Person* person = o.find_person(id);
          if (!person) return not_found("no such person");
          const auto& address = channel == Channel::kEmail ? person->email : person->phone;
          if (!address || o.status_of(channel, *address) != consent::Status::kSubscribed)
            return std::string("unchanged");
          o.record_status(w, channel, *address, id, consent::Status::kUnsubscribed,
                          staff_evidence(p, ip, "console: unsubscribed by staff"), now);
          opted_out->push_back(o.hasher->hash(channel, *address));
          return std::string("changed");
        },
        std::move(respond), frame, opted_out);
    return true;
  }

  // Staff correct a person's names and custom fields (a typo, a change told on the phone): the API's PUT
  // path (people::update, header-bound text normalized as for every write), audited as `people.edit`. The
  // same values again change nothing.
  if (std::string id = id_in(path, "/admin/people/", "/fields"); !id.empty()) {
    if (!may_change()) return true;
    auto body = fields_body(form);
    if (!body) return respond(html(400, forbidden_page(frame, "this form: " + body.error().message))), true;
    simdjson::dom::parser parser;
    simdjson::dom::element e;
    if (parser.parse(body.value()).get(e))
      return respond(html(400, forbidden_page(frame, "this form (it could not be read)"))), true;
    auto parsed = api::parse_person(e, "", api::StatusRule::kSubscribeOrUnsubscribe);
    if (!parsed)
      return respond(html(400, forbidden_page(frame, "this change: " + parsed.error().message))), true;
    auto in = std::make_shared<people::PersonInput>(std::move(parsed).value());
    change_person(
        p, org, id, "people.edit", ip, "#fields",
        [=](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
          const Person* person = o.find_person(id);
          if (!person) return not_found("no such person");
          Person before = *person;
          people::WriteAuthority who;  // the organization's own staff: as its key
          who.writer = people::Writer::kApiKey;
          auto r = people::update(o, id, *in, staff_evidence(p, ip, "console: edited by staff"), who, w, now);
          if (!r) return r.error();
          const Person* after = o.find_person(id);
          bool same = after->given_name == before.given_name && after->family_name == before.family_name &&
                      after->custom_fields == before.custom_fields;
          return std::string(same ? "unchanged" : "changed");
        },
        std::move(respond), frame);
    return true;
  }

  // Tags a person with one of the organization's tags (people::tag_person, as the API's taggings), audited as
  // `people.tag`; Remove takes one off (people::untag, as the API's DELETE), `people.untag`. A tag of another
  // organization is not found; tagging twice, or removing a tag the person does not have, changes nothing.
  for (const char* verb : {"/tag", "/untag"}) {
    std::string id = id_in(path, "/admin/people/", verb);
    if (id.empty()) continue;
    if (!may_change()) return true;
    const std::string tag_id = form.param("tag").value_or("");
    if (tag_id.empty() || tag_id.size() > 64)
      return respond(html(400, forbidden_page(frame, "this form without a tag"))), true;
    const bool adding = std::string_view(verb) == "/tag";
    change_person(
        p, org, id, adding ? "people.tag" : "people.untag", ip, "#fields",
        [=](people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
          if (!o.find_person(id)) return not_found("no such person");
          if (!o.tags.count(tag_id)) return not_found("no such tag");
          auto had = o.tagging_by_pair.find({tag_id, id});
          if (adding == (had != o.tagging_by_pair.end())) return std::string("unchanged");
          if (adding)
            people::tag_person(o, tag_id, id, w, now);
          else
            people::untag(o, had->second, w);
          return std::string("changed");
        },
        std::move(respond), frame);
    return true;
  }
  return false;
}

}  // namespace tocsin::web::admin
