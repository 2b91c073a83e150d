// `rebound serve` (the bounce receiver) and `rebound verp` (return paths).
#include <csignal>
#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "config/config.h"
#include "delivery/sender.h"
#include "intake/receiver.h"

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

}  // namespace

int RunServe(const classify::ClassifierOptions& base, const ServeArgs& args) {
  config::Config c;
  if (!LoadConfig(args.config, args.overrides, &c)) return 2;
  delivery::VerpSigner signer;
  if (!MakeSigner(c, &signer)) return 2;
  SetUpLogging(c.log_level);
  classify::ClassifierOptions options = base;
  options.limits = c.limits;
  std::string error;
  auto classifier = classify::Classifier::Create(options, &error);
  if (!classifier) {
    std::fprintf(stderr, "rebound: %s\n", error.c_str());
    return 2;
  }
  intake::ReceiverOptions ro;
  ro.listen = c.listen;
  ro.lmtp = c.protocol == "lmtp";
  ro.hostname = c.bounce_domain;
  ro.max_message_bytes = c.receiver_max_message_bytes;
  ro.max_connections = c.receiver_max_connections;
  ro.timeout_seconds = c.receiver_timeout_seconds;
  ro.database = c.database;
  ro.policy = c.policy;

  // Signals are taken by one thread, which stops the receiver.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  intake::Receiver receiver(ro, signer, classifier.get());
  if (!receiver.Start(&error)) {
    std::fprintf(stderr, "rebound: %s\n", error.c_str());
    return 1;
  }
  spdlog::info("serving {} on {} (port {}) for {}, database {}", ro.lmtp ? "LMTP" : "SMTP", ro.listen, receiver.port(),
               c.bounce_domain, c.database);
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    receiver.Stop();
  });
  receiver.Run();
  // Wakes the waiter from sigwait: SIGTERM is blocked in every thread, so it
  // is received there, not acted on.
  pthread_kill(waiter.native_handle(), SIGTERM);  // NOLINT(bugprone-bad-signal-to-kill-thread)
  waiter.join();
  const auto& s = receiver.stats();
  spdlog::info("stopped; {} connections, {} messages stored, {} applied, {} unmatched, {} recipients refused",
               s.connections.load(), s.stored.load(), s.applied.load(), s.unmatched.load(),
               s.refused_recipients.load());
  return 0;
}

int RunSend(const classify::Classifier& classifier, const ServeArgs& args, const SendArgs& send) {
  config::Config c;
  if (!LoadConfig(args.config, args.overrides, &c)) return 2;
  delivery::VerpSigner signer;
  if (!MakeSigner(c, &signer)) return 2;
  std::string error;
  std::unique_ptr<store::Store> store = store::Store::Open(c.database, &error);
  if (!store) {
    std::fprintf(stderr, "rebound: %s\n", error.c_str());
    return 1;
  }
  SetUpLogging(c.log_level);
  policy::Policy policy(store.get(), c.policy, policy::SystemClock());
  delivery::SenderOptions o;
  o.helo = c.helo_name;
  o.timeout_seconds = c.smtp_timeout_seconds;
  o.concurrency_per_destination = c.concurrency_per_destination;
  o.relay = c.relay;
  for (const config::Route& r : c.routes) o.routes.emplace_back(r.domain, r.host);
  o.message_id_domain = c.bounce_domain;
  o.tls = c.tls;
  delivery::Sender sender(store.get(), &policy, &classifier, &signer, o);
  delivery::SendReport report;
  bool ok = false;
  if (send.retry) {
    int expired = 0;
    ok = sender.RetryDue(&report, &error) && policy.ExpirePending(&expired, &error);
    if (ok) {
      std::printf("retried: %d delivered, %d bounced, %d still pending; %d expired to SOFT\n", report.delivered,
                  report.bounced, report.pending, expired);
    }
  } else {
    std::vector<std::string> recipients;
    std::string body;
    FILE* f = std::fopen(send.body_file.c_str(), "rb");
    if (f == nullptr) {
      std::fprintf(stderr, "rebound: cannot read %s\n", send.body_file.c_str());
      return 1;
    }
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) body.append(buf, n);
    std::fclose(f);
    f = send.to_file == "-" ? stdin : std::fopen(send.to_file.c_str(), "r");
    if (f == nullptr) {
      std::fprintf(stderr, "rebound: cannot read %s\n", send.to_file.c_str());
      return 1;
    }
    char line[4096];
    while (std::fgets(line, sizeof(line), f)) {
      std::string a(line);
      while (!a.empty() && (a.back() == '\n' || a.back() == '\r' || a.back() == ' ')) a.pop_back();
      if (!a.empty()) recipients.push_back(a);
    }
    if (f != stdin) std::fclose(f);
    ok = sender.SendEmail(send.account, send.from, send.subject, body, recipients, &report, &error);
    if (ok) {
      std::printf("email %lld: %d delivered, %d bounced, %d pending, %zu not sent\n",
                  static_cast<long long>(report.email_id), report.delivered, report.bounced, report.pending,
                  report.not_sent.size());
      for (const auto& [address, why] : report.not_sent)
        std::printf("  not sent: %s (%s)\n", address.c_str(), why.c_str());
    }
  }
  if (!ok) {
    std::fprintf(stderr, "rebound: %s\n", error.c_str());
    return 1;
  }
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
