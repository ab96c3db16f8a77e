#include "privacy/evidence_packet.h"

#include <map>

#include "consent/ledger_entry.h"
#include "consent/verify.h"
#include "core/html_escape.h"
#include "core/json_out.h"
#include "privacy/contact_proof.h"
#include "privacy/zip_writer.h"

namespace tocsin::privacy {
namespace {

std::string display(const ContactRef& c) {
  return c.channel == Channel::kSms ? phone_for_display(c.address) : c.address;
}

// Reads disclosure texts once per packet: a form's text is shared by thousands of entries.
class Disclosures {
 public:
  explicit Disclosures(store::OrgScope& scope) : scope_(scope) {}
  const std::string* text(const std::string& hash) {
    if (hash.empty()) return nullptr;
    auto it = cache_.find(hash);
    if (it == cache_.end()) {
      auto t = scope_.disclosure_text(hash);
      it = cache_.emplace(hash, t ? std::move(t).value() : std::string()).first;
    }
    return &it->second;
  }

 private:
  store::OrgScope& scope_;
  std::map<std::string, std::string> cache_;
};

}  // namespace

Result<Packet> build_evidence_packet(const Org& org, store::OrgScope& scope, const ContactHasher& hasher,
                                     const SigningKey& key, const PacketRequest& request) {
  Disclosures disclosures(scope);
  JsonOut ev, chain;
  std::string summary;
  std::string made = format_iso8601(request.made);
  ev.begin().kv("org_id", org.id).kv("org_name", org.name).kv("request_id", request.request_id);
  ev.kv("scope", request.scope).kv("made", made);
  chain.begin().kv("org_id", org.id).kv("algorithm", "SHA-256 over each field as \"<byte length>:<field>;\"");
  summary = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Consent evidence — " +
            escape_html(org.name) +
            "</title><style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px "
            "solid #999;padding:2px 6px;font-size:90%}</style></head><body><h1>Consent evidence</h1><p>"
            "Organization: " +
            escape_html(org.name) + " (" + escape_html(org.id) +
            ")<br>Request: " + escape_html(request.request_id) + "<br>Scope: " + escape_html(request.scope) +
            "<br>Made: " + escape_html(made) +
            "</p><p>Every entry below is an append-only, hash-chained ledger entry; chain.json lets anyone "
            "recompute its hash. manifest.json and signature.json prove this packet is unaltered.</p>";
  bool all_verified = true;
  ev.begin_array("contacts");
  chain.begin_array("entries");
  for (const auto& c : request.contacts) {
    auto h = hasher.hash(c.channel, c.address);
    auto entries = scope.ledger_for_contact(h);
    if (!entries) return entries.error();
    consent::Status current = entries->empty() ? consent::Status::kNone : entries->back().entry.new_status;
    ev.begin().kv("channel", channel_name(c.channel)).kv("address", display(c)).kv("contact_hash", to_hex(h));
    ev.kv("status", consent::status_name(current)).kv("entry_count", static_cast<int64_t>(entries->size()));
    ev.begin_array("entries");
    summary += "<h2>" + escape_html(display(c)) + " (" + channel_name(c.channel) +
               ")</h2><p>Current status: " + escape_html(consent::status_name(current)) + "</p>";
    if (entries->empty()) {
      summary += "<p><strong>No consent record for this contact point in this organization.</strong></p>";
    } else {
      summary +=
          "<table><tr><th>#</th><th>time (UTC)</th><th>change</th><th>source</th><th>method</th><th>IP</th>"
          "<th>user agent</th><th>disclosure shown</th><th>verified</th></tr>";
    }
    for (const auto& s : entries.value()) {
      const auto& e = s.entry;
      const std::string* text = disclosures.text(e.disclosure_hash);
      bool intact = write_ledger_entry(ev, s, text);
      all_verified &= intact;
      chain.begin().kv("seq", e.seq).kv("prev_hash", e.prev_hash).kv("hash", e.hash).kv("verified", intact);
      chain.begin_array("fields");
      for (const auto& f : consent::chained_fields(e, s.ip_digest, s.ua_digest, s.ref_digest)) chain.str(f);
      chain.end_array().end();
      summary +=
          "<tr><td>" + std::to_string(e.seq) + "</td><td>" + escape_html(format_iso8601(e.time)) +
          "</td><td>" +
          escape_html(e.old_status == consent::Status::kNone ? "none" : consent::status_name(e.old_status)) +
          " → " + escape_html(consent::status_name(e.new_status)) + "</td><td>" +
          escape_html(e.evidence.source) + "</td><td>" + escape_html(e.evidence.method) + "</td><td>" +
          escape_html(e.evidence.ip) + "</td><td>" + escape_html(e.evidence.user_agent) + "</td><td>" +
          (text ? escape_html(*text) : std::string("—")) + "</td><td>" +
          (intact ? "yes" : "<strong>NO</strong>") + "</td></tr>";
    }
    if (!entries->empty()) summary += "</table>";
    ev.end_array().end();
  }
  ev.end_array().kv("chain_verified", all_verified).end();
  chain.end_array().end();
  summary += "</body></html>\n";

  std::string evidence_json = ev.take(), chain_json = chain.take();
  JsonOut man;
  man.begin().kv("org_id", org.id).kv("request_id", request.request_id).kv("made", made);
  man.begin_array("files");
  for (const auto* f : {&evidence_json, &chain_json, &summary}) {
    const char* name = f == &evidence_json ? "evidence.json"
                       : f == &chain_json  ? "chain.json"
                                           : "summary.html";
    man.begin()
        .kv("name", name)
        .kv("sha256", consent::sha256_hex(*f))
        .kv("bytes", static_cast<int64_t>(f->size()));
    man.end();
  }
  std::string manifest = man.end_array().end().take();
  JsonOut sig;
  sig.begin()
      .kv("algorithm", "Ed25519")
      .kv("signed_file", "manifest.json")
      .kv("public_key", key.public_key_b64())
      .kv("signature", key.sign_b64(manifest))
      .end();

  ZipWriter zip;
  zip.add("evidence.json", std::move(evidence_json));
  zip.add("chain.json", std::move(chain_json));
  zip.add("summary.html", std::move(summary));
  zip.add("manifest.json", std::move(manifest));
  zip.add("signature.json", sig.take());
  auto bytes = zip.finish();
  if (!bytes) return bytes.error();
  Packet p;
  p.sha256 = consent::sha256_hex(bytes.value());
  p.zip = std::move(bytes).value();
  p.chain_verified = all_verified;
  return p;
}

}  // namespace tocsin::privacy
