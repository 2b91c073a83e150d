// Rebound's configuration: one TOML file (see docs/configuration.md), with
// command-line overrides of single keys ("receiver.listen=127.0.0.1:2525").
// Every setting has a default, so an empty file is a valid configuration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "delivery/verp.h"
#include "message/limits.h"
#include "policy/policy.h"

namespace rebound::config {

struct Route {
  std::string domain;  // recipient domain (exact, lowercased)
  std::string host;    // "host:port" to deliver to instead of the domain's MX
};

// The HTTP API of `rebound serve`.
struct Http {
  std::string listen;  // "host:port"; empty: no HTTP server
  int threads = 64;    // workers: each serves one connection at a time
  size_t max_body_bytes = 10u << 20;
  size_t max_header_count = 100;
  int read_timeout_seconds = 15;  // a request must arrive within this
  int write_timeout_seconds = 30;
  int keep_alive_seconds = 5;  // an idle connection is closed after this
  size_t keep_alive_max_requests = 10000;
  std::string tls_cert;  // PEM files: both set, the API is HTTPS only
  std::string tls_key;
  bool log_requests = false;  // one line per request at info
};

struct Config {
  std::string database = "sqlite:rebound.db";
  size_t database_pool = 16;  // connections a serving process lends its requests and workers

  // Signed VERP return paths.
  std::string bounce_domain;
  std::string bounce_local_part = "bounce";
  std::vector<delivery::VerpKey> verp_keys;  // first signs

  // The bounce receiver (rebound serve).
  bool receiver_enabled = true;
  std::string listen = "127.0.0.1:2525";
  std::string protocol = "smtp";  // smtp | lmtp
  size_t receiver_max_message_bytes = 10u << 20;
  int receiver_max_connections = 100;
  int receiver_timeout_seconds = 300;

  // Delivery.
  std::string relay;  // "host:port"; empty: each domain's MX
  std::string helo_name = "localhost";
  int concurrency_per_destination = 4;
  int smtp_timeout_seconds = 60;
  std::string tls = "may";  // none | may | verify
  std::vector<Route> routes;

  Http http;

  // Background work of rebound serve.
  bool scheduler_enabled = true;        // retries of PENDING sends and their expiry
  int64_t retry_interval_seconds = 60;  // how often due retries are looked for
  bool email_jobs_enabled = true;       // sending marketing emails created through the API
  bool webhooks_enabled = true;         // delivering webhook events
  int webhook_timeout_seconds = 10;
  int webhook_concurrency = 16;
  int64_t webhook_retry_base_seconds = 30;
  int64_t webhook_retry_max_seconds = 3600;
  int64_t webhook_give_up_hours = 72;
  int64_t webhook_lease_seconds = 60;
  bool webhook_allow_private_targets = true;

  // Connected inboxes (docs/inboxes.md).
  bool inboxes_enabled = true;  // watch the inboxes this node holds leases on
  std::string inbox_ca_file;    // trusted CAs for mailboxes and token endpoints; empty: the system's
  int inbox_timeout_seconds = 30;
  int64_t inbox_poll_seconds = 60;
  int64_t inbox_idle_renew_seconds = 1500;
  int64_t inbox_lease_seconds = 60;
  int64_t inbox_retry_max_seconds = 300;
  int64_t inbox_auth_retry_seconds = 900;
  std::string inbox_node;
  int64_t inbox_max_per_node = 5000;

  // The key that seals secrets at rest: 64 hex digits (key) or a file
  // holding them (key_file, created with a new key when missing).
  std::string secrets_key;
  std::string secrets_key_file;

  message::Limits limits;
  policy::Settings policy;

  std::string log_level = "info";  // trace, debug, info, warn, error, off
};

// Reads `path`, then applies `overrides` ("dotted.key=value"). On error
// returns false with a message naming the file, line and key.
bool Load(const std::string& path, const std::vector<std::string>& overrides, Config* out, std::string* error);

// The same from TOML text (for tests and embedded defaults).
bool Parse(std::string_view toml, std::string_view source, const std::vector<std::string>& overrides, Config* out,
           std::string* error);

// The secrets key the configuration names: `secrets.key`, else the file
// `secrets.key_file` (made, mode 0600, with a new key when it does not
// exist). Empty when neither is set.
bool LoadSecretsKey(const Config& config, std::string* key_text, std::string* error);

}  // namespace rebound::config
