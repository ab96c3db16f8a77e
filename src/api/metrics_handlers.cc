// GET /metrics: the operator's monitoring (Prometheus text format, written by prometheus-cpp's serializer).
// Off unless [metrics] token is set; then the scraper sends `Authorization: Bearer <token>`. Per
// organization (label org = its id, never its name): people, data-subject requests open and overdue,
// consent-evidence requests overdue, read here at each scrape; then everything the process records as it
// runs (core/metrics.h: HTTP, group commits, gate verdicts, deliveries, hand-overs, pacing, bounces,
// complaints, opt-outs). docs/OPERATIONS.md lists them. Nothing in it names a supporter.
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "api/handlers.h"
#include "core/metrics.h"
#include "core/secret_compare.h"
#include "privacy/privacy_metrics.h"

namespace tocsin::api::handlers {

void metrics(Call& c) {
  const std::string& token = c.ctx.settings.metrics_token;
  if (token.empty()) return c.error(404, "metrics are off: set [metrics] token in tocsin.toml");
  const std::string* auth = c.req.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!auth || !auth->starts_with(kBearer) ||
      !same_secret(token, std::string_view(*auth).substr(kBearer.size())))
    return c.reply(401, error_body("metrics need Authorization: Bearer <[metrics] token>"),
                   {{"WWW-Authenticate", "Bearer"}});
  if (c.req.method != "GET") return c.error(405, "method not allowed");

  prometheus::Registry registry;
  auto& people =
      prometheus::BuildGauge().Name("tocsin_people").Help("People of the organization").Register(registry);
  auto& open = prometheus::BuildGauge()
                   .Name("tocsin_privacy_requests_open")
                   .Help("Data-subject requests open or in progress")
                   .Register(registry);
  auto& overdue = prometheus::BuildGauge()
                      .Name("tocsin_privacy_requests_overdue")
                      .Help("Data-subject requests open past their due time (GDPR one month, CCPA 45 days)")
                      .Register(registry);
  auto& evidence = prometheus::BuildGauge()
                       .Name("tocsin_evidence_requests_overdue")
                       .Help("Consent-evidence requests unanswered past their deadline")
                       .Register(registry);
  Micros now = now_micros();
  for (people::OrgState* org : c.ctx.directory.all()) {
    prometheus::Labels labels{{"org", org->org.id}};
    {
      std::shared_lock lock(org->mu);
      people.Add(labels).Set(static_cast<double>(org->person_order.size()));
    }
    auto scope = c.ctx.store.scope(org->org.id);
    auto n = privacy::privacy_counts(scope, now);
    if (!n) return c.error(n.error());
    open.Add(labels).Set(static_cast<double>(n->requests_open));
    overdue.Add(labels).Set(static_cast<double>(n->requests_overdue));
    evidence.Add(labels).Set(static_cast<double>(n->evidence_overdue));
  }
  prometheus::BuildCounter()
      .Name("tocsin_group_commits_total")
      .Help("Durable commits of the group committer since the server started")
      .Register(registry)
      .Add({})
      .Increment(static_cast<double>(c.ctx.committer.commits()));
  auto families = registry.Collect();
  for (auto& f : metrics::process().collect()) families.push_back(std::move(f));
  c.reply(200, prometheus::TextSerializer().Serialize(families),
          {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}});
}

}  // namespace tocsin::api::handlers
