// The server's periodic re-verification of every sending domain (docs/MAIL.md, docs/POLICY.md "DMARC
// re-checked by the server"): every [dns] domain_recheck_seconds (default 6 h; 0 = never), first one interval
// after start, each organization's domains are checked with the function `tocsin domain verify` uses
// (messaging/domain_auth_check.h) — a DKIM key removed un-verifies the domain, a DMARC record removed or made
// misaligned refuses its blasts (`dmarc_missing`, `dmarc_misaligned`), one published lets them go — so a
// change in DNS reaches the gate without anyone running the CLI. A domain whose verdict changed is written
// with Store::put_doc_outside (the refresh applies it within a second, as for the CLI) after a staff audit
// line `domain.recheck` (actor "server", the change in the target); an unchanged one is not written. The
// answer is applied to the document as stored when it came (an operator's disable, or a key rotated, while
// DNS answered is kept; an answer about a replaced key is dropped). DNS is asked on the timer's own thread,
// never on a send path.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "core/stop_signal.h"
#include "email/dkim_dns_check.h"
#include "people/directory.h"
#include "staff/audit.h"
#include "store/store.h"

namespace tocsin {

class DomainRecheck {
 public:
  DomainRecheck(store::Store& store, people::Directory& directory, std::string resolver,
                std::string envelope_domain, int64_t every_seconds);
  ~DomainRecheck();
  void start();  // no thread when every_seconds is 0
  void stop();
  // One pass over every organization's domains; the number whose verdict changed.
  int run_once();

 private:
  store::Store& store_;
  people::Directory& directory_;
  std::string resolver_, envelope_domain_;
  int64_t every_seconds_;
  staff::DocAuditLog audit_;
  StopSignal stop_;
  std::thread thread_;
};

}  // namespace tocsin
