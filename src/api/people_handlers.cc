// /people: list with filters, read, the signup helper (POST), merge (PUT), a person's taggings and the
// consent proof (tocsin:consent).
#include <spdlog/spdlog.h>

#include "actions/action_type.h"
#include "api/consent_fields.h"
#include "api/hal.h"
#include "api/handlers.h"
#include "api/person_json.h"
#include "core/contact_point.h"
#include "core/odata_filter.h"
#include "messaging/resubscribe_confirmation.h"
#include "people/age_gate.h"
#include "people/person_filter.h"
#include "people/upsert.h"
#include "privacy/access_bundle.h"
#include "privacy/contact_proof.h"
#include "privacy/disclosure_log.h"
#include "privacy/erasure_commit.h"

namespace tocsin::api::handlers {
namespace {

using people::OrgState;
using people::PersonMatcher;

std::string person_href(const Call& c, const std::string& id) {
  return c.ctx.api_base + "/people/" + id;
}

// The contact points a write opted out (status `unsubscribed` given for them): its answer waits for
// messages to them still on their way to a transport (messaging/opt_out_fence.h).
void note_opt_outs(const OrgState& org, const people::PersonInput& in, const Person& p,
                   std::vector<ContactHash>& out) {
  if (in.email_status == consent::Status::kUnsubscribed && p.email)
    out.push_back(org.hasher->hash(Channel::kEmail, *p.email));
  if (in.phone_status == consent::Status::kUnsubscribed && p.phone)
    out.push_back(org.hasher->hash(Channel::kSms, *p.phone));
}

void list_people(Call& c) {
  auto paging = parse_paging(c.target);
  std::optional<PersonMatcher> matcher;
  std::string carried;
  std::shared_lock lock(c.org->mu);
  if (auto raw = c.target.param("filter")) {
    auto f = parse_filter(*raw);
    if (!f) return c.error(f.error());
    auto m = PersonMatcher::make(*c.org, f.value());
    if (!m) return c.error(m.error());
    matcher = std::move(m).value();
    carried = "filter=" + percent_encode(*raw);
  }
  std::vector<const Person*> page;
  const size_t from = paging.offset();
  std::optional<std::vector<const Person*>> narrowed = matcher ? matcher->indexed() : std::nullopt;
  if (narrowed) {
    for (size_t i = from; i < narrowed->size() && page.size() < static_cast<size_t>(paging.per_page); ++i)
      page.push_back((*narrowed)[i]);
  } else {
    size_t seen = 0;
    for (const auto& id : c.org->person_order) {
      const Person& p = c.org->people.at(id);
      if (matcher && !matcher->matches(p)) continue;
      if (seen++ < from) continue;
      page.push_back(&p);
      if (page.size() == static_cast<size_t>(paging.per_page)) break;
    }
  }
  CollectionSpec spec;
  spec.rel = "osdi:people";
  spec.href = c.ctx.api_base + "/people";
  spec.paging = paging;
  spec.items_on_page = page.size();
  spec.has_next = !page.empty();  // AN: `next` on every non-empty people page, even the last
  spec.carried_query = carried;
  JsonOut j;
  write_collection(
      j, spec, c.ctx.api_base, [&](size_t i) { return person_href(c, page[i]->id); },
      [&](size_t i) { write_person(j, *c.org, *page[i], c.ctx.api_base); });
  std::vector<std::string> ids;
  ids.reserve(page.size());
  for (const Person* p : page) ids.push_back(p->id);
  lock.unlock();
  // A page of people leaves with the key: a bulk read over the API is a disclosure to it.
  reply_read(c, "people.list", std::move(ids), j.take(), -1, {}, privacy::kOwnUseBasis);
}

void get_person(Call& c, const std::string& id) {
  std::shared_lock lock(c.org->mu);
  const Person* p = c.org->find_person(id);
  if (!p) return c.error(404, "Couldn't find person with id = " + id);
  JsonOut j;
  write_person(j, *c.org, *p, c.ctx.api_base);
  lock.unlock();
  reply_read(c, "person.read", {id}, j.take());
}

// After a keyless write that tried to re-subscribe an opted-out address (people/subscribe_rule.h): the
// confirmation email to that address, once the write is durable.
struct PendingConfirmation {
  std::string person_id, address;
};

std::function<void()> send_confirmation(Call& c, std::shared_ptr<PendingConfirmation> pending) {
  return [confirmations = c.ctx.resubscribe, org_id = c.org->org.id, pending] {
    if (confirmations && !pending->address.empty())
      confirmations->request(org_id, pending->person_id, pending->address);
  };
}

// A keyed write whose age shows that a person the organization already holds, whose age it did not know, is
// under the minimum age (people/age_gate.h): the write is refused, and the organization's records of that
// person are erased through the erasure path — an erasure request the age gate files with the key as actor,
// fulfilled at once. A record that already holds an adult age is only refused (a contradicting write is more
// likely a typo than a discovery, and erasure cannot be undone: an erasure request does it on purpose).
// Keyless writes never erase (anyone could name someone else's address with a made-up birthdate); the age
// gate only refuses them. True when the call was answered.
bool erased_under_age(Call& c, const people::PersonInput& in, const people::WriteAuthority& who,
                      const std::string& person_id) {
  Micros now = now_micros();
  const bool gdpr = c.org->org.gdpr_applies;
  if (people::check_age(in, who.age_field, gdpr, now)) return false;
  std::optional<privacy::ContactRef> subject;
  size_t matched = 0;
  {
    std::shared_lock lock(c.org->mu);
    const Person* p = person_id.empty() ? nullptr : c.org->find_person(person_id);
    if (!p && person_id.empty() && in.email.present())
      p = c.org->find_by_contact(Channel::kEmail, in.email.value);
    if (!p && person_id.empty() && in.phone.present())
      p = c.org->find_by_contact(Channel::kSms, in.phone.value);
    if (!p) return false;  // nobody on file: the age gate's refusal stores nothing
    if (people::stored_age(*p, who.age_field, now)) return false;  // an age on record: refused, not erased
    if (p->email)
      subject = privacy::ContactRef{Channel::kEmail, email_match_key(*p->email)};
    else if (p->phone)
      subject = privacy::ContactRef{Channel::kSms, *p->phone};
    if (!subject) return false;
    matched = privacy::subject_people(*c.org, *subject).size();
  }
  auto r = privacy::receive_privacy_request(
      privacy::RequestKind::kErasure, *subject, gdpr, c.actor,
      "filed by the age gate: a write gave an age under " + std::to_string(people::minimum_age(gdpr)), now,
      matched);
  auto n = privacy::erase_and_scrub(*c.org, c.ctx.store, c.ctx.committer, r, c.actor, now);
  if (!n) {
    c.error(n.error());
    return true;
  }
  spdlog::info("organization {}: age gate erased {} person(s) under the minimum age (privacy request {})",
               c.org->org.id, n->people, r.id);
  c.error(422, "we cannot accept this: people under " + std::to_string(people::minimum_age(gdpr)) +
                   " cannot be supporters here, so the organization's records of this person were erased "
                   "(privacy request " +
                   r.id + ")");
  return true;
}

void signup_helper(Call& c) {
  bool blind = !c.authenticated;
  if (blind) {
    // Blind posts land in the organization configured for them (default: the installation's first).
    c.org = c.ctx.settings.anonymous_signup_org.empty()
                ? c.ctx.directory.first()
                : c.ctx.directory.find(c.ctx.settings.anonymous_signup_org);
    if (!c.org) return c.empty_ok();
  }
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  simdjson::dom::element person;
  if (body["person"].get(person)) return c.error(400, "person is required");
  auto in = parse_person(person, c.org->org.default_region, StatusRule::kSubscribeOrUnsubscribe);
  if (!in) return c.error(in.error());
  // The record helpers' guard against SMS pumping, for the same keyless signups here.
  if (blind && in->phone.present() && c.ctx.helper_limits)
    if (int wait = c.ctx.helper_limits->per_phone.acquire(in->phone.value, now_micros()))
      return c.reply(429, error_body("too many submissions for this phone number; retry later"),
                     {{"Retry-After", std::to_string(wait)}});
  auto tags = parse_string_list(body, "add_tags");
  if (!tags) return c.error(tags.error());
  auto who = parse_authority(body, !blind, c.ctx.settings.age_custom_field);
  if (!who) return c.error(who.error());
  if (!blind && erased_under_age(c, in.value(), who.value(), "")) return;
  auto ev = c.evidence(blind ? "blind signup helper" : "api signup helper");
  if (auto s = read_consent_fields(body, !blind, ev); !s) return c.error(s.error());
  std::string base = c.ctx.api_base;
  auto pending = std::make_shared<PendingConfirmation>();
  auto durable = send_confirmation(c, pending);
  auto opted_out = std::make_shared<std::vector<ContactHash>>();
  commit_write_rendered(
      c,
      [in = std::move(in).value(), tags = std::move(tags).value(), ev, who = std::move(who).value(), base,
       pending, opted_out](OrgState& org, store::WriteBatch::OrgWrites& w, Micros now) -> Result<Render> {
        auto r = people::signup(org, in, tags, ev, who, w, now);
        if (!r) return r.error();
        if (r->confirm_email) *pending = {r->person->id, *r->confirm_email};
        note_opt_outs(org, in, *r->person, *opted_out);
        // A copy now, the JSON on the io thread once durable (issue 16: not on the committer, not locked).
        return Render([view = person_view(org, *r->person, std::move(r->notices)), base] {
          JsonOut j;
          write_person(j, view, base);
          return j.take();
        });
      },
      blind, durable, opted_out);
}

void update_person(Call& c, const std::string& id) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  // Clients send the person fields at the top level (AN); a wrapping {"person": {...}} is accepted too.
  simdjson::dom::element person = body;
  if (simdjson::dom::element inner; !body["person"].get(inner) && inner.is_object()) person = inner;
  auto in = parse_person(person, c.org->org.default_region, StatusRule::kSubscribeOrUnsubscribe);
  if (!in) return c.error(in.error());
  auto who = parse_authority(body, true, c.ctx.settings.age_custom_field);
  if (!who) return c.error(who.error());
  if (erased_under_age(c, in.value(), who.value(), id)) return;
  auto ev = c.evidence("api person update");
  if (auto s = read_consent_fields(body, true, ev); !s) return c.error(s.error());
  std::string base = c.ctx.api_base;
  auto opted_out = std::make_shared<std::vector<ContactHash>>();
  commit_write(
      c,
      [in = std::move(in).value(), ev, who = std::move(who).value(), base, id, opted_out](
          OrgState& org, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
        auto r = people::update(org, id, in, ev, who, w, now);
        if (!r) return r.error();
        note_opt_outs(org, in, *r->person, *opted_out);
        JsonOut j;
        write_person(j, org, *r->person, base, r->notices);
        return j.take();
      },
      false, {}, opted_out);
}

void person_taggings(Call& c, const std::string& id) {
  auto paging = parse_paging(c.target);
  std::shared_lock lock(c.org->mu);
  if (!c.org->find_person(id)) return c.error(404, "Couldn't find person with id = " + id);
  std::vector<const Tagging*> all;
  for (const auto& tid : c.org->tagging_order) {
    auto it = c.org->taggings.find(tid);
    if (it != c.org->taggings.end() && it->second.person_id == id) all.push_back(&it->second);
  }
  std::vector<const Tagging*> page = page_of(all, paging);
  CollectionSpec spec{"osdi:taggings", person_href(c, id) + "/taggings",           paging, page.size(),
                      all.size(),      paging.offset() + page.size() < all.size(), ""};
  JsonOut j;
  write_collection(
      j, spec, c.ctx.api_base,
      [&](size_t i) { return c.ctx.api_base + "/tags/" + page[i]->tag_id + "/taggings/" + page[i]->id; },
      [&](size_t i) { write_tagging(j, *page[i], c.ctx.api_base); });
  lock.unlock();
  c.reply(200, j.take());
}

void person_consent(Call& c, const std::string& id) {
  std::optional<std::string> email, phone;
  {
    std::shared_lock lock(c.org->mu);
    const Person* p = c.org->find_person(id);
    if (!p) return c.error(404, "Couldn't find person with id = " + id);
    email = p->email;
    phone = p->phone;
  }
  auto scope = c.ctx.store.scope(c.org->org.id);
  JsonOut j;
  j.begin().kv("person_id", id);
  j.begin_array("contact_points");
  bool verified = true;
  for (auto [channel, value] : {std::pair{Channel::kEmail, &email}, std::pair{Channel::kSms, &phone}}) {
    if (!*value) continue;
    j.begin();
    verified &= privacy::write_contact_proof(j, scope, *c.org->hasher, channel, **value);
    j.end();
  }
  j.end_array();
  j.kv("chain_verified", verified);
  j.begin("_links")
      .link("self", person_href(c, id) + "/consent")
      .link("osdi:person", person_href(c, id))
      .end();
  j.end();
  reply_read(c, "person.consent", {id}, j.take());
}

}  // namespace

void write_tagging(JsonOut& j, const Tagging& t, const std::string& api_base) {
  std::string self = api_base + "/tags/" + t.tag_id + "/taggings/" + t.id;
  j.begin();
  j.begin_array("identifiers").str("action_network:" + t.id).end_array();
  j.kv("created_date", format_iso8601(t.created)).kv("modified_date", format_iso8601(t.modified));
  j.kv("item_type", "osdi:person");
  j.begin("_links");
  j.link("self", self)
      .link("osdi:tag", api_base + "/tags/" + t.tag_id)
      .link("osdi:person", api_base + "/people/" + t.person_id);
  write_curies(j, api_base);
  j.end();
  j.end();
}

void people(Call& c) {
  const auto& s = c.seg;
  const auto& m = c.req.method;
  if (s.size() == 1) {
    if (m == "GET") return list_people(c);
    if (m == "POST") return signup_helper(c);
  } else if (s.size() == 2) {
    if (m == "GET") return get_person(c, s[1]);
    if (m == "PUT") return update_person(c, s[1]);
  } else if (s.size() == 3 && s[2] == "taggings" && m == "GET") {
    return person_taggings(c, s[1]);
  } else if (s.size() == 3 && s[2] == "consent" && m == "GET") {
    return person_consent(c, s[1]);
  } else if ((s.size() == 3 || s.size() == 4) && actions::type_by_record_collection(s[2])) {
    return records_of_person(c, s[1], s[2]);  // signatures, attendances, submissions, donations, outreaches
  } else {
    return c.error(404, "not found");
  }
  c.error(405, "method " + m + " is not allowed here");
}

}  // namespace tocsin::api::handlers
