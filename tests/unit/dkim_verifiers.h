// The two independent DKIM verifiers the unit tests hand tocsin's signatures to: dkimpy (python3-dkim, run
// by /usr/bin/python3 on the raw bytes) and libopendkim, each answering its key lookup with the TXT record
// tocsin says to publish.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

// dkim.h is C and spells the boolean type the C way.
#define _Bool bool
#include <opendkim/dkim.h>
#undef _Bool

namespace tocsin::email {

// Runs dkimpy once over every message (each written to its own .eml file and read back as raw bytes),
// answering its DNS query for <selector>._domainkey.<domain> with `txt`. Returns one line per message:
// "pass" or "fail".
inline std::vector<std::string> independent_verify_all(const std::vector<std::string>& messages,
                                                       const std::string& selector, const std::string& domain,
                                                       const std::string& txt) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("tocsin-dkim-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string files;
  for (size_t i = 0; i < messages.size(); ++i) {
    fs::path f = dir / ("msg" + std::to_string(i) + ".eml");
    std::ofstream(f, std::ios::binary) << messages[i];
    files += " " + f.string();
  }
  std::ofstream(dir / "key.txt", std::ios::binary) << txt;
  std::ofstream(dir / "verify.py") << R"(import sys, dkim
txt = open(sys.argv[1], 'rb').read()
want = (sys.argv[2] + '._domainkey.' + sys.argv[3] + '.').encode()
def dns(name, timeout=5):
    return txt if name == want else None
for path in sys.argv[4:]:
    msg = open(path, 'rb').read()
    try:
        ok = dkim.DKIM(msg).verify(dnsfunc=dns)
    except dkim.DKIMException:  # e.g. body hash mismatch is raised, not returned
        ok = False
    print('pass' if ok else 'fail')
)";
  std::string cmd = "/usr/bin/python3 " + (dir / "verify.py").string() + " " + (dir / "key.txt").string() +
                    " " + selector + " " + domain + files + " 2>&1";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[512];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
  }
  fs::remove_all(dir);
  std::vector<std::string> lines;
  for (size_t pos = 0; pos < out.size();) {
    size_t eol = out.find('\n', pos);
    if (eol == std::string::npos) eol = out.size();
    lines.push_back(out.substr(pos, eol - pos));
    pos = eol + 1;
  }
  return lines;
}

inline std::string independent_verify(const std::string& message, const std::string& selector,
                                      const std::string& domain, const std::string& txt) {
  auto lines = independent_verify_all({message}, selector, domain, txt);
  std::string all;
  for (const auto& l : lines) all += (all.empty() ? "" : "\n") + l;
  return all;
}

// The second verifier: libopendkim, its key lookup answering with `txt`. Returns "pass" or "fail".
inline thread_local const std::string* lookup_answer = nullptr;
inline std::string opendkim_verify(const std::string& message, const std::string& txt) {
  DKIM_LIB* lib = dkim_init(nullptr, nullptr);
  lookup_answer = &txt;
  dkim_set_key_lookup(lib, [](DKIM*, DKIM_SIGINFO*, u_char* buf, size_t len) -> DKIM_CBSTAT {
    if (lookup_answer->size() + 1 > len) return DKIM_CBSTAT_ERROR;
    std::memcpy(buf, lookup_answer->c_str(), lookup_answer->size() + 1);
    return DKIM_CBSTAT_CONTINUE;
  });
  DKIM_STAT st = DKIM_STAT_OK;
  DKIM* d = dkim_verify(lib, reinterpret_cast<const u_char*>("test"), nullptr, &st);
  std::string copy = message;
  if (d) st = dkim_chunk(d, reinterpret_cast<u_char*>(copy.data()), copy.size());
  if (d && st == DKIM_STAT_OK) st = dkim_chunk(d, nullptr, 0);
  if (d && st == DKIM_STAT_OK) st = dkim_eom(d, nullptr);
  if (d) dkim_free(d);
  dkim_close(lib);
  return st == DKIM_STAT_OK ? "pass" : "fail";
}

}  // namespace tocsin::email
