#include "api/api_service.h"

#include <spdlog/spdlog.h>

#include "actions/action_type.h"
#include "api/handlers.h"

namespace tocsin::api {

ApiService::ApiService(ApiContext& ctx, KeyRing& keys)
    : ctx_(ctx),
      keys_(keys),
      per_key_(ctx.settings.key_requests_per_second, ctx.settings.key_burst),
      per_ip_(ctx.settings.helper_posts_per_ip_per_second, ctx.settings.helper_burst) {}

std::string ApiService::client_ip(const Request& req) const {
  return http::client_ip(req, ctx_.settings.trusted_proxy_header);
}

namespace {

bool is_helper_post(const Call& c) {
  // The endpoints Action Network accepts without a key: the person signup helper and the record helpers
  // of actions.
  return (c.req.method == "POST" && c.seg.size() == 1 && c.seg[0] == "people") ||
         handlers::is_record_helper_post(c);
}

void route(Call& c) {
  if (c.seg.empty()) return handlers::entry_point(c);
  const auto& r = c.seg[0];
  if (r == "people") return handlers::people(c);
  if (r == "tags") return handlers::tags(c);
  if (r == "lists") return handlers::lists(c);
  if (r == "metadata") return handlers::metadata(c);
  if (r == "donations") return handlers::donations(c);
  if (r == "messages") return handlers::messages(c);
  if (r == "tocsin:evidence_requests") return handlers::evidence_requests(c);
  if (r == "tocsin:privacy_requests") return handlers::privacy_requests(c);
  if (r == "tocsin:access_log") return handlers::access_log(c);
  if (r == "tocsin:disclosure_log") return handlers::disclosure_log(c);
  if (r == "tocsin:sms_senders" || r == "tocsin:sending_domains") return handlers::senders(c);
  if (r == "tocsin:privacy_notice") return handlers::privacy_notice(c);
  if (r == "tocsin:special_categories") return handlers::special_categories(c);
  if (r == "tocsin:acceptable_use") return handlers::acceptable_use(c);
  if (r == "tocsin:messaging_settings") return handlers::program_settings(c);
  if (actions::type_by_collection(r)) return handlers::actions(c);
  c.error(404, "no such resource: " + r);
}

}  // namespace

void ApiService::handle(Request&& req, Respond respond) {
  Call c{ctx_, std::move(req), {}, {}, nullptr, "anonymous", false, false, std::move(respond)};
  c.req.remote_ip = client_ip(c.req);
  c.target = parse_target(c.req.target);

  if (c.req.method == "OPTIONS") {  // CORS preflight: browsers post to the helpers directly
    Response r;
    r.status = 204;
    r.headers = {{"Access-Control-Allow-Origin", "*"},
                 {"Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"},
                 {"Access-Control-Allow-Headers", "Content-Type, OSDI-API-Token"},
                 {"Access-Control-Max-Age", "86400"}};
    return c.respond(std::move(r));
  }

  std::string_view path = c.target.path;
  if (path == "/api/v2" || path.rfind("/api/v2/", 0) == 0) {
    path.remove_prefix(std::min<size_t>(path.size(), 8));
  } else {
    path.remove_prefix(std::min<size_t>(path.size(), 1));
    while (!path.empty()) {
      auto slash = path.find('/');
      c.seg.emplace_back(path.substr(0, slash));
      if (slash == std::string_view::npos) break;
      path.remove_prefix(slash + 1);
    }
    return handlers::outside(c);
  }
  while (!path.empty()) {
    auto slash = path.find('/');
    c.seg.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  auto truthy = [&](const char* k) {
    auto v = c.target.param(k);
    return v && (*v == "true" || *v == "1");
  };
  c.background = truthy("background_request") || truthy("background_processing");

  const std::string* token = c.req.header("osdi-api-token");
  std::optional<std::string> query_token = c.target.param("osdi-api-token");
  if (!token && query_token) token = &*query_token;
  Micros now = now_micros();
  if (token) {
    auto id = keys_.authenticate(*token);
    if (!id) return c.error(401, "API Key invalid or not present");
    c.org = ctx_.directory.find(id->org_id);
    if (!c.org) {
      (void)ctx_.directory.refresh(ctx_.store);  // an organization created by the CLI since we started
      c.org = ctx_.directory.find(id->org_id);
    }
    if (!c.org) return c.error(401, "API Key invalid or not present");
    c.authenticated = true;
    c.actor = "api_key:" + id->key_id;
    if (int wait = per_key_.acquire(id->key_id, now))
      return c.reply(429, error_body("rate limit exceeded; retry later"),
                     {{"Retry-After", std::to_string(wait)}});
  } else if (!c.seg.empty()) {
    if (!is_helper_post(c)) return c.error(401, "API Key invalid or not present");
    if (int wait = per_ip_.acquire(c.req.remote_ip, now))
      return c.reply(429, error_body("too many submissions from this address; retry later"),
                     {{"Retry-After", std::to_string(wait)}});
  }
  route(c);
}

}  // namespace tocsin::api
