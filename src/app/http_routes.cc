#include "app/http_routes.h"

#include <string>
#include <vector>

#include "actions/action_type.h"
#include "core/metrics.h"

namespace tocsin::app {
namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    auto slash = path.find('/');
    if (slash != 0) out.push_back(path.substr(0, slash));  // empty segments (//, a trailing /) dropped
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

struct Pattern {
  std::string text;
  std::vector<std::string> seg;
  int literals = 0;  // the most literal match wins: /messages/{id}/send over /messages/{id}/{x}
};

std::vector<Pattern> build_patterns() {
  std::vector<std::string> p = {
      // The API (api/api_service.cc and its handlers).
      "/api/v2",
      "/api/v2/people",
      "/api/v2/people/{id}",
      "/api/v2/people/{id}/taggings",
      "/api/v2/people/{id}/consent",
      "/api/v2/tags",
      "/api/v2/tags/{id}",
      "/api/v2/tags/{id}/taggings",
      "/api/v2/tags/{id}/taggings/{id}",
      "/api/v2/lists",
      "/api/v2/lists/{id}",
      "/api/v2/lists/{id}/items",
      "/api/v2/lists/{id}/items/{id}",
      "/api/v2/metadata",
      "/api/v2/metadata/custom_fields",
      "/api/v2/donations",
      "/api/v2/donations/{id}",
      "/api/v2/messages",
      "/api/v2/messages/{id}",
      "/api/v2/messages/{id}/send",
      "/api/v2/messages/{id}/schedule",
      "/api/v2/messages/{id}/tocsin:preflight",
      "/api/v2/messages/{id}/preflight",
      "/api/v2/tocsin:evidence_requests",
      "/api/v2/tocsin:evidence_requests/{id}",
      "/api/v2/tocsin:evidence_requests/{id}/tocsin:answer",
      "/api/v2/tocsin:privacy_requests",
      "/api/v2/tocsin:privacy_requests/{id}",
      "/api/v2/tocsin:privacy_requests/{id}/tocsin:fulfil",
      "/api/v2/tocsin:access_log",
      "/api/v2/tocsin:access_log/tocsin:verify",
      "/api/v2/tocsin:disclosure_log",
      "/api/v2/tocsin:sms_senders",
      "/api/v2/tocsin:sms_senders/{id}",
      "/api/v2/tocsin:sending_domains",
      "/api/v2/tocsin:sending_domains/{id}",
      "/api/v2/tocsin:privacy_notice",
      "/api/v2/tocsin:special_categories",
      "/api/v2/tocsin:acceptable_use",
      // Outside /api/v2 (api/outside_handlers.cc).
      "/unsubscribe/{token}",
      "/resubscribe/{token}",
      "/mail/inbound",
      "/sms/kannel/mo",
      "/sms/kannel/dlr",
      "/sms/twilio/inbound",
      "/sms/twilio/status",
      "/t/c/{token}",
      "/t/o/{token}",
      "/metrics",
      "/abuse",
      // Hosted pages (web/web_service.cc).
      "/static/{file}",
      "/embed/{id}.js",
      "/embed/{id}/frame",
      "/embed/{id}/frame/thanks",
      "/cookies",
      "/a/{id}",
      "/my/{token}",
      "/o/{org}/cookies",
      "/o/{org}/privacy",
      "/o/{org}/{kind}/{page}",
      "/o/{org}/{kind}/{page}/thanks",
      "/payments/webhook",
      // The console (web/admin/).
      "/admin",
      "/admin/login",
      "/admin/logout",
      "/admin/people",
      "/admin/people/export",
      "/admin/people/{id}",
      "/admin/people/{id}/verify",
      "/admin/people/{id}/unsubscribe",
      "/admin/people/{id}/names",
      "/admin/people/{id}/tag",
      "/admin/inbox",
      "/admin/actions",
      "/admin/actions/new",
      "/admin/actions/{id}",
      "/admin/actions/{id}/edit",
      "/admin/actions/{id}/export",
      "/admin/messages",
      "/admin/messages/new",
      "/admin/messages/{id}",
      "/admin/messages/{id}/{verb}",
      "/admin/settings",
      "/admin/settings/{section}",
      "/admin/settings/keys/{id}/revoke",
      "/admin/platform",
      "/admin/platform/suppressions",
      "/admin/platform/orgs/{id}/suspend",
      "/admin/platform/orgs/{id}/unsuspend",
      "/admin/team",
      "/admin/team/invite",
      "/admin/team/invitations/{id}/revoke",
      "/admin/invite/{token}",
  };
  // Every action kind's collection, its records and its children's (actions/action_type.h).
  for (const auto& t : actions::action_types()) {
    std::string c = "/api/v2/" + std::string(t.collection);
    p.push_back(c);
    p.push_back(c + "/{id}");
    if (!t.record_collection.empty()) {
      std::string r(t.record_collection);
      p.push_back(c + "/{id}/" + r);
      p.push_back(c + "/{id}/" + r + "/{id}");
      p.push_back("/api/v2/people/{id}/" + r);
      p.push_back("/api/v2/people/{id}/" + r + "/{id}");
    }
    if (!t.child_collection.empty()) {
      std::string k = c + "/{id}/" + std::string(t.child_collection);
      p.push_back(k);
      p.push_back(k + "/{id}");
      if (const auto* child = actions::type_by_collection(t.child_collection);
          child && !child->record_collection.empty()) {
        p.push_back(k + "/{id}/" + std::string(child->record_collection));
        p.push_back(k + "/{id}/" + std::string(child->record_collection) + "/{id}");
      }
    }
  }
  std::vector<Pattern> out;
  for (auto& text : p) {
    Pattern pat{text, {}, 0};
    for (auto s : split(text)) {
      pat.seg.emplace_back(s);
      pat.literals += s.front() != '{';
    }
    out.push_back(std::move(pat));
  }
  return out;
}

// A pattern segment "{x}" matches any segment; "{x}.js" any that ends in ".js" (and is longer).
bool segment_matches(const std::string& pattern, std::string_view s) {
  if (pattern.front() != '{') return pattern == s;
  std::string_view suffix = std::string_view(pattern).substr(pattern.find('}') + 1);
  return s.size() > suffix.size() && s.ends_with(suffix);
}

std::string_view method_label(std::string_view m) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
    if (m == known) return known;
  return "other";
}

}  // namespace

std::string_view route_pattern(std::string_view target) {
  static const std::vector<Pattern> patterns = build_patterns();
  auto seg = split(target.substr(0, target.find('?')));
  const Pattern* best = nullptr;
  for (const auto& p : patterns) {
    if (p.seg.size() != seg.size() || (best && best->literals >= p.literals)) continue;
    bool match = true;
    for (size_t i = 0; match && i < seg.size(); ++i) match = segment_matches(p.seg[i], seg[i]);
    if (match) best = &p;
  }
  if (best) return best->text;
  return seg.empty() ? std::string_view("/") : std::string_view("other");
}

api::Handler observe_http(api::Handler handler) {
  return [handler = std::move(handler)](api::Request&& req, api::Respond respond) {
    int64_t started = metrics::steady_now_ns();
    std::string_view method = method_label(req.method);
    std::string_view route = route_pattern(req.target);
    handler(std::move(req), [respond = std::move(respond), started, method, route](api::Response r) {
      auto& m = metrics::process();
      m.http_requests.at({method, route, std::to_string(r.status)}).inc();
      m.http_seconds.at({method, route}).observe(metrics::seconds_since(started));
      respond(std::move(r));
    });
  };
}

}  // namespace tocsin::app
