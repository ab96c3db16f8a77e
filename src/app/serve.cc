#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "api/api_service.h"
#include "api/http_server.h"
#include "api/keyring.h"
#include "app/api_settings_of.h"
#include "app/domain_recheck.h"
#include "app/http_routes.h"
#include "core/stop_signal.h"
#include "email/delivery_token.h"
#include "email/outbox_folder.h"
#include "email/smtp_relay.h"
#include "email/unsubscribe_token.h"
#include "messaging/autoresponder.h"
#include "messaging/dispatcher.h"
#include "messaging/gate_wiring.h"
#include "messaging/letter_delivery.h"
#include "messaging/opt_out_fence.h"
#include "messaging/processor_disclosures.h"
#include "messaging/resubscribe_confirmation.h"
#include "messaging/sms_replies.h"
#include "messaging/staff_invitation_mail.h"
#include "messaging/timed_transport.h"
#include "payments/stripe_checkout.h"
#include "people/directory.h"
#include "privacy/access_log.h"
#include "privacy/evidence_clock.h"
#include "privacy/retention.h"
#include "privacy/signing_key.h"
#include "sms/kannel_driver.h"
#include "sms/outbox_lines.h"
#include "sms/twilio_driver.h"
#include "staff/staff_service.h"
#include "store/group_commit.h"
#include "store/sealing/key_ring.h"
#include "web/admin/console.h"
#include "web/donation_checkout.h"
#include "web/web_service.h"

// gperftools' C interface, present when the server is linked with tcmalloc (CMakeLists.txt; not under the
// sanitizers): weak, so a build without it leaves the pointer null.
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

namespace tocsin {
namespace {

// Applies documents the administrator's CLI changed (suspensions, senders, settings) to the serving state,
// on the committer thread like every other change of an organization.
void apply_outside_changes(store::Store& store, people::Directory& directory,
                           store::GroupCommitter& committer, messaging::Dispatcher& dispatcher,
                           int64_t& seq) {
  auto changes = store.doc_changes_since(seq);
  if (!changes) {
    spdlog::warn("reading outside changes failed: {}", changes.error().message);
    return;
  }
  if (changes->empty()) return;
  seq = changes->back().seq;
  committer.run_sync([&](store::WriteBatch&) {
    for (const auto& c : changes.value()) {
      auto* org = directory.find(c.org_id);
      if (!org) continue;
      std::unique_lock lock(org->mu);
      if (auto s = org->messaging.apply_outside_change(c.doc); !s)
        spdlog::warn("cannot apply {} {} of {}: {}", c.doc.kind, c.doc.id, c.org_id, s.error().message);
      else
        spdlog::info("applied {} {} of organization {}", c.doc.kind, c.doc.id, c.org_id);
    }
    return std::function<void()>{};
  });
  // A message set `sending` from outside (`tocsin deliveries unknown --resend`) is resumed; one set `stopped`
  // (`tocsin abuse close --stop-message`) is halted with the operator's reason.
  for (const auto& c : changes.value()) {
    if (c.doc.kind != messaging::kMessageKind) continue;
    auto m = messaging::decode_message(c.doc.doc);
    if (m && m->status == messaging::MessageStatus::kStopped)
      dispatcher.halt(c.org_id, c.doc.id, m->status_reason);
    if (!m || m->status != messaging::MessageStatus::kSending) continue;
    if (auto s = dispatcher.resume_message(c.org_id, c.doc.id); !s)
      spdlog::warn("cannot resume message {}: {}", c.doc.id, s.error().message);
  }
}

}  // namespace

int serve(Installation& inst, Config config) {
  auto lock = DataDirLock::acquire(inst, "serving");
  if (!lock) {
    spdlog::error("{}", lock.error().message);
    return 1;
  }
  auto colon = config.listen.rfind(':');
  if (colon == std::string::npos) {
    spdlog::error("--listen must be HOST:PORT");
    return 2;
  }
  api::ServerOptions opts;
  opts.host = config.listen.substr(0, colon);
  opts.port = static_cast<unsigned short>(std::stoi(config.listen.substr(colon + 1)));
  opts.max_body_bytes = config.max_body_bytes;
  opts.io_threads = config.io_threads;
  if (config.public_url.empty()) config.public_url = "http://" + config.listen;
  while (!config.public_url.empty() && config.public_url.back() == '/') config.public_url.pop_back();

  auto started = std::chrono::steady_clock::now();
  people::Directory directory(inst.hasher());
  if (auto s = directory.refresh(*inst.store); !s) {
    spdlog::error("cannot load organizations: {}", s.error().message);
    return 1;
  }
  api::KeyRing keys;
  if (auto s = keys.refresh(*inst.store); !s) {
    spdlog::error("cannot load API keys: {}", s.error().message);
    return 1;
  }
  spdlog::info("state loaded in {} ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::steady_clock::now() - started)
                                            .count());
  // Loading decodes every stored document once; tcmalloc keeps the pages those temporaries used (a third more
  // resident memory for a million people) unless told to give them back.
  if (MallocExtension_ReleaseFreeMemory) MallocExtension_ReleaseFreeMemory();

  messaging::GateWiring gate(directory);
  // Content screening (docs/POLICY.md): the gate's content rules, with the installation's link blocklist.
  std::optional<policy::content::SpamdAddress> spamd;
  if (!config.screening_spamd.empty()) {
    auto at = policy::content::parse_spamd_address(config.screening_spamd);
    if (!at) {
      spdlog::error("{}", at.error().message);
      return 1;
    }
    spamd = std::move(at).value();
  }
  gate.gate().screen_with(std::make_shared<policy::content::Screener>(
      std::make_shared<policy::content::BlocklistFile>(policy::content::BlocklistFile::path_in(inst.dir)),
      spamd));
  gate.gate().require_acceptable_use({config.acceptable_use_version, config.acceptable_use_url});
  gate.gate().review_new_orgs(config.trust);
  gate.gate().use_spam_traps(std::make_shared<policy::SpamTrapFile>(policy::SpamTrapFile::path_in(inst.dir)));
  gate.gate().cap_letters_per_target(config.letters_per_target_per_day);
  gate.gate().apply_provider_profile(
      policy::provider_profile(config.sms.profile).value());  // checked in load_config
  if (!config.acceptable_use_version.empty())
    spdlog::info("blasts need the acceptable-use policy version {} accepted", config.acceptable_use_version);
  gate.opt_outs().configure({config.sms.opt_out_pause_percent, config.sms.opt_out_pause_min_texts,
                             config.sms.opt_out_pause_window_hours * 3600 * 1'000'000});
  if (auto s = gate.load(*inst.store); !s) {
    spdlog::error("cannot load messaging state: {}", s.error().message);
    return 1;
  }
  auto last_change = inst.store->last_doc_change();
  if (!last_change) {
    spdlog::error("{}", last_change.error().message);
    return 1;
  }
  int64_t change_seq = last_change.value();
  email::UnsubscribeTokens tokens(inst.token_keys);
  email::DeliveryTokens delivery_tokens(inst.token_keys);
  email::PreferenceTokens preference_tokens(inst.token_keys);  // /my/{token} (web/preference_center.h)

  store::GroupCommitter committer(*inst.store);

  // Transports: an SMTP relay when configured, else the outbox folder; texts to Kannel or the outbox file.
  std::unique_ptr<email::EmailTransport> email_transport;
  std::string email_via = "outbox_folder", sms_via = "sms_outbox";  // the transports' metric labels
  // The processors as the disclosure log names them (messaging/processor_disclosures.h).
  messaging::ProcessorNames processors;
  if (!config.email.smtp_host.empty()) {
    email::SmtpRelayConfig rc;
    rc.host = config.email.smtp_host;
    rc.port = config.email.smtp_port;
    rc.starttls = config.email.smtp_starttls == "off"        ? email::SmtpRelayConfig::StartTls::kOff
                  : config.email.smtp_starttls == "optional" ? email::SmtpRelayConfig::StartTls::kOptional
                                                             : email::SmtpRelayConfig::StartTls::kRequired;
    rc.username = config.email.smtp_username;
    rc.password = config.email.smtp_password;
    rc.connections = config.email.smtp_connections;
    rc.max_per_second = config.email.smtp_max_per_second;
    auto relay = email::SmtpRelay::make(rc);
    if (!relay) {
      spdlog::error("SMTP relay: {}", relay.error().message);
      return 1;
    }
    email_transport = std::move(relay).value();
    email_via = "smtp_relay";
    processors.email = messaging::smtp_relay_processor(rc.host, rc.port);
    spdlog::info("email goes to the SMTP relay {}:{}", rc.host, rc.port);
  } else {
    std::string dir = config.email.outbox_dir.empty() ? inst.dir + "/outbox" : config.email.outbox_dir;
    auto outbox = email::OutboxFolder::make(dir);
    if (!outbox) {
      spdlog::error("email outbox: {}", outbox.error().message);
      return 1;
    }
    email_transport = std::make_unique<email::OutboxFolder>(std::move(outbox).value());
    processors.email = messaging::outbox_folder_processor(dir);
    spdlog::info("email goes to the outbox folder {}", dir);
  }
  std::unique_ptr<sms::SmsTransport> sms_transport;
  if (config.sms.gateway == "kannel") {
    sms::KannelConfig kc;
    kc.sendsms_url = config.sms.kannel_sendsms_url;
    kc.username = config.sms.kannel_username;
    kc.password = config.sms.kannel_password;
    kc.dlr_secret = config.sms.kannel_secret;
    kc.dlr_url = config.public_url + "/sms/kannel/dlr";
    sms_transport = std::make_unique<sms::KannelDriver>(kc);
    sms_via = "kannel";
    processors.sms = messaging::kannel_processor(kc.sendsms_url);
    spdlog::info("texts go to Kannel");
  } else if (config.sms.gateway == "twilio") {
    sms::TwilioConfig tc;
    tc.base_url = config.sms.twilio_base_url;
    tc.account_sid = config.sms.twilio_account_sid;
    tc.auth_token = config.sms.twilio_auth_token;
    tc.messaging_service_sid = config.sms.twilio_messaging_service_sid;
    tc.status_callback_url = config.public_url + "/sms/twilio/status";
    sms_transport = std::make_unique<sms::TwilioDriver>(tc);
    sms_via = "twilio";
    processors.sms = messaging::twilio_processor(tc.base_url, tc.account_sid);
    spdlog::info("texts go to the Twilio-compatible API at {}", tc.base_url);
  } else {
    std::string file =
        config.sms.outbox_file.empty() ? inst.dir + "/sms-outbox.jsonl" : config.sms.outbox_file;
    auto lines = sms::OutboxLines::open(file);
    if (!lines) {
      spdlog::error("SMS outbox: {}", lines.error().message);
      return 1;
    }
    sms_transport = std::move(lines).value();
    processors.sms = messaging::sms_outbox_processor(file);
    spdlog::info("texts go to the outbox file {}", file);
  }
  // Blasts and one-offs of both channels pass the opt-out fence (messaging/opt_out_fence.h); keyword replies
  // go to the gateway as is.
  messaging::OptOutFence opt_out_fence;
  messaging::TimedEmailTransport timed_email(*email_transport, email_via);  // hand-over latency on /metrics
  messaging::TimedSmsTransport timed_sms(*sms_transport, sms_via);
  messaging::FencedEmailTransport fenced_email(timed_email, gate.gate(), opt_out_fence);
  messaging::FencedSmsTransport fenced_sms(timed_sms, gate.gate(), opt_out_fence);
  messaging::ProcessorDisclosures disclosures(committer, std::move(processors));
  disclosures.start(std::chrono::seconds(config.disclosure_flush_seconds));
  messaging::SmsReplies sms_replies(committer, directory, gate.gate(), &timed_sms);
  sms_replies.link_preferences(&preference_tokens, config.public_url);
  sms_replies.link_disclosures(&disclosures);
  sms_replies.start();
  messaging::Dispatcher::Deps deps{*inst.store, committer, directory,        gate,        &fenced_email,
                                   &fenced_sms, &tokens,   &delivery_tokens, &disclosures};
  messaging::DispatcherOptions dispatch;
  dispatch.public_url = config.public_url;
  dispatch.mail_domain = effective_mail_domain(config);
  dispatch.preferences = &preference_tokens;
  dispatch.email_handover_threads = config.email.smtp_connections + (config.email.smtp_connections + 1) / 2;
  dispatch.sms_handover_threads = config.sms.connections;
  dispatch.pause = config.pause;
  messaging::Dispatcher dispatcher(deps, dispatch);
  if (auto s = dispatcher.resume(); !s) {
    spdlog::error("cannot resume blasts: {}", s.error().message);
    return 1;
  }
  dispatcher.start();
  // Autoresponses and re-subscription confirmations compose as blasts do (messaging/compose.h), footer link
  // to the recipient's preference center included.
  const messaging::MailLinks mail_links{&tokens, &delivery_tokens, config.public_url,
                                        effective_mail_domain(config), &preference_tokens};
  messaging::Autoresponder autoresponder(deps, mail_links);
  if (auto s = autoresponder.resume(); !s) {
    spdlog::error("cannot resume autoresponses: {}", s.error().message);
    return 1;
  }
  autoresponder.start();
  email::UnsubscribeTokens resubscribe_tokens(inst.token_keys, email::LinkPurpose::kResubscribeConfirmation);
  messaging::ResubscribeConfirmations resubscribe(deps, mail_links, resubscribe_tokens);
  resubscribe.start();
  // Staff invitations from the console's team page: one email each, through the gate (kStaffInvitation).
  messaging::StaffInvitationMail invitation_mail(
      deps, {&tokens, &delivery_tokens, config.public_url, effective_mail_domain(config)});
  invitation_mail.start();
  // Advocacy letters to their targets: one email per target, through the gate (kLetterToTarget).
  messaging::LetterDelivery letters(
      deps, {&tokens, &delivery_tokens, config.public_url, effective_mail_domain(config)});
  letters.start();
  auto evidence_key = privacy::SigningKey::load_or_create(inst.dir);
  if (!evidence_key) {
    spdlog::error("evidence signing key: {}", evidence_key.error().message);
    return 1;
  }
  // Suspends an organization whose consent-evidence request passed its deadline (also one that passed while
  // the server was down: the first tick runs now).
  privacy::EvidenceClock evidence_clock(*inst.store, directory, committer);
  evidence_clock.start();
  DomainRecheck domain_recheck(*inst.store, directory, config.dns_resolver, effective_mail_domain(config),
                               config.domain_recheck_seconds);
  domain_recheck.start();
  // Each organization's retention policy, applied at start and then periodically in bounded batches.
  privacy::RetentionSweeper retention(*inst.store, directory, committer);
  retention.start(std::chrono::seconds(config.retention_sweep_seconds));
  api::HelperLimits helper_limits(config.helper_posts_per_action_per_second, config.helper_action_burst,
                                  config.helper_posts_per_phone_per_hour, config.helper_phone_burst);
  const api::ApiSettings api_settings = api_settings_of(config);
  api::ApiContext ctx{
      api_settings,   *inst.store, committer, directory,         config.public_url + "/api/v2",
      &helper_limits, &gate,       &tokens,   config.public_url, &dispatcher};
  ctx.delivery_tokens = &delivery_tokens;
  ctx.sms_replies = &sms_replies;
  ctx.opt_out_fence = &opt_out_fence;
  ctx.autoresponder = &autoresponder;
  ctx.resubscribe = &resubscribe;
  ctx.evidence_clock = &evidence_clock;
  ctx.evidence_key = &evidence_key.value();
  // Reads of personal data are logged as they are answered (privacy/access_log.h).
  auto access_mode =
      privacy::parse_access_log_mode(config.access_log).value_or(privacy::AccessLogMode::kBatched);
  if (access_mode == privacy::AccessLogMode::kOff)
    spdlog::warn(
        "[privacy] access_log = \"off\": reads of personal data are not logged (for measurement only)");
  privacy::AccessLog access_log(committer, access_mode);
  ctx.access_log = &access_log;
  api::ApiService service(ctx, keys);
  // The hosted pages: the same committer, limits and services as the API's record helpers.
  RateLimiter web_per_ip(config.helper_posts_per_ip_per_second, config.helper_burst);
  // Fundraising pages' hosted checkout ([payments]; web/donation_checkout.h): without it they take no money.
  std::unique_ptr<payments::CheckoutDriver> checkout_driver;
  std::unique_ptr<web::DonationCheckout> donations;
  if (config.payments.provider == "stripe") {
    payments::StripeConfig sc;
    sc.api_base = config.payments.api_base;
    sc.checkout_origin = config.payments.checkout_origin;
    sc.secret_key = config.payments.secret_key;
    sc.webhook_secret = config.payments.webhook_secret;
    sc.tolerance_seconds = config.payments.tolerance_seconds;
    checkout_driver = std::make_unique<payments::StripeCheckout>(sc);
    donations = std::make_unique<web::DonationCheckout>(
        web::DonationServices{committer, directory, *inst.store, *checkout_driver, config.public_url,
                              config.age_custom_field, &resubscribe});
    spdlog::info("donations go through the Stripe-compatible checkout at {}", sc.api_base);
  }
  web::WebContext page_ctx{
      committer,        directory,          config.public_url,       config.trusted_proxy_header,
      &helper_limits,   &web_per_ip,        config.age_custom_field, &autoresponder,
      &resubscribe,     &preference_tokens, &opt_out_fence,          &gate.suppressions(),
      inst.store.get(), &access_log};
  page_ctx.challenge = {config.challenge_bits, config.challenge_wait_seconds,
                        config.challenge_posts_per_minute};
  page_ctx.donations = donations.get();
  page_ctx.letters = &letters;
  page_ctx.key_root = inst.contact_key;  // every node's forms, embeds and challenges valid on every node
  web::WebService pages(std::move(page_ctx));
  // The organizer's console (/admin): staff accounts and sessions, over the same serving state.
  staff::DocAuditLog staff_audit(*inst.store);
  staff::StaffService staff(*inst.store, inst.contact_key, staff_audit);
  web::admin::ConsoleOptions console_opts;
  console_opts.secure_cookies = web::admin::secure_cookies_for(config.public_url, config.listen);
  console_opts.public_url = config.public_url;
  console_opts.trusted_proxy_header = config.trusted_proxy_header;
  console_opts.age_custom_field = config.age_custom_field;
  console_opts.count_inline_below = config.console_count_inline_below;
  console_opts.sms_price_per_segment = config.sms.price_per_segment;
  console_opts.sms_price_currency = config.sms.price_currency;
  web::admin::Console console(directory, *inst.store, staff,
                              {committer, &opt_out_fence, staff_audit, &access_log, &gate, &dispatcher, &keys,
                               &invitation_mail, &sms_replies},
                              inst.contact_key, std::move(console_opts));
  opts.body_limit_for = &web::admin::Console::body_limit_for;  // the console's CSV upload
  // The one routing decision between the three faces: /admin is the console's, web/ owns its paths,
  // everything else is the API's.
  // Every request is counted and timed by its route pattern (app/http_routes.h).
  api::HttpServer server(
      opts, app::observe_http([&service, &pages, &console](api::Request&& r, api::Respond respond) {
        if (web::admin::Console::owns(r.target)) return console.handle(std::move(r), std::move(respond));
        std::string_view path = std::string_view(r.target).substr(0, r.target.find('?'));
        if (web::WebService::owns(path)) return pages.handle(std::move(r), std::move(respond));
        service.handle(std::move(r), std::move(respond));
      }));
  if (auto s = server.start(); !s) {
    spdlog::error("{}", s.error().message);
    return 1;
  }
  spdlog::info("tocsin serving {} on {}", ctx.api_base, config.listen);
  if (!inst.kek)
    spdlog::warn(
        "personal data is stored without encryption at rest (no key-encryption key): docs/PRIVACY.md");

  // Keys and organizations created or revoked by the CLI take effect within a second.
  StopSignal refresher_stop;
  std::thread refresher([&] {
    while (refresher_stop.wait_for(std::chrono::seconds(1))) {
      if (auto s = keys.refresh(*inst.store); !s) spdlog::warn("key refresh failed: {}", s.error().message);
      // A data key added by `tocsin keys rotate` (another process or node) seals from now on.
      if (inst.kek)
        if (auto s = store::refresh_data_keys(*inst.store, *inst.kek); !s)
          spdlog::warn("data key refresh failed: {}", s.error().message);
      if (auto s = directory.refresh(*inst.store); !s)
        spdlog::warn("organization refresh failed: {}", s.error().message);
      apply_outside_changes(*inst.store, directory, committer, dispatcher, change_seq);
      if (auto s = gate.refresh_platform(*inst.store); !s)
        spdlog::warn("platform suppression refresh failed: {}", s.error().message);
    }
  });
  server.wait();
  refresher_stop.stop();
  refresher.join();
  domain_recheck.stop();
  evidence_clock.stop();
  retention.stop();  // before the committer: a sweep waits on it
  dispatcher.stop();
  sms_replies.stop();
  autoresponder.stop();
  invitation_mail.stop();
  letters.stop();
  resubscribe.stop();
  disclosures.stop();  // after every sender: their last one-offs are written
  committer.stop();    // every accepted write is committed before we exit
  spdlog::info("stopped");
  return 0;
}

}  // namespace tocsin
