#include "web/donation_checkout.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "actions/donation_amounts.h"
#include "actions/record_write.h"
#include "actions/tally.h"
#include "core/ids.h"
#include "core/json_out.h"
#include "core/text.h"
#include "messaging/org_write.h"
#include "messaging/resubscribe_confirmation.h"
#include "web/donation_events.h"
#include "web/json_answer.h"

namespace tocsin::web {
namespace {

std::string text(simdjson::dom::element o, const char* k) {
  std::string_view s;
  if (o[k].get_string().get(s)) return {};
  return std::string(s);
}

std::string lower(std::string s) {
  return lower_ascii(s);
}

// The donation record's own fields, in Action Network's shape (reference §3.5, fake_donation.json).
actions::RawFields donation_fields(const PendingDonation& p, const std::string& org_name,
                                   const std::string& provider, const std::string& reference) {
  std::string amount = actions::format_cents(p.cents);
  actions::RawFields f;
  f.emplace_back("amount", JsonOut().str(amount).take());
  f.emplace_back("currency", JsonOut().str(p.currency).take());
  JsonOut rec;
  rec.begin_array().begin().kv("display_name", org_name).kv("amount", amount).end().end_array();
  f.emplace_back("recipients", rec.take());
  JsonOut pay;
  pay.begin()
      .kv("method", provider + " hosted checkout")
      .kv("reference_number", reference)
      .kv("authorization_stored", p.monthly)  // the provider keeps a recurring donation's authorization
      .end();
  f.emplace_back("payment", pay.take());
  f.emplace_back("action_network:recurrence",
                 p.monthly ? R"({"recurring":true,"period":"Monthly"})" : R"({"recurring":false})");
  return f;
}

}  // namespace

std::string encode_pending(const PendingDonation& p) {
  JsonOut j;
  j.begin()
      .kv("action_id", p.action_id)
      .kv("page_url", p.page_url)
      .kv("title", p.title)
      .kv("cents", p.cents)
      .kv("currency", p.currency)
      .kv("monthly", p.monthly)
      .kv("shown_version", p.shown_version)
      .kv("given_name", p.person.given_name.value)
      .kv("family_name", p.person.family_name.value)
      .kv("email", p.person.email.value)
      .kv("phone", p.person.phone.value)
      .kv("zip", p.person.postal_addresses.present() && !p.person.postal_addresses.value.empty()
                     ? p.person.postal_addresses.value.front().postal_code
                     : std::string())
      .kv("email_opt_in", p.email_opt_in)
      .kv("sms_opt_in", p.sms_opt_in)
      .kv("ip", p.ip)
      .kv("user_agent", p.user_agent)
      .kv("created", p.created)
      .kv("session_id", p.session_id)
      .end();
  return j.take();
}

Result<PendingDonation> decode_pending(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element o;
  if (parser.parse(json).get(o) || !o.is_object()) return internal_error("pending donation: not JSON");
  PendingDonation p;
  p.action_id = text(o, "action_id");
  p.page_url = text(o, "page_url");
  p.title = text(o, "title");
  int64_t n = 0;
  if (!o["cents"].get_int64().get(n)) p.cents = n;
  p.currency = text(o, "currency");
  if (!o["shown_version"].get_int64().get(n)) p.shown_version = static_cast<int>(n);
  auto set = [](people::Field<std::string>& f, std::string v) {
    if (!v.empty()) f.set(std::move(v));
  };
  set(p.person.given_name, text(o, "given_name"));
  set(p.person.family_name, text(o, "family_name"));
  set(p.person.email, text(o, "email"));
  set(p.person.phone, text(o, "phone"));
  if (std::string zip = text(o, "zip"); !zip.empty()) {
    PostalAddress a;
    a.primary = true;
    a.postal_code = zip;
    p.person.postal_addresses.set({a});
  }
  bool b = false;
  if (!o["email_opt_in"].get_bool().get(b)) p.email_opt_in = b;
  if (!o["sms_opt_in"].get_bool().get(b)) p.sms_opt_in = b;
  if (!o["monthly"].get_bool().get(b)) p.monthly = b;
  p.ip = text(o, "ip");
  p.user_agent = text(o, "user_agent");
  if (!o["created"].get_int64().get(n)) p.created = n;
  p.session_id = text(o, "session_id");
  if (p.action_id.empty() || p.cents <= 0 || p.session_id.empty())
    return internal_error("pending donation: incomplete document");
  return p;
}

void DonationCheckout::begin(people::OrgState& org, PendingDonation p,
                             std::function<void(Result<std::string>)> done) {
  p.id = new_uuid();
  auto minor = actions::minor_units(p.cents, p.currency);
  if (!minor) return done(unprocessable("this amount cannot be paid in " + p.currency));
  payments::CheckoutRequest req;
  req.amount_minor = *minor;
  req.currency = lower(p.currency);
  req.description = p.title;
  req.success_url = p.page_url + "/thanks?checkout=paid";
  req.cancel_url = p.page_url + "?checkout=cancelled";
  req.reference = p.id;
  req.metadata = {{"tocsin_donation", p.id}, {"tocsin_org", org.org.id}};
  if (p.monthly) req.interval = "month";
  auto session = s_.driver.create_session(req);
  if (!session) {
    spdlog::warn("payments: checkout for a donation on {} failed: {}", p.page_url, session.error().message);
    return done(session.error());
  }
  p.session_id = session->id;
  auto doc = std::make_shared<store::OrgDoc>(store::OrgDoc{kPendingDonationKind, p.id, encode_pending(p)});
  std::string url = session->url;
  messaging::commit_org_write(
      s_.committer, org,
      [doc, url](people::OrgState&, store::WriteBatch::OrgWrites& w, Micros) -> Result<std::string> {
        w.add(store::op::PutDoc{*doc});
        return url;
      },
      std::move(done));
}

void DonationCheckout::callback(const http::Request& req, http::Respond respond) {
  if (req.method != "POST") return respond(refusal(Error{405, "POST the provider's event here"}));
  auto ev = s_.driver.verify_callback(req.header("stripe-signature"), req.body, now_micros());
  if (!ev) {
    spdlog::warn("payments: callback refused: {}", ev.error().message);
    return respond(refusal(ev.error()));
  }
  auto ignored = [&](const std::string& why) {
    respond(json_answer(200, JsonOut().begin().kv("received", true).kv("ignored", why).end().take()));
  };
  if (ev->state == payments::PaymentState::kOther) return ignored("event " + ev->type + " is not used");
  if (ev->state == payments::PaymentState::kInstallment)
    return record_installment(s_, *ev, std::move(respond));
  if (ev->state == payments::PaymentState::kRefunded) return record_refund(s_, *ev, std::move(respond));
  auto meta = [&](const char* k) {
    auto it = ev->metadata.find(k);
    return it == ev->metadata.end() ? std::string() : it->second;
  };
  const std::string id = meta("tocsin_donation"), org_id = meta("tocsin_org");
  if (id.empty() || org_id.empty()) return ignored("not a tocsin donation (no tocsin_donation metadata)");
  people::OrgState* org = s_.directory.find(org_id);
  if (!org) return respond(refusal(not_found("no organization " + org_id)));
  {
    std::shared_lock lock(org->mu);
    if (org->actions.find_record(id))
      return respond(json_answer(
          200, JsonOut().begin().kv("received", true).kv("donation", id).kv("recorded", false).end().take()));
  }
  auto doc = s_.store.org_doc(org_id, kPendingDonationKind, id);
  if (!doc) return respond(refusal(Error{503, "cannot read the pending donation: " + doc.error().message}));
  if (!doc.value()) return respond(refusal(not_found("no pending donation " + id + " in this organization")));
  auto pending = decode_pending(doc.value()->doc);
  if (!pending) return respond(refusal(pending.error()));
  auto p = std::make_shared<PendingDonation>(std::move(pending).value());
  p->id = id;
  if (ev->session_id != p->session_id)
    return respond(refusal(Error{409, "the event's session is not the pending donation's"}));

  auto answer = [respond](Result<std::string> out) {
    if (!out) {
      spdlog::error("payments: a paid donation could not be recorded: {}", out.error().message);
      return respond(refusal(out.error()));
    }
    respond(json_answer(200, *out));
  };
  if (ev->state == payments::PaymentState::kExpired) {
    // Abandoned or failed: the pending donation (personal data nobody needs now) goes; nothing recorded.
    return messaging::commit_org_write(
        s_.committer, *org,
        [id](people::OrgState&, store::WriteBatch::OrgWrites& w, Micros) -> Result<std::string> {
          w.add(store::op::DeleteDoc{kPendingDonationKind, id});
          return JsonOut().begin().kv("received", true).kv("donation", id).kv("discarded", true).end().take();
        },
        answer);
  }
  auto minor = actions::minor_units(p->cents, p->currency);
  if (!minor || *minor != ev->amount_minor || lower(p->currency) != lower(ev->currency))
    return respond(refusal(Error{409, "the paid amount or currency differs from the pending donation's"}));

  const actions::ActionType* type = actions::type_by_collection("fundraising_pages");
  auto confirm = std::make_shared<std::pair<std::string, std::string>>();
  std::string provider = s_.driver.provider(), reference = ev->payment_reference, age_field = s_.age_field,
              subscription = ev->subscription_id;
  messaging::commit_org_write(
      s_.committer, *org,
      [p, type, confirm, provider, reference, age_field, subscription](
          people::OrgState& o, store::WriteBatch::OrgWrites& w, Micros now) -> Result<std::string> {
        auto done = [&](bool recorded) {
          return JsonOut()
              .begin()
              .kv("received", true)
              .kv("donation", p->id)
              .kv("recorded", recorded)
              .end()
              .take();
        };
        if (o.actions.find_record(p->id)) return done(false);  // a second callback raced this one
        const actions::Action* a = o.actions.find_action(p->action_id);
        if (!a) return not_found("the fundraising page of pending donation " + p->id + " is gone");
        actions::HelperInput in;
        in.person = p->person;
        // Opt-ins only from the text the person saw; unticked (or shown other text), a new address is
        // recorded unsubscribed and an existing subscription is left alone, as on every page.
        const bool same_text = a->disclosure_version == p->shown_version;
        if (same_text && p->email_opt_in)
          in.person.email_status = consent::Status::kSubscribed;
        else if (in.person.email.present() &&
                 o.status_of(Channel::kEmail, in.person.email.value) == consent::Status::kNone)
          in.person.email_status = consent::Status::kUnsubscribed;
        if (same_text && p->sms_opt_in && in.person.phone.present())
          in.person.phone_status = consent::Status::kSubscribed;
        in.record.id = p->id;
        in.record.fields = donation_fields(*p, o.org.name, provider, reference);
        consent::Evidence ev;
        ev.actor = "anonymous";
        ev.method = "web page fundraising_pages (paid through " + provider + ")";
        ev.ip = p->ip;
        ev.user_agent = p->user_agent;
        ev.consent_time = p->created;
        people::WriteAuthority who;
        who.writer = people::Writer::kAnonymous;
        who.age_field = age_field;
        auto r = actions::record_helper(o, *type, p->action_id, p->page_url, std::move(in), std::move(ev),
                                        actions::HelperRules{who}, w, now);
        if (!r) return r.error();
        w.add(store::op::DeleteDoc{kPendingDonationKind, p->id});
        index_payment(w, reference, p->id);
        // A recurring donation's subscription too: an installment whose first record is gone can tell
        // "erased since" from "not recorded yet" (web/donation_events.h).
        if (p->monthly) index_payment(w, subscription, p->id);
        if (r->confirm_email) *confirm = {r->record->person_id, *r->confirm_email};
        return done(true);
      },
      [answer, confirm, confirmations = s_.confirmations, org_id](Result<std::string> out) {
        if (out && confirmations && !confirm->second.empty())
          confirmations->request(org_id, confirm->first, confirm->second);
        answer(std::move(out));
      });
}

}  // namespace tocsin::web
