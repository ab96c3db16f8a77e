// Every action collection (petitions, events, event_campaigns, forms, fundraising_pages,
// advocacy_campaigns, queries, wrappers, campaigns, unique_id_lists) and their records, generically over
// actions/action_type.h: list with totals and filters, read, create, update; records listed, read, created
// by plain POST (`_links.osdi:person`) or by record helper (`person: {...}`) on the same URL, and updated.
// Reads are served from memory under the organization's shared lock (one action's from a cached body,
// api/action_body_cache.h); writes go through the group committer.
#include "actions/action_type.h"
#include "api/action_body_cache.h"
#include "api/action_json.h"
#include "api/consent_fields.h"
#include "api/hal.h"
#include "api/handlers.h"
#include "api/person_json.h"
#include "api/rate_limit.h"
#include "core/odata_filter.h"
#include "messaging/letter_delivery.h"
#include "messaging/submit_record.h"

namespace tocsin::api::handlers {
namespace {

using actions::Action;
using actions::ActionRecord;
using actions::ActionType;
using people::OrgState;

// ---- filtering -------------------------------------------------------------------------------------

// Filters on the documented fields, created_date/modified_date, identifier and the kind's date fields
// (events: start_date, end_date). A field that is not filterable matches nothing (as for people).
struct ActionMatcher {
  const ActionType* type;
  std::vector<FilterClause> clauses;

  bool is_date(const std::string& f) const {
    if (f == "created_date" || f == "modified_date") return true;
    const actions::FieldSpec* spec = actions::find_spec(type->fields, f);
    return spec && spec->kind == actions::FieldKind::kDate;
  }

  static Result<ActionMatcher> make(const ActionType& type, const Filter& f) {
    ActionMatcher m{&type, f.clauses};
    for (auto& cl : m.clauses) {
      if (!m.is_date(cl.field)) continue;
      auto t = parse_iso8601(cl.value);
      if (!t) return bad_request("invalid filter: " + cl.field + " needs a date like '2014-03-25'");
      cl.value = std::to_string(*t);
    }
    return m;
  }

  bool clause_holds(const Action& a, const FilterClause& cl) const {
    const auto& f = cl.field;
    int64_t want = is_date(f) ? std::stoll(cl.value) : 0;
    if (f == "created_date") return compare(a.created, cl.op, want);
    if (f == "modified_date") return compare(a.modified, cl.op, want);
    if (f == "identifier") {
      if (compare("action_network:" + a.id, cl.op, cl.value)) return true;
      for (const auto& id : a.identifiers)
        if (compare(id, cl.op, cl.value)) return true;
      return false;
    }
    if (!actions::find_spec(type->fields, f)) return false;
    auto text = actions::string_field(a.fields, f);
    if (!text) {
      const std::string* raw = actions::find_field(a.fields, f);
      if (!raw) return false;
      text = *raw;  // numbers and booleans compare as written
    }
    if (is_date(f)) {
      auto t = parse_iso8601(*text);
      return t && compare(*t, cl.op, want);
    }
    return compare(*text, cl.op, cl.value);
  }

  bool matches(const Action& a) const {
    for (const auto& cl : clauses)
      if (!clause_holds(a, cl)) return false;
    return true;
  }
};

// ---- shared paging -----------------------------------------------------------------------------------

template <typename T>
void reply_page(Call& c, const std::string& rel, const std::string& href, const std::vector<const T*>& all,
                const std::string& carried, const std::function<std::string(const T&)>& href_of,
                const std::function<void(JsonOut&, const T&)>& write) {
  auto paging = parse_paging(c.target);
  std::vector<const T*> page = page_of(all, paging);
  CollectionSpec spec{
      rel, href, paging, page.size(), all.size(), paging.offset() + page.size() < all.size(), carried};
  JsonOut j;
  write_collection(
      j, spec, c.ctx.api_base, [&](size_t i) { return href_of(*page[i]); },
      [&](size_t i) { write(j, *page[i]); });
  c.reply(200, j.take());
}

void reply_records(Call& c, const ActionType& type, const std::string& href,
                   const std::vector<const ActionRecord*>& all) {
  const std::string& base = c.ctx.api_base;
  reply_page<ActionRecord>(
      c, std::string(type.record_rel), href, all, "",
      [&](const ActionRecord& r) { return record_href(base, type, r); },
      [&](JsonOut& j, const ActionRecord& r) { write_record(j, *c.org, type, r, base); });
}

// The record `id` if it is among `all` (a person's records, or all donations), else 404.
void reply_record_in(Call& c, const ActionType& type, const std::vector<const ActionRecord*>& all,
                     const std::string& id) {
  for (const auto* r : all)
    if (r->id == id) {
      JsonOut j;
      write_record(j, *c.org, type, *r, c.ctx.api_base);
      return c.reply(200, j.take());
    }
  c.error(404, "Couldn't find " + std::string(actions::record_name(type)) + " with id = " + id);
}

// ---- actions -------------------------------------------------------------------------------------------

// `parent`: list only the children of this action (event campaigns' events); empty for the whole kind.
void list_actions(Call& c, const ActionType& type, const std::string& parent) {
  std::optional<ActionMatcher> matcher;
  std::string carried;
  if (auto raw = c.target.param("filter")) {
    auto f = parse_filter(*raw);
    if (!f) return c.error(f.error());
    auto m = ActionMatcher::make(type, f.value());
    if (!m) return c.error(m.error());
    matcher = std::move(m).value();
    carried = "filter=" + percent_encode(*raw);
  }
  std::shared_lock lock(c.org->mu);
  const auto& book = c.org->actions;
  const auto& ids =
      parent.empty() ? book.actions_of_kind(std::string(type.collection)) : book.children_of(parent);
  std::vector<const Action*> all;
  for (const auto& id : ids) {
    const Action* a = book.find_action(id);
    if (a && (!matcher || matcher->matches(*a))) all.push_back(a);
  }
  const std::string& base = c.ctx.api_base;
  std::string href =
      base + "/" + (parent.empty() ? std::string(type.collection) : "event_campaigns/" + parent + "/events");
  reply_page<Action>(
      c, std::string(type.rel), href, all, carried, [&](const Action& a) { return action_href(base, a); },
      [&](JsonOut& j, const Action& a) { write_action(j, *c.org, type, a, base); });
}

// One per process: its entries are checked against the organization, the definitions and the API base.
ActionBodyCache& action_bodies() {
  static ActionBodyCache cache;
  return cache;
}

void get_action(Call& c, const ActionType& type, const std::string& id) {
  std::shared_lock lock(c.org->mu);
  const Action* a = c.org->actions.find_action(std::string(type.collection), id);
  if (!a) return c.error(404, "Couldn't find " + std::string(type.singular) + " with id = " + id);
  // The cached body and the live values (counters, creator) under the lock; spliced once it is released.
  auto read = action_bodies().read(*c.org, type, *a, c.ctx.api_base);
  lock.unlock();
  c.reply(200, read.text());
}

// POST (create; `parent` set for an event created through an event campaign) or PUT (update, `id` set).
void write_action_call(Call& c, const ActionType& type, const std::string& id, const std::string& parent) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  auto in = parse_action(body, type);
  if (!in) return c.error(in.error());
  std::string base = c.ctx.api_base;
  commit_write(c,
               [&type, in = std::move(in).value(), id, parent, base](
                   OrgState& org, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
                 if (!parent.empty() && !org.actions.find_action("event_campaigns", parent))
                   return not_found("Couldn't find event_campaign with id = " + parent);
                 auto a = id.empty() ? actions::create_action(org, type, in, parent, w, now)
                                     : actions::update_action(org, type, id, in, w, now);
                 if (!a) return a.error();
                 JsonOut j;
                 write_action(j, org, type, *a.value(), base);
                 return j.take();
               });
}

// ---- records ---------------------------------------------------------------------------------------

void list_action_records(Call& c, const ActionType& type, const std::string& action_id) {
  std::shared_lock lock(c.org->mu);
  const auto& book = c.org->actions;
  if (!book.find_action(std::string(type.collection), action_id))
    return c.error(404, "Couldn't find " + std::string(type.singular) + " with id = " + action_id);
  std::vector<const ActionRecord*> all;
  for (const auto& id : book.records_of_action(action_id)) all.push_back(book.find_record(id));
  reply_records(
      c, type,
      action_href(c.ctx.api_base, *book.find_action(action_id)) + "/" + std::string(type.record_collection),
      all);
}

void get_record(Call& c, const ActionType& type, const std::string& action_id, const std::string& id) {
  std::shared_lock lock(c.org->mu);
  const ActionRecord* r = c.org->actions.find_record(id);
  if (!r || r->action_id != action_id || !c.org->actions.find_action(std::string(type.collection), action_id))
    return c.error(404, "Couldn't find " + std::string(actions::record_name(type)) + " with id = " + id);
  // An outreach's letters to its targets: their delivery rows (messaging/letter_delivery.h).
  std::string deliveries;
  if (type.collection == "advocacy_campaigns") {
    const std::string* targets = actions::find_field(r->fields, "targets");
    auto scope = c.ctx.store.scope(c.org->org.id);
    deliveries = messaging::deliveries_json(scope, r->id, actions::letter_targets(targets ? *targets : "[]"));
  }
  JsonOut j;
  write_record(j, *c.org, type, *r, c.ctx.api_base, {}, deliveries);
  lock.unlock();
  c.reply(200, j.take());
}

// The organization that owns an action, for blind (keyless) helper posts: action ids are global UUIDs.
OrgState* owner_of(Call& c, const std::string& action_id) {
  for (OrgState* org : c.ctx.directory.all()) {
    std::shared_lock lock(org->mu);
    if (org->actions.find_action(action_id)) return org;
  }
  return nullptr;
}

// POST on a record collection: the record helper when the body has `person`, else a plain create.
void post_record(Call& c, const ActionType& type, const std::string& action_id) {
  const bool blind = !c.authenticated;
  if (blind) {
    c.org = owner_of(c, action_id);
    if (!c.org) return c.empty_ok();
    if (c.ctx.helper_limits)
      if (int wait = c.ctx.helper_limits->per_action.acquire(action_id, now_micros()))
        return c.reply(429, error_body("too many submissions to this action; retry later"),
                       {{"Retry-After", std::to_string(wait)}});
  }
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  auto record = parse_record(body, type);
  if (!record) return c.error(record.error());
  std::string base = c.ctx.api_base;
  std::string url = base + "/" + std::string(type.collection) + "/" + action_id;

  simdjson::dom::element person;
  if (body["person"].get(person)) {
    if (blind) return c.empty_ok();  // a plain create needs a key
    auto person_id = linked_id(body, "osdi:person");
    if (!person_id) return c.error(400, "person or _links.osdi:person is required");
    return commit_write(
        c,
        [&type, action_id, pid = *person_id, in = std::move(record).value(), base](
            OrgState& org, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
          auto r = actions::record_for_person(org, type, action_id, pid, in, w, now);
          if (!r) return r.error();
          JsonOut j;
          write_record(j, org, type, *r->record, base);
          return j.take();
        });
  }

  actions::HelperInput in;
  auto p = parse_person(person, c.org->org.default_region, StatusRule::kSubscribeOnly);
  if (!p) return c.error(p.error());
  in.person = std::move(p).value();
  if (blind && in.person.phone.present() && c.ctx.helper_limits)
    if (int wait = c.ctx.helper_limits->per_phone.acquire(in.person.phone.value, now_micros()))
      return c.reply(429, error_body("too many submissions for this phone number; retry later"),
                     {{"Retry-After", std::to_string(wait)}});
  auto tags = parse_string_list(body, "add_tags");
  if (!tags) return c.error(tags.error());
  in.add_tags = std::move(tags).value();
  in.record = std::move(record).value();
  auto who = parse_authority(body, !blind, c.ctx.settings.age_custom_field);
  if (!who) return c.error(who.error());
  auto ev = c.evidence(std::string(blind ? "blind " : "") + "record " +
                       std::string(actions::record_name(type)) + " helper");
  if (auto s = read_consent_fields(body, !blind, ev); !s) return c.error(s.error());
  if (ev.purpose.empty()) {  // the action's own purpose, unless the writer names one
    std::shared_lock lock(c.org->mu);
    if (const actions::Action* a = c.org->actions.find_action(action_id)) ev.purpose = a->purpose;
  }
  messaging::Submission sub{&type,         action_id,     url,
                            std::move(in), std::move(ev), actions::HelperRules{std::move(who).value()},
                            std::nullopt};
  messaging::SubmitServices services{c.ctx.committer, c.ctx.autoresponder, c.ctx.resubscribe};
  auto call = std::make_shared<Call>(std::move(c));
  // The answer is copied under the lock and serialized on the io thread once durable (issue 16); a blind or
  // background post answers {} and copies nothing. Both lambdas run on the committer thread, one after the
  // other, so the slot needs no lock.
  auto view = std::make_shared<std::optional<RecordView>>();
  bool answers_record = !blind && !call->background;
  messaging::submit_record(
      services, *call->org, std::move(sub),
      [&type, view, answers_record](const OrgState& org, const actions::RecordOutcome& r) {
        if (answers_record) *view = record_view(org, type, *r.record, r.notices);
        return std::string();
      },
      [call, blind, view, base](Result<std::string> body) {
        if (!body) return blind ? call->empty_ok() : call->error(body.error());
        if (blind || call->background || !*view) return call->empty_ok();
        call->reply_rendered(200, [v = std::move(**view), base] {
          JsonOut j;
          write_record(j, v, base);
          return j.take();
        });
      });
}

void put_record(Call& c, const ActionType& type, const std::string& action_id, const std::string& id) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (!c.parse_body(parser, body)) return;
  auto in = parse_record(body, type);
  if (!in) return c.error(in.error());
  std::string base = c.ctx.api_base;
  commit_write(c,
               [&type, action_id, id, in = std::move(in).value(), base](
                   OrgState& org, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
                 auto r = actions::update_record(org, type, action_id, id, in, w, now);
                 if (!r) return r.error();
                 JsonOut j;
                 write_record(j, org, type, *r.value(), base);
                 return j.take();
               });
}

void method_not_allowed(Call& c) {
  c.error(405, "method " + c.req.method + " is not allowed here");
}

}  // namespace

bool is_record_helper_post(const Call& c) {
  if (c.req.method != "POST" || c.seg.size() != 3) return false;
  const ActionType* t = actions::type_by_collection(c.seg[0]);
  return t && !t->record_collection.empty() && c.seg[2] == t->record_collection;
}

void actions(Call& c) {
  const ActionType* type = actions::type_by_collection(c.seg[0]);
  const auto& s = c.seg;
  const auto& m = c.req.method;
  // /event_campaigns/{ec}/events/{id}/...: the event's own routes, once it is known to belong to {ec}.
  if (!type->child_collection.empty() && s.size() >= 4 && s[2] == type->child_collection) {
    {
      std::shared_lock lock(c.org->mu);
      const Action* child = c.org->actions.find_action(std::string(type->child_collection), s[3]);
      if (!child || child->parent_id != s[1]) return c.error(404, "Couldn't find event with id = " + s[3]);
    }
    c.seg.erase(c.seg.begin(), c.seg.begin() + 2);
    return actions(c);
  }
  if (s.size() == 1) {
    if (m == "GET") return list_actions(c, *type, "");
    if (m == "POST" && type->writable) return write_action_call(c, *type, "", "");
  } else if (s.size() == 2) {
    if (m == "GET") return get_action(c, *type, s[1]);
    if (m == "PUT" && type->writable) return write_action_call(c, *type, s[1], "");
  } else if (s.size() == 3 && !type->record_collection.empty() && s[2] == type->record_collection) {
    if (m == "GET") return list_action_records(c, *type, s[1]);
    if (m == "POST") return post_record(c, *type, s[1]);
  } else if (s.size() == 3 && !type->child_collection.empty() && s[2] == type->child_collection) {
    const ActionType& child = *actions::type_by_collection(type->child_collection);
    if (m == "GET") {
      {
        std::shared_lock lock(c.org->mu);
        if (!c.org->actions.find_action(std::string(type->collection), s[1]))
          return c.error(404, "Couldn't find " + std::string(type->singular) + " with id = " + s[1]);
      }
      return list_actions(c, child, s[1]);
    }
    if (m == "POST") return write_action_call(c, child, "", s[1]);
  } else if (s.size() == 4 && !type->record_collection.empty() && s[2] == type->record_collection) {
    if (m == "GET") return get_record(c, *type, s[1], s[3]);
    if (m == "PUT") return put_record(c, *type, s[1], s[3]);
  } else {
    return c.error(404, "not found");
  }
  if (!type->writable) return c.error(405, std::string(type->collection) + " are read-only over the API");
  method_not_allowed(c);
}

void records_of_person(Call& c, const std::string& person_id, const std::string& record_collection) {
  const ActionType* type = actions::type_by_record_collection(record_collection);
  if (c.req.method != "GET") return method_not_allowed(c);
  std::shared_lock lock(c.org->mu);
  if (!c.org->find_person(person_id)) return c.error(404, "Couldn't find person with id = " + person_id);
  const auto& book = c.org->actions;
  std::vector<const ActionRecord*> all;
  for (const auto& id : book.records_of_person(person_id)) {
    const ActionRecord* r = book.find_record(id);
    const Action* a = book.find_action(r->action_id);
    if (a && a->kind == type->collection) all.push_back(r);
  }
  if (c.seg.size() == 4) return reply_record_in(c, *type, all, c.seg[3]);
  reply_records(c, *type, c.ctx.api_base + "/people/" + person_id + "/" + record_collection, all);
}

void donations(Call& c) {
  const ActionType& type = *actions::type_by_record_collection("donations");
  if (c.req.method != "GET") return method_not_allowed(c);
  if (c.seg.size() > 2) return c.error(404, "not found");
  std::shared_lock lock(c.org->mu);
  const auto& book = c.org->actions;
  std::vector<const ActionRecord*> all;
  for (const auto& aid : book.actions_of_kind(std::string(type.collection)))
    for (const auto& rid : book.records_of_action(aid)) all.push_back(book.find_record(rid));
  if (c.seg.size() == 2) return reply_record_in(c, type, all, c.seg[1]);
  reply_records(c, type, c.ctx.api_base + "/donations", all);
}

}  // namespace tocsin::api::handlers
