#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "api/api_service.h"
#include "api/http_server.h"
#include "api/keyring.h"
#include "people/directory.h"
#include "store/group_commit.h"

namespace tocsin {

int serve(Installation& inst, Config config) {
  auto lock = DataDirLock::acquire(inst.dir, "serving");
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

  store::GroupCommitter committer(*inst.store);
  api::HelperLimits helper_limits(config.helper_posts_per_action_per_second, config.helper_action_burst,
                                  config.helper_posts_per_phone_per_hour, config.helper_phone_burst);
  api::ApiContext ctx{config,        *inst.store, committer, directory, config.public_url + "/api/v2",
                      &helper_limits};
  api::ApiService service(ctx, keys);
  api::HttpServer server(opts, [&service](api::Request&& r, api::Respond respond) {
    service.handle(std::move(r), std::move(respond));
  });
  if (auto s = server.start(); !s) {
    spdlog::error("{}", s.error().message);
    return 1;
  }
  spdlog::info("tocsin serving {} on {}", ctx.api_base, config.listen);

  // Keys and organizations created or revoked by the CLI take effect within a second.
  std::atomic<bool> running{true};
  std::thread refresher([&] {
    while (running) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      if (auto s = keys.refresh(*inst.store); !s) spdlog::warn("key refresh failed: {}", s.error().message);
      if (auto s = directory.refresh(*inst.store); !s)
        spdlog::warn("organization refresh failed: {}", s.error().message);
    }
  });
  server.wait();
  running = false;
  refresher.join();
  committer.stop();  // every accepted write is committed before we exit
  spdlog::info("stopped");
  return 0;
}

}  // namespace tocsin
