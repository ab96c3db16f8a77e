#include "app/domain_recheck.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <shared_mutex>
#include <vector>

#include "core/clock.h"
#include "messaging/domain_auth_check.h"
#include "messaging/settings.h"

namespace tocsin {

DomainRecheck::DomainRecheck(store::Store& store, people::Directory& directory, std::string resolver,
                             std::string envelope_domain, int64_t every_seconds)
    : store_(store),
      directory_(directory),
      resolver_(std::move(resolver)),
      envelope_domain_(std::move(envelope_domain)),
      every_seconds_(every_seconds),
      audit_(store) {}

DomainRecheck::~DomainRecheck() {
  stop();
}

void DomainRecheck::start() {
  if (every_seconds_ <= 0 || thread_.joinable()) return;
  spdlog::info("sending domains are re-verified every {} s", every_seconds_);
  thread_ = std::thread([this] {
    while (stop_.wait_for(std::chrono::seconds(every_seconds_))) run_once();
  });
}

void DomainRecheck::stop() {
  stop_.stop();
  if (thread_.joinable()) thread_.join();
}

int DomainRecheck::run_once() {
  auto dns = email::DnsChecker::make(resolver_);
  if (!dns) {
    spdlog::warn("domain re-check: no resolver: {}", dns.error().message);
    return 0;
  }
  int changed = 0;
  for (people::OrgState* org : directory_.all()) {
    // Copied under the shared lock; DNS is asked with the lock released.
    std::vector<messaging::SendingDomain> domains;
    {
      std::shared_lock lock(org->mu);
      for (const auto& [name, d] : org->messaging.domains()) domains.push_back(d);
    }
    for (const auto& asked : domains) {
      if (stop_.stopped()) return changed;
      auto report = messaging::ask_domain_auth(dns.value(), asked, envelope_domain_);
      const std::string& org_id = org->org.id;
      // The answer is applied to the document as the store holds it now, not to the copy asked about: an
      // operator's `domain disable` or a key rotated while DNS answered (or not yet refreshed into memory)
      // must not be written back over.
      auto stored = store_.org_doc(org_id, messaging::kDomainKind, asked.domain);
      if (!stored) {
        spdlog::warn("domain re-check of {}: not read: {}", asked.domain, stored.error().message);
        continue;
      }
      if (!stored.value()) continue;  // removed meanwhile
      auto d = messaging::decode_domain(stored.value()->doc);
      if (!d) {
        spdlog::warn("domain re-check of {}: not decoded: {}", asked.domain, d.error().message);
        continue;
      }
      // A key replaced meanwhile: this answer was about the old one; the next pass asks about the new.
      if (d->selector != asked.selector || d->public_key_b64 != asked.public_key_b64 ||
          d->dkim_domain != asked.dkim_domain)
        continue;
      Micros now = now_micros();
      std::string change = messaging::apply_domain_auth(report, d.value(), now);
      if (change.empty()) continue;
      if (auto a = audit_.record({org_id, "server", "domain.recheck",
                                  std::string(messaging::kDomainKind) + ":" + d->domain + " (" + change + ")",
                                  "", now});
          !a) {
        spdlog::warn("domain re-check of {}: not audited, not applied: {}", d->domain, a.error().message);
        continue;
      }
      store::OrgDoc doc{std::string(messaging::kDomainKind), d->domain, messaging::encode_domain(d.value())};
      if (auto w = store_.put_doc_outside(org_id, doc); !w) {
        spdlog::warn("domain re-check of {}: not stored: {}", d->domain, w.error().message);
        continue;
      }
      spdlog::warn("organization {}: sending domain {} re-checked: {}", org_id, d->domain, change);
      ++changed;
    }
  }
  return changed;
}

}  // namespace tocsin
