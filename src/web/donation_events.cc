#include "web/donation_events.h"

#include <simdjson.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "actions/donation_amounts.h"
#include "actions/record_write.h"
#include "actions/tally.h"
#include "core/clock.h"
#include "core/json_out.h"
#include "messaging/org_write.h"
#include "web/json_answer.h"

namespace tocsin::web {
namespace {

http::Response ignored(const std::string& why) {
  return json_answer(200, JsonOut().begin().kv("received", true).kv("ignored", why).end().take());
}

std::string meta(const payments::PaymentEvent& ev, const char* k) {
  auto it = ev.metadata.find(k);
  return it == ev.metadata.end() ? std::string() : it->second;
}

// The provider's minor units back to cents (actions/tally.h): 1 JPY is 100 "cents" of a zero-decimal
// currency, as minor_units() maps them the other way.
int64_t cents_of(int64_t minor, const std::string& currency) {
  return actions::minor_units(100, currency) == 1 ? minor * 100 : minor;
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

auto answer_with(http::Respond respond, const char* what) {
  return [respond, what](Result<std::string> out) {
    if (!out) {
      spdlog::warn("payments: {} not recorded: {}", what, out.error().message);
      return respond(refusal(out.error()));
    }
    respond(json_answer(200, *out));
  };
}

}  // namespace

void index_payment(store::WriteBatch::OrgWrites& w, const std::string& reference,
                   const std::string& donation_id) {
  if (reference.empty()) return;
  w.add(store::op::PutDoc{
      store::OrgDoc{kPaymentRefKind, reference, JsonOut().begin().kv("donation", donation_id).end().take()}});
}

std::string installment_id(const std::string& provider, const std::string& invoice_id) {
  const std::string in = "tocsin installment\n" + provider + "\n" + invoice_id;
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(in.data()), in.size(), nullptr, 0);
  h[6] = static_cast<unsigned char>((h[6] & 0x0f) | 0x80);  // RFC 9562 version 8: custom, name-derived
  h[8] = static_cast<unsigned char>((h[8] & 0x3f) | 0x80);  // the RFC's variant
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[h[i] >> 4];
    out += hex[h[i] & 15];
  }
  return out;
}

void record_installment(const DonationServices& s, const payments::PaymentEvent& ev, http::Respond respond) {
  const std::string first_id = meta(ev, "tocsin_donation"), org_id = meta(ev, "tocsin_org");
  if (first_id.empty() || org_id.empty())
    return respond(ignored("not a tocsin donation (its subscription has no tocsin_donation metadata)"));
  if (ev.invoice_id.empty() || ev.amount_minor <= 0)
    return respond(refusal(bad_request("the installment has no invoice id or no amount")));
  people::OrgState* org = s.directory.find(org_id);
  if (!org) return respond(refusal(not_found("no organization " + org_id)));
  // Whether the first payment was recorded (its subscription is in the organization's index), read
  // here, off the committer thread.
  auto erased = std::make_shared<bool>(false);
  if (!ev.subscription_id.empty()) {
    auto doc = s.store.org_doc(org_id, kPaymentRefKind, ev.subscription_id);
    if (!doc) return respond(refusal(Error{503, "cannot read the payment index: " + doc.error().message}));
    *erased = doc.value().has_value();
  }
  const actions::ActionType* type = actions::type_by_collection("fundraising_pages");
  auto e = std::make_shared<payments::PaymentEvent>(ev);
  const std::string id = installment_id(s.driver.provider(), ev.invoice_id), provider = s.driver.provider();
  messaging::commit_org_write(
      s.committer, *org,
      [e, id, first_id, provider, type, erased](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                                Micros now) -> Result<std::string> {
        auto done = [&](bool recorded) {
          return JsonOut()
              .begin()
              .kv("received", true)
              .kv("donation", id)
              .kv("recurring_donation", first_id)
              .kv("recorded", recorded)
              .end()
              .take();
        };
        if (o.actions.find_record(id)) return done(false);  // the provider's retry
        const actions::ActionRecord* first = o.actions.find_record(first_id);
        // Recorded once and gone since (a privacy request erased the person): nothing to attach it to,
        // and no retry will change that.
        if (!first && *erased) return done(false);
        if (!first) return not_found("no recurring donation " + first_id + " in this organization (yet)");
        const std::string currency = upper(e->currency);
        if (actions::string_field(first->fields, "currency").value_or("") != currency)
          return Error{409, "the installment's currency is not the recurring donation's"};
        const std::string amount = actions::format_cents(cents_of(e->amount_minor, currency));
        actions::RecordInput in;
        in.id = id;
        in.fields.emplace_back("amount", JsonOut().str(amount).take());
        in.fields.emplace_back("currency", JsonOut().str(currency).take());
        JsonOut rec;
        rec.begin_array().begin().kv("display_name", o.org.name).kv("amount", amount).end().end_array();
        in.fields.emplace_back("recipients", rec.take());
        JsonOut pay;
        pay.begin()
            .kv("method", provider + " hosted checkout")
            .kv("reference_number", e->payment_reference)
            .kv("authorization_stored", true)
            .end();
        in.fields.emplace_back("payment", pay.take());
        in.fields.emplace_back("action_network:recurrence", R"({"recurring":true,"period":"Monthly"})");
        in.fields.emplace_back("tocsin:recurring_donation", JsonOut().str(first_id).take());
        auto r =
            actions::record_for_person(o, *type, first->action_id, first->person_id, std::move(in), w, now);
        if (!r) return r.error();
        index_payment(w, e->invoice_id, id);
        if (e->payment_reference != e->invoice_id) index_payment(w, e->payment_reference, id);
        return done(true);
      },
      answer_with(std::move(respond), "an installment"));
}

void record_refund(const DonationServices& s, const payments::PaymentEvent& ev, http::Respond respond) {
  // The organization: the one the charge's metadata names, else every organization's index is asked (a
  // recurring donation's later charges carry no metadata). Point reads, and refunds are rare.
  const std::string named = meta(ev, "tocsin_org");
  std::vector<people::OrgState*> orgs;
  if (!named.empty()) {
    if (people::OrgState* o = s.directory.find(named)) orgs.push_back(o);
  } else {
    orgs = s.directory.all();
  }
  people::OrgState* org = nullptr;
  std::string donation_id;
  for (people::OrgState* o : orgs) {
    for (const std::string& ref : {ev.payment_reference, ev.invoice_id}) {
      if (ref.empty()) continue;
      auto doc = s.store.org_doc(o->org.id, kPaymentRefKind, ref);
      if (!doc) return respond(refusal(Error{503, "cannot read the payment index: " + doc.error().message}));
      if (!doc.value()) continue;
      simdjson::dom::parser parser;
      std::string_view v;
      if (parser.parse(doc.value()->doc)["donation"].get_string().get(v)) continue;
      org = o;
      donation_id = std::string(v);
      break;
    }
    if (org) break;
  }
  if (!org) {
    if (!meta(ev, "tocsin_donation").empty())
      return respond(refusal(not_found("no donation recorded for payment " + ev.payment_reference)));
    return respond(ignored("no tocsin donation was paid by " + ev.payment_reference));
  }
  const actions::ActionType* type = actions::type_by_collection("fundraising_pages");
  auto e = std::make_shared<payments::PaymentEvent>(ev);
  messaging::commit_org_write(
      s.committer, *org,
      [e, donation_id, type](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                             Micros now) -> Result<std::string> {
        auto done = [&](bool recorded, const std::string& amount) {
          return JsonOut()
              .begin()
              .kv("received", true)
              .kv("donation", donation_id)
              .kv("refunded", amount)
              .kv("recorded", recorded)
              .end()
              .take();
        };
        const actions::ActionRecord* d = o.actions.find_record(donation_id);
        // Erased since (a privacy request): there is nothing left to mark, and retrying will not help.
        if (!d) return done(false, "");
        const std::string currency = upper(e->currency);
        if (actions::string_field(d->fields, "currency").value_or("") != currency)
          return Error{409, "the refund's currency is not the donation's"};
        const int64_t cents = cents_of(e->refunded_minor, currency);
        if (cents > actions::donation_cents(*d)) return Error{409, "the refund is larger than the donation"};
        const std::string amount = actions::format_cents(cents);
        if (cents <= actions::refunded_cents(*d)) return done(false, amount);  // a repeated or older event
        actions::RecordInput in;
        JsonOut refund;
        refund.begin()
            .kv("amount", amount)
            .kv("refunded", e->refunded_in_full || cents == actions::donation_cents(*d))
            .kv("refunded_date", format_iso8601(now))
            .end();
        in.fields.emplace_back("tocsin:refund", refund.take());
        auto r = actions::update_record(o, *type, d->action_id, donation_id, std::move(in), w, now);
        if (!r) return r.error();
        return done(true, amount);
      },
      answer_with(std::move(respond), "a refund"));
}

}  // namespace tocsin::web
