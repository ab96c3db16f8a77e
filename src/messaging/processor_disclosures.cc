#include "messaging/processor_disclosures.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace tocsin::messaging {

std::string url_without_credentials(std::string_view url) {
  // libcurl's URL parser (the one the drivers' requests go through) rather than string surgery: user
  // information, query and fragment are dropped whatever their spelling.
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> h(curl_url(), &curl_url_cleanup);
  std::string in(url);
  if (!h || curl_url_set(h.get(), CURLUPART_URL, in.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    return "(unparsable URL)";  // a URL we cannot read could hold anything: show none of it
  for (CURLUPart part :
       {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS, CURLUPART_QUERY, CURLUPART_FRAGMENT})
    curl_url_set(h.get(), part, nullptr, 0);
  char* out = nullptr;
  if (curl_url_get(h.get(), CURLUPART_URL, &out, 0) != CURLUE_OK || !out) return "(unparsable URL)";
  std::string s(out);
  curl_free(out);
  return s;
}

std::string smtp_relay_processor(std::string_view host, int port) {
  return "SMTP relay " + std::string(host) + ":" + std::to_string(port);
}

std::string outbox_folder_processor(std::string_view dir) {
  return "local outbox folder " + std::string(dir);
}

std::string kannel_processor(std::string_view sendsms_url) {
  return "Kannel gateway " + url_without_credentials(sendsms_url);
}

std::string twilio_processor(std::string_view base_url, std::string_view account_sid) {
  return "Twilio-compatible API " + url_without_credentials(base_url) + " account " +
         std::string(account_sid);
}

std::string sms_outbox_processor(std::string_view file) {
  return "local SMS outbox file " + std::string(file);
}

namespace {

// What a hand-over gives the processor, per channel.
std::string_view handed_data(Channel channel) {
  return channel == Channel::kEmail ? "email addresses and rendered content" : "phone numbers and texts";
}

}  // namespace

store::AccessEntry blast_handover_entry(const std::string& processor, const std::string& message_id,
                                        Channel channel, int64_t handed_over, Micros at) {
  store::AccessEntry e;
  e.at = at;
  e.actor = "dispatcher";
  e.action = std::string(kBlastHandoverAction);
  e.query = "blast message " + message_id + ": " + std::string(handed_data(channel)) + " of " +
            std::to_string(handed_over) + (handed_over == 1 ? " recipient" : " recipients");
  e.count = handed_over;
  e.recipient = processor;
  e.basis = std::string(kBlastBasis);
  e.message_id = message_id;
  return e;
}

store::AccessEntry one_off_entry(const std::string& processor, Channel channel, const OneOffBatch& batch,
                                 Micros at) {
  store::AccessEntry e;
  e.at = at;
  e.actor = "one-off sender";
  e.action = std::string(kOneOffHandoverAction);
  std::string kinds;
  for (const auto& [what, n] : batch.what)
    kinds += (kinds.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  e.query = std::string(channel_name(channel)) + " one-offs since " + format_iso8601(batch.first) + ": " +
            std::string(handed_data(channel)) + " (" + kinds + ")";
  e.count = batch.count;
  e.person_ids = batch.person_ids;
  e.recipient = processor;
  e.basis = std::string(kOneOffBasis);
  return e;
}

void ProcessorDisclosures::submit(const std::string& org_id, store::AccessEntry entry) {
  committer_.submit([org_id, entry = std::move(entry)](store::WriteBatch& batch) mutable {
    batch.for_org(org_id).add(store::op::AppendAccess{std::move(entry)});
    return std::function<void()>{};
  });
}

void ProcessorDisclosures::blast_handed_over(const std::string& org_id, const std::string& message_id,
                                             Channel channel, int64_t handed_over) {
  if (handed_over <= 0) return;  // nothing left the organization's hands
  submit(org_id, blast_handover_entry(processor(channel), message_id, channel, handed_over, now_micros()));
}

void ProcessorDisclosures::one_off(const std::string& org_id, Channel channel, const std::string& person_id,
                                   std::string_view what) {
  std::optional<OneOffBatch> full;
  {
    std::lock_guard lock(mu_);
    OneOffBatch& b = pending_[{org_id, channel}];
    if (b.count == 0) b.first = now_micros();
    ++b.count;
    ++b.what[std::string(what)];
    // A person who gets several one-offs in a period is listed once; the batches are small (a period's
    // worth), so a linear look is cheaper than a set beside the list.
    if (!person_id.empty() &&
        std::find(b.person_ids.begin(), b.person_ids.end(), person_id) == b.person_ids.end())
      b.person_ids.push_back(person_id);
    // Written before the list would outgrow what an entry lists, so every person stays findable by id.
    if (b.person_ids.size() >= store::kAccessPeopleListed) {
      full = std::move(b);
      pending_.erase({org_id, channel});
    }
  }
  if (full) submit(org_id, one_off_entry(processor(channel), channel, *full, now_micros()));
}

void ProcessorDisclosures::flush() {
  std::map<std::pair<std::string, Channel>, OneOffBatch> batches;
  {
    std::lock_guard lock(mu_);
    batches.swap(pending_);
  }
  Micros now = now_micros();
  for (const auto& [key, batch] : batches)
    submit(key.first, one_off_entry(processor(key.second), key.second, batch, now));
}

void ProcessorDisclosures::start(std::chrono::milliseconds period) {
  stop_.reset();
  thread_ = std::thread([this, period] {
    while (stop_.wait_for(period)) flush();
  });
}

void ProcessorDisclosures::stop() {
  stop_.stop();
  if (thread_.joinable()) thread_.join();
  flush();
}

}  // namespace tocsin::messaging
