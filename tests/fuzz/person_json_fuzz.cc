// Fuzz target: a person in Action Network's JSON, as POST /people, PUT /people/{id} and the record helpers
// read it (api/person_json.h), then applied to an empty organization (people/upsert.h) and stored and
// loaded back (core/person_codec.h). Whatever the body, parsing must answer a value or a 400, never crash;
// what parsing accepts, signup must take or refuse, and the stored document must load again.
#include <simdjson.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/person_json.h"
#include "core/person_codec.h"
#include "people/upsert.h"

namespace {

using namespace tocsin;

const ContactHasher& hasher() {
  static const ContactHasher h(std::array<unsigned char, 32>{1, 2, 3});
  return h;
}

// Both authorities: a keyless post (anyone on the internet) and a keyed one attesting its opt-ins.
void sign_up(const people::PersonInput& in, const std::vector<std::string>& tags,
             const people::WriteAuthority& who) {
  people::OrgState org(Org{"org-1", "Fuzz", "US"}, hasher());
  store::WriteBatch batch;
  auto w = batch.for_org(org.org.id);
  consent::Evidence ev;
  ev.method = "fuzz";
  auto r = people::signup(org, in, tags, ev, who, w, int64_t{1'800'000'000} * 1'000'000);
  if (!r) return;
  // The storage round trip: a person the API accepted must load again (one undecodable document stops
  // the organization from loading).
  auto back = decode_person(encode_person(*r->person));
  if (!back) {
    std::fprintf(stderr, "accepted person does not decode: %s\n", back.error().message.c_str());
    std::abort();
  }
}

void parse(simdjson::dom::element person, simdjson::dom::element body, api::StatusRule rule) {
  auto in = api::parse_person(person, "US", rule);
  if (!in) return;
  auto tags = api::parse_string_list(body, "add_tags");
  if (!tags) return;
  sign_up(*in, *tags, people::WriteAuthority{});
  sign_up(*in, *tags,
          people::WriteAuthority{people::Writer::kApiKey, people::Attestation{"fuzz form", "checkbox", ""},
                                 "", ""});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static simdjson::dom::parser parser;
  simdjson::dom::element body;
  if (parser.parse(reinterpret_cast<const char*>(data), size).get(body)) return 0;
  // The signup and record helpers read {"person": {...}}; PUT reads the body itself.
  if (simdjson::dom::element person; !body["person"].get(person)) {
    parse(person, body, api::StatusRule::kSubscribeOrUnsubscribe);
    parse(person, body, api::StatusRule::kSubscribeOnly);
  }
  parse(body, body, api::StatusRule::kSubscribeOrUnsubscribe);
  return 0;
}
