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

struct Config {
  std::string database = "sqlite:rebound.db";

  // Signed VERP return paths.
  std::string bounce_domain;
  std::string bounce_local_part = "bounce";
  std::vector<delivery::VerpKey> verp_keys;  // first signs

  // The bounce receiver (rebound serve).
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

}  // namespace rebound::config
