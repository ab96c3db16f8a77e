#include "people/upsert.h"

#include "core/ids.h"
#include "people/age_gate.h"
#include "people/header_text.h"

namespace tocsin::people {
namespace {

using consent::Status;

void index_contact(OrgState& org, store::WriteBatch::OrgWrites& w, Channel c, const std::string& value,
                   const std::string& person_id) {
  auto h = org.hasher->hash(c, value);
  org.person_by_contact[h] = person_id;
  w.add(store::op::PutContactPoint{{c, h, person_id}});
}

void unindex_contact(OrgState& org, store::WriteBatch::OrgWrites& w, Channel c, const std::string& value) {
  auto h = org.hasher->hash(c, value);
  org.person_by_contact.erase(h);
  w.add(store::op::DeleteContactPoint{c, h});
}

// Replaces a person's email or phone, keeping the contact index in step.
void set_contact(OrgState& org, store::WriteBatch::OrgWrites& w, Person& p, Channel c,
                 const std::optional<std::string>& value) {
  auto& slot = c == Channel::kEmail ? p.email : p.phone;
  if (slot == value) return;
  if (slot) unindex_contact(org, w, c, *slot);
  slot = value;
  if (slot) index_contact(org, w, c, *slot, p.id);
}

// Email: a new address defaults to subscribed; a known one changes only on request. A change to subscribed
// is ruled on by people/subscribe_rule.h, whose refusals leave the status as it is.
bool settle_status(OrgState& org, store::WriteBatch::OrgWrites& w, const Person& p, Channel c,
                   bool new_to_person, std::optional<Status> requested, const consent::Evidence& ev,
                   const WriteAuthority& who, UpsertResult& out, Micros now) {
  const auto& value = c == Channel::kEmail ? p.email : p.phone;
  if (!value) return false;
  Status current = org.status_of(c, *value);
  Status desired = current;
  if (requested)
    desired = *requested;
  else if (new_to_person && c == Channel::kEmail)
    desired = Status::kSubscribed;
  // Already subscribed: a write that subscribes again for a purpose the consent does not cover yet widens it
  // (consent/scope.h), so it is recorded like a new subscription; otherwise nothing changes.
  bool asks = requested ? *requested == Status::kSubscribed : new_to_person && c == Channel::kEmail;
  bool widens = false;
  if (asks && current == Status::kSubscribed) {
    consent::ConsentScope scope = org.scope_of(org.hasher->hash(c, *value));
    widens = !scope.general() && (ev.purpose.empty() || !scope.covers(ev.purpose));
  }
  if (desired == current && !widens) return false;
  if (desired != Status::kSubscribed) {
    org.record_status(w, c, *value, p.id, desired, ev, now);
    return true;
  }
  // An erased person's stub (privacy/erasure.h) is never re-subscribed, whoever writes: the address stays
  // unsubscribed. Only the organization's own writers hear why; an anonymous signup learns nothing.
  if (auto hit = org.messaging.suppressions().find(org.org.id, org.hasher->hash(c, *value));
      hit && hit->scope == policy::SuppressionScope::kErased) {
    if (who.writer != Writer::kAnonymous)
      out.notices.push_back(std::string(c == Channel::kEmail ? "email" : "phone") +
                            " stays unsubscribed: the address was erased at its owner's request");
    return false;
  }
  SubscribeRuling ruling = rule_on_subscribe(c, current, who, ev);
  switch (ruling.verdict) {
    case Verdict::kRecord:
      org.record_status(w, c, *value, p.id, desired, ruling.evidence, now);
      return true;
    case Verdict::kKeep:
      if (!ruling.notice.empty()) out.notices.push_back(std::move(ruling.notice));
      return false;
    case Verdict::kConfirmFirst:
      out.confirm_email = *value;
      return false;
  }
  return false;
}

void note_custom_field(OrgState& org, store::WriteBatch::OrgWrites& w, const std::string& name, Micros now) {
  for (const auto& f : org.custom_fields)
    if (f.name == name) return;
  CustomFieldDef def{name, static_cast<int64_t>(org.custom_fields.size()) + 1, now, now};
  org.custom_fields.push_back(def);
  w.add(store::op::PutCustomField{def});
}

// The non-contact fields; returns whether anything changed.
bool apply_fields(OrgState& org, store::WriteBatch::OrgWrites& w, Person& p, const PersonInput& in,
                  Micros now) {
  bool changed = false;
  auto assign = [&](std::string& dst, const Field<std::string>& f) {
    if (f.state == Field<std::string>::kAbsent) return;
    std::string v = f.present() ? f.value : std::string();
    if (dst != v) {
      dst = std::move(v);
      changed = true;
    }
  };
  assign(p.given_name, in.given_name);
  if (in.family_name.state != Field<std::string>::kAbsent &&
      p.family_name != (in.family_name.present() ? in.family_name.value : std::string())) {
    org.unindex_family_name(p);  // the name is an index key: out under the old one, in under the new
    assign(p.family_name, in.family_name);
    org.index_family_name(p);
  }
  // Lists and the birthdate count as changed only if they differ, so a repeat signup that sends the same
  // address again rewrites nothing.
  if (in.postal_addresses.state != Field<std::vector<PostalAddress>>::kAbsent) {
    auto v = in.postal_addresses.present() ? in.postal_addresses.value : std::vector<PostalAddress>{};
    if (!v.empty()) {
      bool any_primary = false;
      for (const auto& a : v) any_primary |= a.primary;
      if (!any_primary) v.front().primary = true;
    }
    if (p.postal_addresses != v) {
      p.postal_addresses = std::move(v);
      changed = true;
    }
  }
  if (in.languages_spoken.state != Field<std::vector<std::string>>::kAbsent) {
    auto v = in.languages_spoken.present() ? in.languages_spoken.value : std::vector<std::string>{};
    if (p.languages_spoken != v) {
      p.languages_spoken = std::move(v);
      changed = true;
    }
  }
  if (in.birthdate.state != Field<std::string>::kAbsent) {
    std::optional<std::string> v;
    if (in.birthdate.present()) v = in.birthdate.value;
    if (p.birthdate != v) {
      p.birthdate = std::move(v);
      changed = true;
    }
  }
  for (const auto& [k, v] : in.custom_fields) {
    if (v) {
      auto [it, inserted] = p.custom_fields.try_emplace(k, *v);
      if (!inserted && it->second == *v) continue;
      it->second = *v;
      note_custom_field(org, w, k, now);
    } else if (!p.custom_fields.erase(k)) {
      continue;
    }
    changed = true;
  }
  for (const auto& id : in.identifiers) {
    if (org.person_by_identifier.count(id)) continue;  // already ours (checked by the caller)
    p.identifiers.push_back(id);
    org.person_by_identifier[id] = p.id;
    changed = true;
  }
  return changed;
}

tocsin::Status check_identifiers(const OrgState& org, const PersonInput& in, const std::string& target_id) {
  for (const auto& id : in.identifiers) {
    auto it = org.person_by_identifier.find(id);
    if (it != org.person_by_identifier.end() && it->second != target_id)
      return bad_request("identifier " + id + " already belongs to another person");
  }
  return Ok{};
}

Person& create_person(OrgState& org, Micros now) {
  Person p;
  p.id = new_time_ordered_uuid();
  p.created = p.modified = now;
  org.person_order.push_back(p.id);
  std::string id = p.id;
  Person& created = org.people.emplace(std::move(id), std::move(p)).first->second;
  org.people_in_order.push_back(&created);
  return created;
}

void add_tags(OrgState& org, store::WriteBatch::OrgWrites& w, const Person& p,
              const std::vector<std::string>& names, Micros now) {
  for (const auto& name : names)
    if (const Tag* t = org.find_tag_by_name(name))
      tag_person(org, t->id, p.id, w, now);  // unknown: ignored (AN)
}

}  // namespace

Result<UpsertResult> signup(OrgState& org, PersonInput in, const std::vector<std::string>& tags,
                            const consent::Evidence& ev, const WriteAuthority& who,
                            store::WriteBatch::OrgWrites& w, Micros now) {
  if (!in.email.present() && !in.phone.present())
    return bad_request("a person needs an email address or a phone number");
  if (auto s = check_write(in, who, org.org.gdpr_applies, now); !s) return s.error();
  normalize_header_bound_text(in);

  // Plan the match first, without changing anything.
  Person* by_email = in.email.present()
                         ? const_cast<Person*>(org.find_by_contact(Channel::kEmail, in.email.value))
                         : nullptr;
  Person* by_phone =
      in.phone.present() ? const_cast<Person*>(org.find_by_contact(Channel::kSms, in.phone.value)) : nullptr;
  Person* target = nullptr;
  Person* loses_phone = nullptr;
  if (by_email) {
    target = by_email;
    if (by_phone && by_phone != by_email) loses_phone = by_phone;
  } else if (in.email.present()) {
    if (by_phone && !by_phone->email)
      target = by_phone;  // a mobile-only record merges with the incoming email
    else if (by_phone)
      loses_phone = by_phone;  // same mobile, different email: the number moves to a new person
  } else {
    target = by_phone;
  }
  if (auto s = check_identifiers(org, in, target ? target->id : std::string()); !s) return s.error();
  if (org.messaging.settings().sms_age_required)
    if (auto s = check_sms_age(in, target, who.age_field, now); !s) return s.error();

  bool created = target == nullptr;
  if (created) target = &create_person(org, now);
  // A case variant of the person's address is the same address (core/contact_point.h): the spelling on
  // file stays, and it is not "new" (which would subscribe it).
  const bool email_is_new =
      in.email.present() && !(target->email && same_email(*target->email, in.email.value));
  const bool phone_is_new = in.phone.present() && target->phone != in.phone.value;

  if (loses_phone) {
    set_contact(org, w, *loses_phone, Channel::kSms, std::nullopt);
    loses_phone->modified = now;
    w.add(store::op::PutPerson{*loses_phone});
  }
  if (email_is_new) set_contact(org, w, *target, Channel::kEmail, in.email.value);
  if (phone_is_new) set_contact(org, w, *target, Channel::kSms, in.phone.value);
  bool changed = apply_fields(org, w, *target, in, now) || email_is_new || phone_is_new;

  UpsertResult out{target, created, {}, std::nullopt};
  changed |=
      settle_status(org, w, *target, Channel::kEmail, email_is_new, in.email_status, ev, who, out, now);
  changed |= settle_status(org, w, *target, Channel::kSms, phone_is_new, in.phone_status, ev, who, out, now);
  if (changed && !created) target->modified = now;
  if (changed || created) w.add(store::op::PutPerson{*target});
  add_tags(org, w, *target, tags, now);
  return out;
}

Result<UpsertResult> update(OrgState& org, const std::string& person_id, PersonInput in,
                            const consent::Evidence& ev, const WriteAuthority& who,
                            store::WriteBatch::OrgWrites& w, Micros now) {
  auto it = org.people.find(person_id);
  if (it == org.people.end()) return not_found("Couldn't find person with id = " + person_id);
  Person& p = it->second;
  if (auto s = check_write(in, who, org.org.gdpr_applies, now); !s) return s.error();
  if (org.messaging.settings().sms_age_required)
    if (auto s = check_sms_age(in, &p, who.age_field, now); !s) return s.error();
  normalize_header_bound_text(in);

  if (in.email.present()) {
    const Person* owner = org.find_by_contact(Channel::kEmail, in.email.value);
    if (owner && owner != &p) return bad_request("email address belongs to another person");
  }
  if (in.phone.present()) {
    const Person* owner = org.find_by_contact(Channel::kSms, in.phone.value);
    if (owner && owner != &p) return bad_request("phone number belongs to another person");
  }
  if (in.email_status && in.email.state == Field<std::string>::kAbsent && !p.email)
    return bad_request("this person has no email address to set a status on");
  if (in.phone_status && in.phone.state == Field<std::string>::kAbsent && !p.phone)
    return bad_request("this person has no phone number to set a status on");
  if (in.email.state == Field<std::string>::kNull && !p.phone && !in.phone.present())
    return bad_request("a person needs an email address or a phone number");
  if (in.phone.state == Field<std::string>::kNull && !p.email && !in.email.present())
    return bad_request("a person needs an email address or a phone number");
  if (auto s = check_identifiers(org, in, p.id); !s) return s.error();

  bool email_is_new = false, phone_is_new = false, changed = false;
  if (in.email.state != Field<std::string>::kAbsent) {
    std::optional<std::string> v;
    if (in.email.present()) v = in.email.value;
    email_is_new = v && !(p.email && same_email(*p.email, *v));
    changed |= p.email != v;
    set_contact(org, w, p, Channel::kEmail, v);
  }
  if (in.phone.state != Field<std::string>::kAbsent) {
    std::optional<std::string> v;
    if (in.phone.present()) v = in.phone.value;
    phone_is_new = v && p.phone != v;
    changed |= p.phone != v;
    set_contact(org, w, p, Channel::kSms, v);
  }
  changed |= apply_fields(org, w, p, in, now);
  UpsertResult out{&p, false, {}, std::nullopt};
  changed |= settle_status(org, w, p, Channel::kEmail, email_is_new, in.email_status, ev, who, out, now);
  changed |= settle_status(org, w, p, Channel::kSms, phone_is_new, in.phone_status, ev, who, out, now);
  if (changed) {
    p.modified = now;
    w.add(store::op::PutPerson{p});
  }
  return out;
}

const Tagging& tag_person(OrgState& org, const std::string& tag_id, const std::string& person_id,
                          store::WriteBatch::OrgWrites& w, Micros now) {
  auto key = std::make_pair(tag_id, person_id);
  if (auto it = org.tagging_by_pair.find(key); it != org.tagging_by_pair.end())
    return org.taggings.at(it->second);
  Tagging t{new_time_ordered_uuid(), tag_id, person_id, now, now};
  org.tagging_by_pair[key] = t.id;
  org.tagging_order.push_back(t.id);
  w.add(store::op::PutTagging{t});
  std::string id = t.id;
  return org.taggings.emplace(std::move(id), std::move(t)).first->second;
}

// By value: callers may name the tagging with a string that lives in the indexes erased here.
bool untag(OrgState& org, std::string tagging_id, store::WriteBatch::OrgWrites& w) {
  auto it = org.taggings.find(tagging_id);
  if (it == org.taggings.end()) return false;
  org.tagging_by_pair.erase({it->second.tag_id, it->second.person_id});
  org.taggings.erase(it);
  w.add(store::op::DeleteTagging{std::move(tagging_id)});
  return true;
}

}  // namespace tocsin::people
