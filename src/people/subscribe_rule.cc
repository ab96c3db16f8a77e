#include "people/subscribe_rule.h"

#include "people/age_gate.h"

namespace tocsin::people {
namespace {

bool attested(const WriteAuthority& who) {
  return who.writer != Writer::kAnonymous && who.attestation && !who.attestation->source.empty() &&
         !who.attestation->method.empty();
}

// The writer's statement as evidence: the actor stays the key (or batch), the source and method are the
// ones attested. An import's evidence already is its basis (importer/csv_import.h), so it is kept.
consent::Evidence attested_evidence(const WriteAuthority& who, const consent::Evidence& ev) {
  consent::Evidence out = ev;
  if (who.writer == Writer::kImport || !who.attestation) return out;
  out.source = who.attestation->source;
  out.method = "attested by the API key: " + who.attestation->method;
  out.disclosure_text = who.attestation->disclosure;
  return out;
}

}  // namespace

bool is_opt_out(consent::Status s) {
  return s != consent::Status::kNone && s != consent::Status::kSubscribed;
}

Status check_write(const PersonInput& in, const WriteAuthority& who, bool gdpr_applies, Micros now) {
  if (auto s = check_age(in, who.age_field, gdpr_applies, now); !s) return s;
  if (in.phone_status == consent::Status::kSubscribed && who.writer == Writer::kApiKey &&
      who.sms_disclosure.empty() && !attested(who))
    return unprocessable(
        "phone_numbers[].status \"subscribed\" needs evidence of consent: send \"tocsin:consent\": "
        "{\"source\": ..., \"method\": ...} (how and where the person opted in to texts), or record it "
        "through "
        "an action that shows a complete tocsin:sms_disclosure");
  return Ok{};
}

SubscribeRuling rule_on_subscribe(Channel c, consent::Status current, const WriteAuthority& who,
                                  const consent::Evidence& ev) {
  SubscribeRuling r;
  if (c == Channel::kSms) {
    if (!who.sms_disclosure.empty()) {
      r.verdict = Verdict::kRecord;
      r.evidence = ev;  // the entry point put the disclosure into it (actions/record_write.h)
    } else if (attested(who) && !consent::is_hard_suppression(current)) {
      r.verdict = Verdict::kRecord;
      r.evidence = attested_evidence(who, ev);
    } else {
      r.notice =
          "phone number kept unsubscribed: an SMS opt-in needs a complete SMS disclosure (program, "
          "frequency, "
          "rates, HELP/STOP, terms and privacy links) shown to the person";
    }
    return r;
  }
  if (!is_opt_out(current)) {
    r.verdict = Verdict::kRecord;
    r.evidence = ev;
    return r;
  }
  if (who.writer == Writer::kAnonymous) {
    r.verdict = Verdict::kConfirmFirst;
    return r;
  }
  if (who.writer == Writer::kOwner) {
    r.verdict = consent::is_hard_suppression(current) ? Verdict::kConfirmFirst : Verdict::kRecord;
    r.evidence = ev;
    return r;
  }
  if (consent::is_hard_suppression(current)) return r;  // bouncing / spam complaint: never by a write
  r.verdict = Verdict::kRecord;
  r.evidence = attested_evidence(who, ev);
  if (!who.attestation && who.writer == Writer::kApiKey)
    r.evidence.method = ev.method + " (re-subscription attested by the API key)";
  return r;
}

}  // namespace tocsin::people
