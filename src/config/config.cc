#include "config/config.h"

#include <fcntl.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace rebound::config {

namespace {

// Reads one value into `target` when the key is present; a value of the
// wrong type is an error naming the key.
template <typename T>
bool Read(const toml::table& root, std::string_view key, T* target, std::string* error) {
  toml::node_view<const toml::node> node = root.at_path(key);
  if (!node) return true;
  if constexpr (std::is_same_v<T, std::string>) {
    if (auto v = node.value<std::string>()) {
      *target = *v;
      return true;
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    if (auto v = node.value<bool>()) {
      *target = *v;
      return true;
    }
  } else {
    if (auto v = node.value<int64_t>()) {
      if (*v < 0) {
        *error = std::string(key) + " must not be negative";
        return false;
      }
      *target = static_cast<T>(*v);
      return true;
    }
  }
  *error = std::string(key) + " has the wrong type";
  return false;
}

bool ReadKeys(const toml::table& root, Config* out, std::string* error) {
  const toml::array* keys = root.at_path("bounce.keys").as_array();
  if (keys == nullptr) return true;
  for (const toml::node& node : *keys) {
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      *error = "bounce.keys must be an array of tables";
      return false;
    }
    delivery::VerpKey key;
    int64_t id = (*t)["id"].value_or(int64_t{-1});
    if (id < 0 || id > 255) {
      *error = "bounce.keys: each key needs an id from 0 to 255";
      return false;
    }
    key.id = static_cast<uint8_t>(id);
    if (auto secret = (*t)["secret"].value<std::string>()) {
      key.secret = *secret;
    } else if (auto file = (*t)["secret_file"].value<std::string>()) {
      std::ifstream in(*file, std::ios::binary);
      if (!in) {
        *error = "bounce.keys: cannot read secret_file " + *file;
        return false;
      }
      std::ostringstream ss;
      ss << in.rdbuf();
      key.secret = ss.str();
      while (!key.secret.empty() && (key.secret.back() == '\n' || key.secret.back() == '\r')) key.secret.pop_back();
    } else {
      *error = "bounce.keys: key " + std::to_string(id) + " needs secret or secret_file";
      return false;
    }
    out->verp_keys.push_back(std::move(key));
  }
  return true;
}

bool ReadRoutes(const toml::table& root, Config* out, std::string* error) {
  const toml::array* routes = root.at_path("delivery.routes").as_array();
  if (routes == nullptr) return true;
  for (const toml::node& node : *routes) {
    const toml::table* t = node.as_table();
    auto domain = t ? (*t)["domain"].value<std::string>() : std::nullopt;
    auto host = t ? (*t)["host"].value<std::string>() : std::nullopt;
    if (!domain || !host) {
      *error = "delivery.routes: each route needs domain and host";
      return false;
    }
    out->routes.push_back(Route{*domain, *host});
  }
  return true;
}

// Applies "a.b=value": the value is read as TOML when it parses as such
// (numbers, quoted strings), else as a bare string.
bool ApplyOverride(toml::table* root, const std::string& item, std::string* error) {
  size_t eq = item.find('=');
  if (eq == std::string::npos || eq == 0) {
    *error = "override \"" + item + "\" is not key=value";
    return false;
  }
  std::string key = item.substr(0, eq);
  std::string value = item.substr(eq + 1);
  std::optional<toml::table> parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
    // not a TOML value: a bare string
  }
  std::vector<std::string> path;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    path.push_back(key.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  toml::table* t = root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    toml::node* next = t->get(path[i]);
    if (next == nullptr) {
      t->insert(path[i], toml::table{});
      next = t->get(path[i]);
    }
    t = next->as_table();
    if (t == nullptr) {
      *error = "override " + key + ": " + path[i] + " is not a table";
      return false;
    }
  }
  if (parsed) {
    t->insert_or_assign(path.back(), *parsed->get("v"));
  } else {
    t->insert_or_assign(path.back(), value);
  }
  return true;
}

}  // namespace

bool Parse(std::string_view text, std::string_view source, const std::vector<std::string>& overrides, Config* out,
           std::string* error) {
  // toml++ reports parse errors by exception; they stop here.
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream ss;
    ss << source << ":" << e.source().begin.line << ": " << e.description();
    *error = ss.str();
    return false;
  }
  for (const std::string& o : overrides) {
    if (!ApplyOverride(&root, o, error)) return false;
  }
  Config c;
  std::string e;
  bool ok =
      Read(root, "database.url", &c.database, &e) && Read(root, "bounce.domain", &c.bounce_domain, &e) &&
      Read(root, "bounce.local_part", &c.bounce_local_part, &e) && ReadKeys(root, &c, &e) &&
      Read(root, "receiver.listen", &c.listen, &e) && Read(root, "receiver.protocol", &c.protocol, &e) &&
      Read(root, "receiver.max_message_bytes", &c.receiver_max_message_bytes, &e) &&
      Read(root, "receiver.max_connections", &c.receiver_max_connections, &e) &&
      Read(root, "receiver.timeout_seconds", &c.receiver_timeout_seconds, &e) &&
      Read(root, "delivery.relay", &c.relay, &e) && Read(root, "delivery.helo_name", &c.helo_name, &e) &&
      Read(root, "delivery.concurrency_per_destination", &c.concurrency_per_destination, &e) &&
      Read(root, "delivery.timeout_seconds", &c.smtp_timeout_seconds, &e) && Read(root, "delivery.tls", &c.tls, &e) &&
      ReadRoutes(root, &c, &e) && Read(root, "limits.max_message_bytes", &c.limits.max_message_bytes, &e) &&
      Read(root, "limits.max_mime_depth", &c.limits.max_mime_depth, &e) &&
      Read(root, "limits.max_parts", &c.limits.max_parts, &e) &&
      Read(root, "limits.max_header_fields", &c.limits.max_header_fields, &e) &&
      Read(root, "limits.max_header_bytes", &c.limits.max_header_bytes, &e) &&
      Read(root, "limits.max_decoded_bytes", &c.limits.max_decoded_bytes, &e) &&
      Read(root, "policy.global_window_days", &c.policy.global_window, &e) &&
      Read(root, "policy.global_accounts", &c.policy.global_accounts, &e) &&
      Read(root, "policy.pending_expiry_hours", &c.policy.pending_expiry, &e) &&
      Read(root, "log.level", &c.log_level, &e) && Read(root, "database.pool", &c.database_pool, &e) &&
      Read(root, "receiver.enabled", &c.receiver_enabled, &e) && Read(root, "http.listen", &c.http.listen, &e) &&
      Read(root, "http.threads", &c.http.threads, &e) &&
      Read(root, "http.max_body_bytes", &c.http.max_body_bytes, &e) &&
      Read(root, "http.max_header_count", &c.http.max_header_count, &e) &&
      Read(root, "http.read_timeout_seconds", &c.http.read_timeout_seconds, &e) &&
      Read(root, "http.write_timeout_seconds", &c.http.write_timeout_seconds, &e) &&
      Read(root, "http.keep_alive_seconds", &c.http.keep_alive_seconds, &e) &&
      Read(root, "http.keep_alive_max_requests", &c.http.keep_alive_max_requests, &e) &&
      Read(root, "http.tls_cert", &c.http.tls_cert, &e) && Read(root, "http.tls_key", &c.http.tls_key, &e) &&
      Read(root, "http.log_requests", &c.http.log_requests, &e) &&
      Read(root, "scheduler.enabled", &c.scheduler_enabled, &e) &&
      Read(root, "scheduler.retry_interval_seconds", &c.retry_interval_seconds, &e) &&
      Read(root, "scheduler.email_jobs", &c.email_jobs_enabled, &e) &&
      Read(root, "webhooks.enabled", &c.webhooks_enabled, &e) &&
      Read(root, "webhooks.timeout_seconds", &c.webhook_timeout_seconds, &e) &&
      Read(root, "webhooks.concurrency", &c.webhook_concurrency, &e) &&
      Read(root, "webhooks.retry_base_seconds", &c.webhook_retry_base_seconds, &e) &&
      Read(root, "webhooks.retry_max_seconds", &c.webhook_retry_max_seconds, &e) &&
      Read(root, "webhooks.give_up_hours", &c.webhook_give_up_hours, &e) &&
      Read(root, "webhooks.lease_seconds", &c.webhook_lease_seconds, &e) &&
      Read(root, "webhooks.allow_private_targets", &c.webhook_allow_private_targets, &e) &&
      Read(root, "inboxes.enabled", &c.inboxes_enabled, &e) && Read(root, "inboxes.ca_file", &c.inbox_ca_file, &e) &&
      Read(root, "inboxes.timeout_seconds", &c.inbox_timeout_seconds, &e) &&
      Read(root, "inboxes.poll_seconds", &c.inbox_poll_seconds, &e) &&
      Read(root, "inboxes.idle_renew_seconds", &c.inbox_idle_renew_seconds, &e) &&
      Read(root, "inboxes.lease_seconds", &c.inbox_lease_seconds, &e) &&
      Read(root, "inboxes.retry_max_seconds", &c.inbox_retry_max_seconds, &e) &&
      Read(root, "inboxes.auth_retry_seconds", &c.inbox_auth_retry_seconds, &e) &&
      Read(root, "inboxes.node", &c.inbox_node, &e) && Read(root, "inboxes.max_per_node", &c.inbox_max_per_node, &e) &&
      Read(root, "secrets.key", &c.secrets_key, &e) && Read(root, "secrets.key_file", &c.secrets_key_file, &e) &&
      Read(root, "policy.brake_min_sends", &c.policy.brake_min_sends, &e) &&
      Read(root, "policy.brake_max_hard_basis_points", &c.policy.brake_max_hard_bp, &e) &&
      Read(root, "policy.healing_second_within_days", &c.policy.healing_second_within, &e) &&
      Read(root, "policy.healing_lapse_after_days", &c.policy.healing_lapse_after, &e);
  if (!ok) {
    *error = std::string(source) + ": " + e;
    return false;
  }
  // Days and hours in the file, seconds inside.
  if (root.at_path("policy.global_window_days")) c.policy.global_window *= 86400;
  if (root.at_path("policy.pending_expiry_hours")) c.policy.pending_expiry *= 3600;
  if (root.at_path("policy.healing_second_within_days")) c.policy.healing_second_within *= 86400;
  if (root.at_path("policy.healing_lapse_after_days")) c.policy.healing_lapse_after *= 86400;
  if (c.http.tls_cert.empty() != c.http.tls_key.empty()) {
    *error = std::string(source) + ": http.tls_cert and http.tls_key go together";
    return false;
  }
  if (c.http.threads < 1 || c.http.threads > 4096) {
    *error = std::string(source) + ": http.threads must be from 1 to 4096";
    return false;
  }
  if (c.tls != "none" && c.tls != "may" && c.tls != "verify") {
    *error = std::string(source) + ": delivery.tls must be none, may or verify";
    return false;
  }
  if (c.protocol != "smtp" && c.protocol != "lmtp") {
    *error = std::string(source) + ": receiver.protocol must be smtp or lmtp";
    return false;
  }
  *out = std::move(c);
  return true;
}

bool LoadSecretsKey(const Config& c, std::string* key_text, std::string* error) {
  key_text->clear();
  if (!c.secrets_key.empty()) {
    *key_text = c.secrets_key;
    return true;
  }
  if (c.secrets_key_file.empty()) return true;
  std::ifstream in(c.secrets_key_file, std::ios::binary);
  if (in) {
    std::getline(in, *key_text);
    while (!key_text->empty() && (key_text->back() == '\r' || key_text->back() == ' ')) key_text->pop_back();
    return true;
  }
  // A new key, readable by its owner only.
  const int fd = ::open(c.secrets_key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    *error = "cannot create secrets.key_file " + c.secrets_key_file + ": " + std::strerror(errno);
    return false;
  }
  unsigned char bytes[32];
  std::ifstream random("/dev/urandom", std::ios::binary);
  random.read(reinterpret_cast<char*>(bytes), sizeof(bytes));
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char b : bytes) {
    key_text->push_back(kHex[b >> 4]);
    key_text->push_back(kHex[b & 15]);
  }
  const std::string line = *key_text + "\n";
  const bool ok = random && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) {
    *error = "cannot write secrets.key_file " + c.secrets_key_file;
    return false;
  }
  return true;
}

bool Load(const std::string& path, const std::vector<std::string>& overrides, Config* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read configuration file " + path;
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path, overrides, out, error);
}

}  // namespace rebound::config
