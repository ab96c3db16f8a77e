#include "privacy/evidence_clock.h"

#include <spdlog/spdlog.h>

namespace tocsin::privacy {

std::string overdue_reason(const std::vector<EvidenceRequest>& requests, Micros now) {
  std::string out;
  for (const auto& r : requests) {
    if (!overdue(r, now)) continue;
    if (!out.empty()) out += "; ";
    out +=
        "consent evidence request " + r.id + " unanswered since its deadline " + format_iso8601(r.deadline);
  }
  return out;
}

EvidenceClock::EvidenceClock(store::Store& store, people::Directory& directory,
                             store::GroupCommitter& committer)
    : store_(store), directory_(directory), committer_(committer) {}

EvidenceClock::~EvidenceClock() {
  stop();
}

void EvidenceClock::start(std::chrono::milliseconds period) {
  stop_.reset();
  tick(now_micros());
  thread_ = std::thread([this, period] {
    while (stop_.wait_for(period)) tick(now_micros());
  });
}

void EvidenceClock::stop() {
  stop_.stop();
  if (thread_.joinable()) thread_.join();
}

Result<std::vector<EvidenceRequest>> EvidenceClock::requests_of(const std::string& org_id) {
  auto docs = store_.scope(org_id).docs_of_kind(kEvidenceRequestKind);
  if (!docs) return docs.error();
  std::vector<EvidenceRequest> out;
  std::lock_guard lock(mu_);
  for (const auto& d : docs.value()) {
    auto r = decode_evidence_request(d.doc);
    if (!r) {
      spdlog::warn("organization {}: evidence request {} does not decode: {}", org_id, d.id,
                   r.error().message);
      continue;
    }
    if (answered_.count({org_id, r->id}) && r->answered == 0) r->answered = 1;  // answered, commit pending
    out.push_back(std::move(r).value());
  }
  return out;
}

void EvidenceClock::tick(Micros now) {
  for (auto* org : directory_.all()) reconcile(*org, now);
}

void EvidenceClock::reconcile(people::OrgState& org, Micros now) {
  auto requests = requests_of(org.org.id);
  if (!requests) {
    spdlog::warn("organization {}: cannot read evidence requests: {}", org.org.id, requests.error().message);
    return;
  }
  std::string reason = overdue_reason(requests.value(), now);
  bool newly_overdue = false;
  for (const auto& r : requests.value()) newly_overdue |= overdue(r, now) && r.suspended_at == 0;
  {
    std::shared_lock lock(org.mu);
    if (org.messaging.settings().evidence_overdue == reason && !newly_overdue) return;
  }
  committer_.run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(org.org.id);
    std::unique_lock lock(org.mu);
    std::lock_guard answered_lock(mu_);
    std::string why;
    for (auto& r : requests.value()) {
      if (answered_.count({org.org.id, r.id})) continue;  // answered meanwhile: its document is the answer's
      if (!overdue(r, now)) continue;
      if (!why.empty()) why += "; ";
      why +=
          "consent evidence request " + r.id + " unanswered since its deadline " + format_iso8601(r.deadline);
      if (r.suspended_at == 0) {
        r.suspended_at = now;
        r.audit.push_back({now, "tocsin:evidence_clock", "deadline passed unanswered: messaging suspended"});
        w.add(store::op::PutDoc{{std::string(kEvidenceRequestKind), r.id, encode_evidence_request(r)}});
      }
    }
    messaging::Settings s = org.messaging.settings();
    if (s.evidence_overdue != why) {
      if (why.empty())
        spdlog::info("organization {}: evidence_overdue suspension lifted", org.org.id);
      else
        spdlog::warn("organization {}: messaging suspended: {}", org.org.id, why);
      s.evidence_overdue = why;
      org.messaging.put_settings(w, std::move(s));
    }
    return std::function<void()>{};
  });
}

Result<bool> EvidenceClock::answer(people::OrgState& org, EvidenceRequest answered, Micros now) {
  {
    std::lock_guard lock(mu_);
    answered_.insert({org.org.id, answered.id});
  }
  auto requests = requests_of(org.org.id);
  if (!requests) return requests.error();
  for (auto& r : requests.value())
    if (r.id == answered.id) r = answered;
  std::string reason = overdue_reason(requests.value(), now);
  bool lifted = false;
  committer_.run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(org.org.id);
    std::unique_lock lock(org.mu);
    messaging::Settings s = org.messaging.settings();
    if (s.evidence_overdue != reason) {
      lifted = reason.empty();
      if (lifted)
        answered.audit.push_back({now, "tocsin:evidence_clock", "evidence_overdue suspension lifted"});
      s.evidence_overdue = reason;
      org.messaging.put_settings(w, std::move(s));
    }
    w.add(store::op::PutDoc{
        {std::string(kEvidenceRequestKind), answered.id, encode_evidence_request(answered)}});
    return std::function<void()>{};
  });
  if (lifted) spdlog::info("organization {}: evidence_overdue suspension lifted by an answer", org.org.id);
  return lifted;
}

}  // namespace tocsin::privacy
