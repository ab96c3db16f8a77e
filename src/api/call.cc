#include "api/call.h"

#include "messaging/org_write.h"
#include "privacy/access_log.h"
#include "privacy/disclosure_log.h"

namespace tocsin::api {

namespace {

void add_api_headers(Response& r) {
  // A handler's own Cache-Control (e.g. no-store on tracking pixels) wins over the API default.
  bool cache_set = false;
  for (const auto& h : r.headers) cache_set = cache_set || h.first == "Cache-Control";
  if (!cache_set) r.headers.emplace_back("Cache-Control", "max-age=0, private, must-revalidate");
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
}

}  // namespace

void Call::reply(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  add_api_headers(r);
  respond(std::move(r));
}

void Call::reply_rendered(int status, std::function<std::string()> render) {
  Response r;
  r.status = status;
  r.render = std::move(render);
  add_api_headers(r);
  respond(std::move(r));
}

consent::Evidence Call::evidence(std::string method) const {
  consent::Evidence ev;
  ev.actor = actor;
  ev.source = ctx.api_base + "/";
  for (size_t i = 0; i < seg.size(); ++i) ev.source += (i ? "/" : "") + seg[i];
  ev.method = std::move(method);
  ev.ip = req.remote_ip;
  if (const auto* ua = req.header("user-agent")) ev.user_agent = ua->substr(0, 512);
  return ev;
}

bool Call::parse_body(simdjson::dom::parser& parser, simdjson::dom::element& out) {
  bool form_encoded = false;
  if (const auto* ct = req.header("content-type")) {
    if (ct->find("multipart/form-data") != std::string::npos) {
      error(415, "request body must be JSON (Content-Type: application/json)");
      return false;
    }
    // Lenient as OSDI asks: curl -d labels JSON as a form; only a body that is not JSON is refused.
    form_encoded = ct->find("application/x-www-form-urlencoded") != std::string::npos;
  }
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    error(400, "request body must be a JSON object");
    return false;
  }
  if (parser.parse(req.body).get(out)) {
    if (form_encoded)
      error(415, "request body must be JSON (Content-Type: application/json)");
    else
      error(400, "request body is not valid JSON");
    return false;
  }
  if (!out.is_object()) {
    error(400, "request body must be a JSON object");
    return false;
  }
  return true;
}

void reply_read(Call& c, std::string action, std::vector<std::string> person_ids, std::string body,
                int64_t count, std::vector<std::pair<std::string, std::string>> headers,
                std::string_view disclosure_basis) {
  privacy::AccessLog* log = c.ctx.access_log;
  if (!log) return c.reply(200, std::move(body), std::move(headers));
  privacy::AccessRead r{
      c.org->org.id,         c.actor, c.req.remote_ip, std::move(action), privacy::access_query(c.target),
      std::move(person_ids), count};
  if (!disclosure_basis.empty()) r = privacy::disclosed_to_reader(std::move(r), disclosure_basis);
  auto call = std::make_shared<Call>(std::move(c));
  log->record(std::move(r), [call, body = std::move(body), headers = std::move(headers)]() mutable {
    call->reply(200, std::move(body), std::move(headers));
  });
}

void commit_write(Call& c, WriteFn apply, bool blind, std::function<void()> durable,
                  std::shared_ptr<std::vector<ContactHash>> opted_out) {
  people::OrgState* org = c.org;
  auto call = std::make_shared<Call>(std::move(c));
  messaging::commit_org_write(
      call->ctx.committer, *org, std::move(apply),
      [call, blind, durable = std::move(durable)](Result<std::string> body) {
        if (!body) return blind ? call->empty_ok() : call->error(body.error());
        if (durable) durable();
        if (blind || call->background) return call->empty_ok();
        call->reply(call->ok_status, std::move(body).value());
      },
      call->ctx.opt_out_fence, std::move(opted_out));
}

void commit_write_rendered(Call& c, RenderedWriteFn apply, bool blind, std::function<void()> durable,
                           std::shared_ptr<std::vector<ContactHash>> opted_out) {
  people::OrgState* org = c.org;
  auto call = std::make_shared<Call>(std::move(c));
  // Filled by `apply` on the committer thread, read by the completion on the same thread.
  auto render = std::make_shared<Render>();
  messaging::commit_org_write(
      call->ctx.committer, *org,
      [apply = std::move(apply), render](people::OrgState& o, store::WriteBatch::OrgWrites& w,
                                         Micros now) -> Result<std::string> {
        auto r = apply(o, w, now);
        if (!r) return r.error();
        *render = std::move(r).value();
        return std::string();
      },
      [call, blind, durable = std::move(durable), render](Result<std::string> body) {
        if (!body) return blind ? call->empty_ok() : call->error(body.error());
        if (durable) durable();
        if (blind || call->background) return call->empty_ok();
        call->reply_rendered(call->ok_status, std::move(*render));
      },
      call->ctx.opt_out_fence, std::move(opted_out));
}

}  // namespace tocsin::api
