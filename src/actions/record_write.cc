#include "actions/record_write.h"

#include <algorithm>

#include "actions/sms_disclosure.h"
#include "core/ids.h"
#include "people/upsert.h"

namespace tocsin::actions {
namespace {

Result<const Action*> find_target(const people::OrgState& org, const ActionType& type,
                                  const std::string& id) {
  const Action* a = org.actions.find_action(std::string(type.collection), id);
  if (!a) return not_found("Couldn't find " + std::string(type.singular) + " with id = " + id);
  if (type.record_collection.empty()) return not_found(std::string(type.collection) + " have no records");
  return a;
}

void merge(ActionRecord& r, RecordInput& in) {
  for (auto& [k, v] : in.fields) set_field(r.fields, std::move(k), std::move(v));
  for (auto& id : in.identifiers)
    if (std::find(r.identifiers.begin(), r.identifiers.end(), id) == r.identifiers.end())
      r.identifiers.push_back(std::move(id));
  if (in.referrer_data) r.referrer_data = *in.referrer_data;
  r.autoresponse_requested = r.autoresponse_requested || in.autoresponse_requested;
}

// Creates the person's record, or updates their existing one where the kind deduplicates.
RecordOutcome put_record(people::OrgState& org, const ActionType& type, const Action& a,
                         const std::string& person_id, RecordInput& in, store::WriteBatch::OrgWrites& w,
                         Micros now) {
  RecordOutcome out;
  const ActionRecord* existing = type.dedup ? org.actions.record_of(a.id, person_id) : nullptr;
  ActionRecord r;
  if (existing) {
    r = *existing;
  } else {
    r.id = in.id.value_or(new_uuid());
    r.action_id = a.id;
    r.person_id = person_id;
    r.created = now;
    out.created = true;
  }
  merge(r, in);
  r.modified = now;
  std::string id = r.id;
  w.add(store::op::PutActionRecord{r});
  org.actions.put_record(std::move(r));
  out.record = org.actions.find_record(id);
  return out;
}

}  // namespace

Result<RecordOutcome> record_helper(people::OrgState& org, const ActionType& type,
                                    const std::string& action_id, const std::string& action_url,
                                    HelperInput in, consent::Evidence ev, const HelperRules& rules,
                                    store::WriteBatch::OrgWrites& w, Micros now) {
  auto found = find_target(org, type, action_id);
  if (!found) return found.error();
  const Action& a = *found.value();
  // A record that carries its own id and exists already (a repeated callback): nothing changes.
  if (in.record.id)
    if (const ActionRecord* done = org.actions.find_record(*in.record.id)) {
      RecordOutcome out;
      out.record = done;
      return out;
    }

  // The SMS rule (people/subscribe_rule.h) lets a number be subscribed through the action only when the
  // action shows a complete SMS disclosure; its text enters the evidence.
  std::vector<std::string> notices;
  std::optional<SmsDisclosure> sms;
  if (!a.sms_disclosure.empty())
    if (auto d = parse_sms_disclosure(a.sms_disclosure)) sms = d.value();
  if (in.person.phone.present() && in.person.phone_status != consent::Status::kSubscribed)
    notices.push_back("phone number kept unsubscribed: SMS opt-in needs the status \"subscribed\"");

  ev.source = action_url + "#disclosure-v" + std::to_string(a.disclosure_version);
  ev.disclosure_text = a.disclosure;
  people::WriteAuthority who = rules.authority;
  if (sms && in.person.phone_status == consent::Status::kSubscribed) {
    who.sms_disclosure = disclosure_text(*sms);
    ev.disclosure_text += (ev.disclosure_text.empty() ? "" : "\n") + who.sms_disclosure;
  }

  // A signature by someone already subscribed is still consent given through this action: it is recorded
  // as a reaffirmation, so the ledger holds evidence for every helper call, not only for changes.
  auto before = [&](Channel c, const people::Field<std::string>& v) {
    return v.present() ? org.status_of(c, v.value) : consent::Status::kNone;
  };
  const consent::Status email_before = before(Channel::kEmail, in.person.email);
  const consent::Status phone_before = before(Channel::kSms, in.person.phone);
  const bool sms_opt_in = in.person.phone_status == consent::Status::kSubscribed;
  auto person = people::signup(org, in.person, in.add_tags, ev, who, w, now);
  if (!person) return person.error();
  const Person& p = *person->person;
  auto reaffirm = [&](Channel c, const std::optional<std::string>& value, consent::Status was) {
    if (!value || was != consent::Status::kSubscribed ||
        org.status_of(c, *value) != consent::Status::kSubscribed)
      return;
    consent::Evidence again = ev;
    again.method += " (reaffirmed)";
    org.record_status(w, c, *value, p.id, consent::Status::kSubscribed, again, now);
  };
  if (in.person.email.present()) reaffirm(Channel::kEmail, p.email, email_before);
  if (in.person.phone.present() && sms && sms_opt_in) reaffirm(Channel::kSms, p.phone, phone_before);
  RecordOutcome out = put_record(org, type, a, p.id, in.record, w, now);
  out.notices = std::move(notices);
  for (auto& n : person->notices) out.notices.push_back(std::move(n));
  out.confirm_email = person->confirm_email;
  return out;
}

Result<RecordOutcome> record_for_person(people::OrgState& org, const ActionType& type,
                                        const std::string& action_id, const std::string& person_id,
                                        RecordInput in, store::WriteBatch::OrgWrites& w, Micros now) {
  auto found = find_target(org, type, action_id);
  if (!found) return found.error();
  if (!org.find_person(person_id)) return bad_request("osdi:person: no such person in this organization");
  return put_record(org, type, *found.value(), person_id, in, w, now);
}

Result<const ActionRecord*> update_record(people::OrgState& org, const ActionType& type,
                                          const std::string& action_id, const std::string& record_id,
                                          RecordInput in, store::WriteBatch::OrgWrites& w, Micros now) {
  auto found = find_target(org, type, action_id);
  if (!found) return found.error();
  const ActionRecord* existing = org.actions.find_record(record_id);
  if (!existing || existing->action_id != action_id)
    return not_found("Couldn't find " + std::string(record_name(type)) + " with id = " + record_id);
  ActionRecord r = *existing;
  merge(r, in);
  r.modified = now;
  w.add(store::op::PutActionRecord{r});
  org.actions.put_record(std::move(r));
  return org.actions.find_record(record_id);
}

}  // namespace tocsin::actions
