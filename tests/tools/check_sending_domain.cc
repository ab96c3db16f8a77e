// check_sending_domain: runs the sending-domain DNS checks (email/dkim_dns_check) once, for the integration
// tests (no CLI or API hook exists for them yet).
//
// Usage: check_sending_domain --dns SERVER@PORT --domain D --selector S --public-key BASE64
//                             [--spf-include NAME]
// Prints {"dkim": "<outcome>", "dkim_sentence": "...", "spf": "<outcome>", "spf_sentence": "..."}.
#include <cstdio>
#include <map>
#include <string>

#include "email/dkim_dns_check.h"

using namespace tocsin::email;

namespace {
std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt;
  for (int i = 1; i + 1 < argc; i += 2) opt[argv[i]] = argv[i + 1];
  if (!opt.count("--domain") || !opt.count("--selector") || !opt.count("--public-key")) {
    std::fprintf(stderr,
                 "usage: %s [--dns SERVER@PORT] --domain D --selector S --public-key B64 [--spf-include N]\n",
                 argv[0]);
    return 2;
  }
  auto checker = DnsChecker::make(opt.count("--dns") ? opt["--dns"] : "");
  if (!checker) {
    std::fprintf(stderr, "%s\n", checker.error().message.c_str());
    return 2;
  }
  DnsCheck dkim = checker->check_dkim(opt["--domain"], opt["--selector"], opt["--public-key"]);
  std::string out = "{\"dkim\": \"" + std::string(dns_outcome_name(dkim.outcome)) +
                    "\", \"dkim_sentence\": " + json_string(dkim.sentence);
  if (opt.count("--spf-include")) {
    DnsCheck spf = checker->check_spf(opt["--domain"], opt["--spf-include"]);
    out += ", \"spf\": \"" + std::string(dns_outcome_name(spf.outcome)) +
           "\", \"spf_sentence\": " + json_string(spf.sentence);
  }
  std::printf("%s}\n", out.c_str());
  return 0;
}
