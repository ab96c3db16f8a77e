// Inbound SMS keywords: what a supporter's reply asks for.
//
// Contract: classify_inbound(body) is a pure function of the message text. It recognizes
//  - opt-out keywords (compliance-rules SMS-K1: STOP, STOPALL/"STOP ALL", UNSUBSCRIBE, CANCEL, END, QUIT,
//    REVOKE, OPTOUT/OPT-OUT/"OPT OUT", REMOVE, ARRET/ARRÊT, TD; Spanish ALTO, PARAR, BASTA, CANCELAR, BAJA;
//    the stop sign emoji) as a whole reply, case-, spacing- and punctuation-insensitive, and with filler
//    words around them ("please stop", "Opt-out please");
//  - plain-language revocations a reasonable person would read as opting out (SMS-R1: "please stop texting
//    me", "remove me", "take me off this list", "no más", a reply opening or ending with "stop"), but not
//    STOP in a negation, a place, a visit or a slogan ("don't stop", "bus stop", "I'll stop by", "Stop the
//    pipeline!");
//  - re-subscribe keywords START, UNSTOP, YES (SMS-K5; YES only counts after a double-opt-in prompt, which
//    the caller knows, hence `needs_recent_prompt`);
//  - HELP, INFO, AIDE, AYUDA (SMS-K3).
// Anything else is kNone. Opt-out wins over everything when in doubt: a false opt-out costs one supporter a
// message, a missed one is a TCPA violation. Measured on tests/fixtures/sms/keyword_corpus*.tsv
// (docs/SMS.md).
#pragma once

#include <string>
#include <string_view>

namespace tocsin::sms {

struct InboundIntent {
  enum class Kind { kNone, kOptOut, kOptIn, kHelp };
  Kind kind = Kind::kNone;
  // The canonical keyword ("STOP", "START", "HELP", ...) for exact keywords, "REVOCATION_PHRASE" for an
  // opt-out recognized from free text; empty for kNone. Recorded as the ledger entry's method detail.
  std::string keyword;
  bool exact = false;                // the whole reply was the keyword
  bool needs_recent_prompt = false;  // YES: an opt-in only right after a double-opt-in prompt
};

InboundIntent classify_inbound(std::string_view body);

std::string_view kind_name(InboundIntent::Kind k);

}  // namespace tocsin::sms
