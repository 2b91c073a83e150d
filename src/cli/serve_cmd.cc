// `rebound serve` (the bounce receiver, the HTTP API and the background
// workers), `rebound send`, `rebound verp` (return paths) and `rebound
// openapi`.
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include "app/app.h"
#include "app/secrets.h"
#include "cli/commands.h"
#include "config/config.h"
#include "delivery/sender.h"
#include "http/openapi.h"
#include "http/server.h"
#include "intake/receiver.h"
#include "web/ui.h"

#include <fmt/format.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace rebound::cli {

namespace {

bool LoadConfig(const std::string& path, const std::vector<std::string>& overrides, config::Config* out) {
  std::string error;
  bool ok = path.empty() ? config::Parse("", "(defaults)", overrides, out, &error)
                         : config::Load(path, overrides, out, &error);
  if (!ok) std::fprintf(stderr, "rebound: %s\n", error.c_str());
  return ok;
}

bool MakeSigner(const config::Config& c, delivery::VerpSigner* signer) {
  std::string error;
  if (c.bounce_domain.empty()) {
    std::fprintf(stderr, "rebound: the configuration names no bounce.domain\n");
    return false;
  }
  if (!delivery::VerpSigner::Create(c.bounce_local_part, c.bounce_domain, c.verp_keys, signer, &error)) {
    std::fprintf(stderr, "rebound: %s\n", error.c_str());
    return false;
  }
  return true;
}

// Service logs: spdlog on standard error, one line per event.
void SetUpLogging(const std::string& level) {
  if (!spdlog::get("rebound")) spdlog::set_default_logger(spdlog::stderr_logger_mt("rebound"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l rebound: %v");
  spdlog::set_level(spdlog::level::from_str(level));
  auto logger = spdlog::default_logger();
  logger->flush_on(spdlog::level::info);
}

// What the application needs from the configuration.
bool MakeAppOptions(const config::Config& c, bool need_signer, app::AppOptions* o) {
  o->database = c.database;
  o->max_connections = c.database_pool;
  o->policy = c.policy;
  o->sender.helo = c.helo_name;
  o->sender.timeout_seconds = c.smtp_timeout_seconds;
  o->sender.concurrency_per_destination = c.concurrency_per_destination;
  o->sender.relay = c.relay;
  for (const config::Route& r : c.routes) o->sender.routes.emplace_back(r.domain, r.host);
  o->sender.message_id_domain = c.bounce_domain.empty() ? "localhost" : c.bounce_domain;
  o->sender.tls = c.tls;
  if (!c.bounce_domain.empty() || need_signer) {
    delivery::VerpSigner signer;
    if (!MakeSigner(c, &signer)) return false;
    o->signer = std::move(signer);
  }
  o->webhooks.timeout_seconds = c.webhook_timeout_seconds;
  o->webhooks.concurrency = c.webhook_concurrency;
  o->webhooks.retry_base_seconds = c.webhook_retry_base_seconds;
  o->webhooks.retry_max_seconds = c.webhook_retry_max_seconds;
  o->webhooks.give_up_after = c.webhook_give_up_hours * 3600;
  o->webhooks.lease_seconds = c.webhook_lease_seconds;
  o->webhooks.allow_private_targets = c.webhook_allow_private_targets;
  o->inboxes.ca_file = c.inbox_ca_file;
  o->inboxes.timeout_seconds = c.inbox_timeout_seconds;
  o->inboxes.poll_seconds = c.inbox_poll_seconds;
  o->inboxes.idle_renew_seconds = c.inbox_idle_renew_seconds;
  o->inboxes.lease_seconds = c.inbox_lease_seconds;
  o->inboxes.retry_max_seconds = c.inbox_retry_max_seconds;
  o->inboxes.auth_retry_seconds = c.inbox_auth_retry_seconds;
  o->inboxes.node = c.inbox_node;
  o->inboxes.max_inboxes = static_cast<size_t>(std::max<int64_t>(0, c.inbox_max_per_node));
  return true;
}

// The key that seals secrets: configured, or a key file beside the
// process (made once) so that a first `rebound serve` just works.
bool LoadKey(config::Config* c, std::string* key, std::string* note) {
  if (c->secrets_key.empty() && c->secrets_key_file.empty()) {
    c->secrets_key_file = "rebound.key";
    *note = "secrets sealed with the key in ./rebound.key (set secrets.key_file in production)";
  }
  std::string text;
  std::string error;
  if (!config::LoadSecretsKey(*c, &text, &error) || !app::ParseSecretKey(text, key, &error)) {
    std::fprintf(stderr, "rebound: %s\n", error.c_str());
    return false;
  }
  return true;
}

}  // namespace

int RunServe(const classify::ClassifierOptions& base, const ServeArgs& args) {
  // Every watched inbox holds a connection and a wake-up descriptor, every
  // client of the API and the receiver a socket: the default soft limit
  // (1024) is far below what a server needs; take what the hard limit allows.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  config::Config c;
  std::vector<std::string> overrides = args.overrides;
  if (args.demo) {
    // Its own database, the UI on loopback, no receiver; any --set still wins.
    overrides.insert(overrides.begin(), {"database.url=sqlite:rebound-demo.db", "http.listen=127.0.0.1:8080",
                                         "receiver.enabled=false", "secrets.key_file=rebound-demo.key"});
  }
  if (!LoadConfig(args.config, overrides, &c)) return 2;
  if (!c.receiver_enabled && c.http.listen.empty()) {
    std::fprintf(stderr, "rebound: nothing to serve: the receiver is off and http.listen is not set\n");
    return 2;
  }
  app::AppOptions options;
  if (!MakeAppOptions(c, c.receiver_enabled, &options)) return 2;
  std::string key_note;
  if (!LoadKey(&c, &options.secrets_key, &key_note)) return 2;
  SetUpLogging(c.log_level);
  classify::ClassifierOptions classifier_options = base;
  classifier_options.limits = c.limits;
  std::string error;
  auto classifier = classify::Classifier::Create(classifier_options, &error);
  if (!classifier) {
    std::fprintf(stderr, "rebound: %s\n", error.c_str());
    return 2;
  }
  // Signals are taken by one thread, which stops everything.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<app::App> application = app::App::Create(classifier.get(), options, &error);
  if (!application) {
    std::fprintf(stderr, "rebound: %s\n", error.c_str());
    return 1;
  }
  std::string demo_note;
  if (args.demo && !SeedDemo(*application, &demo_note)) {
    std::fprintf(stderr, "rebound: cannot make the demo account\n");
    return 1;
  }
  std::unique_ptr<intake::Receiver> receiver;
  if (c.receiver_enabled) {
    intake::ReceiverOptions ro;
    ro.listen = c.listen;
    ro.lmtp = c.protocol == "lmtp";
    ro.hostname = c.bounce_domain;
    ro.max_message_bytes = c.receiver_max_message_bytes;
    ro.max_connections = c.receiver_max_connections;
    ro.timeout_seconds = c.receiver_timeout_seconds;
    ro.database = c.database;
    app::App* a = application.get();
    ro.on_stored = [a] { a->Nudge(); };
    receiver = std::make_unique<intake::Receiver>(ro, *options.signer);
    if (!receiver->Start(&error)) {
      std::fprintf(stderr, "rebound: %s\n", error.c_str());
      return 1;
    }
  }
  std::unique_ptr<web::Ui> ui;
  std::unique_ptr<http::Server> api;
  if (!c.http.listen.empty()) {
    web::UiOptions ui_options;
    ui_options.secure_cookies = !c.http.tls_cert.empty();
    ui = std::make_unique<web::Ui>(application.get(), ui_options);
    web::Ui* pages = ui.get();
    api = std::make_unique<http::Server>(
        application.get(), c.http,
        [pages](const httplib::Request& req, httplib::Response& res) { return pages->Handle(req, res); });
    if (!api->Start(&error)) {
      std::fprintf(stderr, "rebound: %s\n", error.c_str());
      if (receiver) receiver->Stop();
      return 1;
    }
  }
  // The first line says where each face listens (tests read the ports).
  std::string where;
  if (receiver) {
    where = fmt::format("{} on {} (port {}) for {}", c.protocol == "lmtp" ? "LMTP" : "SMTP", c.listen, receiver->port(),
                        c.bounce_domain);
  }
  if (api) {
    where += fmt::format("{}HTTP{} on {} (http port {})", where.empty() ? "" : ", ", c.http.tls_cert.empty() ? "" : "S",
                         c.http.listen, api->port());
  }
  spdlog::info("serving {}, database {}", where, c.database);
  if (!key_note.empty()) spdlog::info("{}", key_note);
  if (api) {
    const std::string host = c.http.listen.substr(0, c.http.listen.rfind(':'));
    std::printf("Rebound is serving at %s://%s:%d/%s\n", c.http.tls_cert.empty() ? "http" : "https",
                host == "0.0.0.0" ? "127.0.0.1" : host.c_str(), api->port(),
                demo_note.empty() ? "" : (" (" + demo_note + ")").c_str());
    std::fflush(stdout);
  }
  app::App::Workers workers;
  workers.inbound = receiver != nullptr;
  workers.email_jobs = c.email_jobs_enabled;
  workers.retries = c.scheduler_enabled;
  workers.retry_interval_seconds = c.retry_interval_seconds;
  workers.webhooks = c.webhooks_enabled;
  workers.inboxes = c.inboxes_enabled;
  application->StartWorkers(workers);

  std::thread waiter;
  if (receiver) {
    waiter = std::thread([&] {
      int signal = 0;
      sigwait(&signals, &signal);
      receiver->Stop();
    });
    receiver->Run();
    // Wakes the waiter from sigwait: SIGTERM is blocked in every thread, so
    // it is received there, not acted on.
    pthread_kill(waiter.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
    waiter.join();
  } else {
    int signal = 0;
    sigwait(&signals, &signal);
  }
  // Stop taking work, finish what was taken: the API first (its requests
  // may wait on the committer), then the workers.
  spdlog::info("stopping");
  if (api) api->Stop();
  application->StopWorkers();
  if (receiver) {
    const auto& s = receiver->stats();
    spdlog::info("stopped; {} connections, {} messages stored, {} recipients refused", s.connections.load(),
                 s.stored.load(), s.refused_recipients.load());
  } else {
    spdlog::info("stopped");
  }
  return 0;
}

bool ReadWhole(const std::string& path, std::string* out) {
  FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out->append(buf, n);
  const bool ok = std::ferror(f) == 0;
  if (f != stdin) std::fclose(f);
  return ok;
}

std::unique_ptr<app::App> OpenConfiguredApp(const classify::Classifier& classifier, const ServeArgs& args,
                                            int* exit_code) {
  config::Config c;
  app::AppOptions options;
  *exit_code = 2;
  if (!LoadConfig(args.config, args.overrides, &c) || !MakeAppOptions(c, false, &options)) return nullptr;
  std::string key_note;
  if (!LoadKey(&c, &options.secrets_key, &key_note)) return nullptr;
  SetUpLogging(c.log_level == "info" ? "warn" : c.log_level);  // a command says what it did itself
  std::string error;
  std::unique_ptr<app::App> a = app::App::Create(&classifier, options, &error);
  if (!a) {
    std::fprintf(stderr, "rebound: %s\n", error.c_str());
    *exit_code = 1;
  }
  return a;
}

int RunSend(const classify::Classifier& classifier, const ServeArgs& args, const SendArgs& send) {
  config::Config c;
  if (!LoadConfig(args.config, args.overrides, &c)) return 2;
  app::AppOptions options;
  if (!MakeAppOptions(c, true, &options)) return 2;
  SetUpLogging(c.log_level);
  std::string error;
  std::unique_ptr<app::App> a = app::App::Create(&classifier, options, &error);
  if (!a) {
    std::fprintf(stderr, "rebound: %s\n", error.c_str());
    return 1;
  }
  delivery::SendReport report;
  if (send.retry) {
    int expired = 0;
    app::Status st = a->RetryDue(&report, &expired);
    if (!st.ok()) {
      std::fprintf(stderr, "rebound: %s\n", st.message().c_str());
      return 1;
    }
    std::printf("retried: %d delivered, %d bounced, %d still pending; %d expired to SOFT\n", report.delivered,
                report.bounced, report.pending, expired);
    return 0;
  }
  app::EmailInput in;
  in.from = send.from;
  in.subject = send.subject;
  if (!ReadWhole(send.body_file, &in.body)) {
    std::fprintf(stderr, "rebound: cannot read %s\n", send.body_file.c_str());
    return 1;
  }
  FILE* f = send.to_file == "-" ? stdin : std::fopen(send.to_file.c_str(), "r");
  if (f == nullptr) {
    std::fprintf(stderr, "rebound: cannot read %s\n", send.to_file.c_str());
    return 1;
  }
  char line[4096];
  while (std::fgets(line, sizeof(line), f)) {
    std::string r(line);
    while (!r.empty() && (r.back() == '\n' || r.back() == '\r' || r.back() == ' ')) r.pop_back();
    if (!r.empty()) in.recipients.push_back(r);
  }
  if (f != stdin) std::fclose(f);
  store::Account account;
  app::Status st = a->FindAccount(send.account, &account);
  app::EmailView email;
  if (st.ok()) st = a->CreateEmail(account.id, in, &email);
  // Delivered here, on this thread, with the bounce-rate brake.
  if (st.ok()) st = a->RunEmail(email.email.id, &report);
  if (!st.ok()) {
    std::fprintf(stderr, "rebound: %s\n", st.message().c_str());
    return 1;
  }
  std::vector<store::Recipient> not_sent;
  st = a->ListRecipients(account.id, email.email.id, app::Bucket::kNotSent, 0, 1000000, &not_sent);
  app::EmailView after;
  if (st.ok()) st = a->GetEmail(account.id, email.email.id, &after);
  if (!st.ok()) {
    std::fprintf(stderr, "rebound: %s\n", st.message().c_str());
    return 1;
  }
  std::printf("email %lld: %d delivered, %d bounced, %d pending, %zu not sent%s\n",
              static_cast<long long>(email.email.id), report.delivered, report.bounced, report.pending, not_sent.size(),
              after.email.state == "paused" ? " (paused by the bounce-rate brake)" : "");
  for (const store::Recipient& r : not_sent) {
    std::printf("  not sent: %s (%s)\n", r.send.address.c_str(), r.send.reason.c_str());
  }
  return 0;
}

int RunOpenApi() {
  std::fwrite(http::OpenApiDocument().data(), 1, http::OpenApiDocument().size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

int RunVerp(const ServeArgs& args, const std::string& what, const std::string& value) {
  config::Config c;
  if (!LoadConfig(args.config, args.overrides, &c)) return 2;
  delivery::VerpSigner signer;
  if (!MakeSigner(c, &signer)) return 2;
  if (what == "address") {
    char* end = nullptr;
    unsigned long long id = std::strtoull(value.c_str(), &end, 10);
    if (end == value.c_str() || *end != '\0') {
      std::fprintf(stderr, "rebound: \"%s\" is not a send id\n", value.c_str());
      return 2;
    }
    std::printf("%s\n", signer.Address(id).c_str());
    return 0;
  }
  uint64_t id = 0;
  if (!signer.Verify(value, &id)) {
    std::printf("invalid\n");
    return 1;
  }
  std::printf("send %llu\n", static_cast<unsigned long long>(id));
  return 0;
}

}  // namespace rebound::cli
