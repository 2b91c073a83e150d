// Operator commands over the store: accounts, contacts, bounce ingest,
// contact state, unbounce, suppressions, global bounces, eligibility, API
// keys. Each is a thin face over app::App: it reads its arguments, calls
// one use case and prints the answer for a person or as JSON lines.
#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/csv.h"
#include "cli/commands.h"
#include "config/config.h"
#include "delivery/verp.h"
#include "message/reader.h"

namespace rebound::cli {

namespace {

using nlohmann::json;

// Output either as JSON lines (--json) or as text for a person.
class Out {
 public:
  explicit Out(bool as_json) : json_(as_json) {}
  bool json() const { return json_; }
  void Json(const nlohmann::json& j) {
    std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    s.push_back('\n');
    std::fwrite(s.data(), 1, s.size(), stdout);
  }
  void Text(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

 private:
  bool json_;
};

void Error(const std::string& message) { std::fprintf(stderr, "rebound: %s\n", message.c_str()); }

std::string Date(int64_t t) {
  if (t == 0) return "-";
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

// The application over the store the command names; null (reported) when
// the store cannot be opened.
std::unique_ptr<app::App> OpenApp(const StoreArgs& args, const classify::Classifier* classifier = nullptr,
                                  app::AppOptions options = {}) {
  options.database = args.db;
  std::string error;
  auto a = app::App::Create(classifier, std::move(options), &error);
  if (!a) Error(error);
  return a;
}

// Prints a refused use case; the exit code for it.
int Refused(const app::Status& st, const std::string& what = "") {
  Error(what.empty() ? st.message() : what + ": " + st.message());
  return st.code() == app::Code::kUnavailable ? kExitTempFail : 1;
}

bool FindAccount(app::App& a, const std::string& name, store::Account* account) {
  app::Status st = a.FindAccount(name, account);
  if (!st.ok()) Error(st.message());
  return st.ok();
}

json SuppressionJson(const store::Suppression& s) {
  return json{{"address", s.address},
              {"kind", s.kind},
              {"reason", s.reason.empty() ? json(nullptr) : json(s.reason)},
              {"since", s.since}};
}

}  // namespace

int RunAccountCreate(const StoreArgs& args, const std::string& name, const std::string& policy) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  app::Status st = a->CreateAccount(name, policy, &account);
  if (!st.ok()) return Refused(st, "cannot create account \"" + name + "\"");
  Out out(args.json);
  if (out.json()) {
    out.Json({{"id", account.id}, {"name", account.name}, {"policy", account.policy}});
  } else {
    out.Text(fmt::format("account {} created (id {}, policy {})\n", account.name, account.id, account.policy));
  }
  return 0;
}

int RunAccountList(const StoreArgs& args) {
  auto a = OpenApp(args);
  if (!a) return 1;
  std::vector<store::Account> accounts;
  app::Status st = a->ListAccounts(&accounts);
  if (!st.ok()) return Refused(st);
  Out out(args.json);
  for (const store::Account& account : accounts) {
    if (out.json()) {
      out.Json({{"id", account.id}, {"name", account.name}, {"policy", account.policy}});
    } else {
      out.Text(fmt::format("{:>6}  {:<30} {}\n", account.id, account.name, account.policy));
    }
  }
  return 0;
}

int RunAccountPolicy(const StoreArgs& args, const std::string& name, const std::string& policy) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!FindAccount(*a, name, &account)) return 1;
  app::AccountSettings settings;
  settings.policy = policy;
  app::Status st = a->UpdateAccount(account.id, settings, &account);
  return st.ok() ? 0 : Refused(st);
}

int RunContactsImport(const StoreArgs& args, const std::string& account_name, const std::string& path) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!FindAccount(*a, account_name, &account)) return 1;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Error("cannot read " + path);
    return 1;
  }
  app::ImportReport report;
  app::Status st = a->ImportCsv(account.id, in, &report);
  for (const app::ImportReport::RowError& e : report.rejected) {
    Error(fmt::format("{}:{}: {}; row skipped", path, e.row, e.error));
  }
  if (!st.ok()) return Refused(st, path);
  Out out(args.json);
  if (out.json()) {
    out.Json({{"imported", report.imported}, {"rejected", report.rejected.size()}});
  } else {
    out.Text(fmt::format("{} contacts imported into {}, {} rows rejected\n", report.imported, account.name,
                         report.rejected.size()));
  }
  return report.rejected.empty() ? 0 : 1;
}

int RunBounceIngest(const classify::Classifier& classifier, const StoreArgs& args, const IngestArgs& ingest) {
  // Pipe transport: the return path names the send.
  int64_t verp_send_id = 0;
  if (!ingest.recipient.empty()) {
    config::Config c;
    std::string error;
    delivery::VerpSigner signer;
    if (ingest.config.empty() || !config::Load(ingest.config, {}, &c, &error) ||
        !delivery::VerpSigner::Create(c.bounce_local_part, c.bounce_domain, c.verp_keys, &signer, &error)) {
      Error(ingest.config.empty() ? "--recipient needs --config with the return-path keys" : error);
      return kExitTempFail;  // a configuration problem: let the MTA retry once it is fixed
    }
    uint64_t id = 0;
    if (!signer.Verify(ingest.recipient, &id)) {
      Error(ingest.recipient + " is not a valid return path");
      return kExitNoUser;
    }
    verp_send_id = static_cast<int64_t>(id);
  }
  // A bulk import: full batches, one durable commit each, over --jobs
  // connections.
  app::AppOptions options;
  options.batch = ingest.batch > 0 ? static_cast<size_t>(ingest.batch) : 500;
  options.commit_connections = ingest.jobs;
  options.eager_commit = false;
  auto a = OpenApp(args, &classifier, options);
  if (!a) return kExitTempFail;
  store::Account fixed_account;
  if (!ingest.account.empty() && !FindAccount(*a, ingest.account, &fixed_account)) return 1;
  Out out(args.json);

  // Every message's records go through the committer in input order, with
  // those refused before it; a record is reported only once the commit
  // that holds it ended, so the report is in input order too.
  int stored = 0;
  int failed = 0;
  std::atomic<bool> store_failed{false};
  auto report_error = [&](const std::string& file, const std::string& recipient, const std::string& why) {
    ++failed;
    if (out.json()) {
      out.Json({{"file", file}, {"recipient", recipient.empty() ? json(nullptr) : json(recipient)}, {"error", why}});
    } else {
      out.Text(fmt::format("{}: {}{}\n", file, recipient.empty() ? "" : recipient + ": ", why));
    }
  };
  // Correlation lookups run on a connection of their own: the batch before
  // is being applied on the committer's meanwhile.
  app::StorePool::Lease lookup;
  {
    std::string error;
    if (!a->pool().Acquire(&lookup, &error)) {
      Error("store unavailable: " + error);
      return kExitTempFail;
    }
  }
  message::Message msg;
  message::ReadOptions read_options;
  read_options.force_mbox = ingest.mbox;
  read_options.max_message_bytes = classifier.options().limits.max_message_bytes;
  const app::Source source{ingest.account.empty() ? 0 : fixed_account.id, verp_send_id};
  auto on_message = [&](std::string_view name, std::string_view bytes) {
    if (store_failed) return;
    std::vector<app::Record> records;
    std::string error;
    if (!app::Prepare(*lookup, classifier, bytes, source, &msg, &records, &error)) {
      Error("store unavailable: " + error);
      store_failed = true;
      return;
    }
    // What the report needs, without the raw message.
    struct Line {
      std::string recipient;
      std::string account;
      classify::BounceType type;
      classify::Reason reason;
      std::string error;
    };
    std::vector<Line> lines;
    std::vector<policy::Incoming> batch;
    for (app::Record& r : records) {
      lines.push_back({r.incoming.address, r.account_name, r.incoming.type, r.incoming.reason, r.error});
      if (r.error.empty()) batch.push_back(std::move(r.incoming));
    }
    a->committer().Submit(
        std::move(batch), [&, file = std::string(name), lines = std::move(lines)](std::vector<app::Applied> applied) {
          size_t k = 0;
          for (const Line& l : lines) {
            if (!l.error.empty()) {
              report_error(
                  file, l.error.starts_with("no recipient") || l.error.starts_with("cannot parse") ? "" : l.recipient,
                  l.error);
              continue;
            }
            const app::Applied& result = applied[k++];
            if (!result.committed) {
              if (!store_failed.exchange(true)) {
                Error(result.error + "; the records of that transaction were not stored");
              }
              continue;
            }
            if (!result.error.empty()) {
              report_error(file, l.recipient, result.error);
              continue;
            }
            ++stored;
            const policy::Outcome& o = result.outcome;
            const std::string type(classify::TypeName(l.type));
            const std::string reason(classify::ReasonName(l.reason));
            if (out.json()) {
              out.Json({{"file", file},
                        {"recipient", l.recipient},
                        {"account", l.account},
                        {"type", type},
                        {"reason", reason.empty() ? json(nullptr) : json(reason)},
                        {"stored", true},
                        {"duplicate", o.duplicate},
                        {"suppressed", o.suppressed},
                        {"global", o.became_global}});
            } else {
              out.Text(fmt::format("{}: {} in {}: {} {}{}{}{}\n", file, l.recipient, l.account, type, reason,
                                   o.duplicate ? " (already stored)" : "", o.suppressed ? ", suppressed" : "",
                                   o.became_global ? ", now GLOBAL" : ""));
            }
          }
          std::fflush(stdout);
        });
  };
  bool read_ok = true;
  for (const std::string& path : ingest.paths) {
    read_ok = message::ReadMessages(path, read_options, on_message,
                                    [&](std::string_view n, std::string_view e) {
                                      Error("cannot read " + std::string(n) + ": " + std::string(e));
                                    }) &&
              read_ok;
    if (store_failed) break;
  }
  a->committer().Flush();
  if (!out.json()) out.Text(fmt::format("{} stored, {} not stored\n", stored, failed));
  if (store_failed) return kExitTempFail;
  return read_ok && failed == 0 ? 0 : 1;
}

int RunContactShow(const StoreArgs& args, const std::string& account_name, const std::string& address) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!FindAccount(*a, account_name, &account)) return 1;
  app::ContactDetail d;
  app::Status st = a->GetContact(account.id, address, &d, true);
  if (!st.ok()) return Refused(st);
  const policy::ContactView& v = d.view;
  Out out(args.json);
  if (out.json()) {
    json history = json::array();
    for (const store::BounceEvent& e : v.history) {
      history.push_back({{"at", e.occurred_at},
                         {"type", e.type},
                         {"reason", e.reason.empty() ? json(nullptr) : json(e.reason)},
                         {"cause", e.cause},
                         {"status", e.status.empty() ? json(nullptr) : json(e.status)},
                         {"diagnostic", e.diagnostic.empty() ? json(nullptr) : json(e.diagnostic)},
                         {"lifted", e.lifted}});
    }
    out.Json({{"account", account.name},
              {"address", d.address},
              {"known", v.exists},
              {"bounce_status", v.status},
              {"email_hard_bounce_reason",
               v.contact.hard_bounce_reason.empty() ? json(nullptr) : json(v.contact.hard_bounce_reason)},
              {"suppressed", v.suppressed},
              {"suppression", v.suppression.empty() ? json(nullptr) : json(v.suppression)},
              {"history", history}});
    return 0;
  }
  out.Text(fmt::format("{} in {}{}\n", d.address, account.name, v.exists ? "" : " (not a contact)"));
  out.Text(fmt::format("  bounce status:            {}\n", v.status));
  out.Text(fmt::format("  email hard bounce reason: {}\n",
                       v.contact.hard_bounce_reason.empty() ? "-" : v.contact.hard_bounce_reason));
  out.Text(fmt::format("  marketing email:          {}\n",
                       v.suppressed ? "suppressed (" + v.suppression + ")" : std::string("allowed")));
  if (!d.timeline.empty()) out.Text("  timeline:\n");
  for (const store::TimelineEntry& t : d.timeline) {
    const store::BounceEvent& e = t.event;
    if (t.kind == "bounce" || t.kind == "complaint" || t.kind == "delivery_notice" || t.kind == "auto_reply") {
      out.Text(fmt::format("    {}  {:<7} {:<20} {:<14} {}{}\n", Date(e.occurred_at), e.type, e.reason, e.cause,
                           e.diagnostic, e.lifted ? "  [unbounced]" : ""));
    } else {
      out.Text(fmt::format("    {}  {:<7} {}{}\n", Date(t.at), t.kind, t.reply,
                           t.by.empty() ? "" : "by " + t.by + ": " + t.why));
    }
  }
  return 0;
}

int RunUnbounce(const StoreArgs& args, const std::string& account_name, const std::string& address,
                const std::string& by, const std::string& why, bool confirm) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!FindAccount(*a, account_name, &account)) return 1;
  app::Status st = a->Unbounce(account.id, address, by, why, confirm);
  if (!st.ok()) return Refused(st, "cannot unbounce");
  Out out(args.json);
  if (out.json()) {
    out.Json({{"account", account.name}, {"address", store::NormalizeAddress(address)}, {"unbounced", true}});
  } else {
    out.Text(fmt::format("{} unbounced in {}\n", store::NormalizeAddress(address), account.name));
  }
  return 0;
}

int RunSuppressions(const StoreArgs& args, const std::string& account_name, bool csv) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!FindAccount(*a, account_name, &account)) return 1;
  Out out(args.json);
  if (csv) out.Text("email,kind,reason,since\n");
  app::Status st = a->ForEachSuppression(account.id, [&](const store::Suppression& s) {
    if (csv) {
      out.Text(app::CsvField(s.address) + "," + s.kind + "," + s.reason + "," + Date(s.since) + "\n");
    } else if (out.json()) {
      out.Json(SuppressionJson(s));
    } else {
      out.Text(fmt::format("{:<40} {:<12} {:<14} {}\n", s.address, s.kind, s.reason.empty() ? "-" : s.reason,
                           Date(s.since)));
    }
    return true;
  });
  return st.ok() ? 0 : Refused(st);
}

int RunSuppress(const StoreArgs& args, const std::string& account_name, const std::string& address,
                const std::string& by, const std::string& why, bool remove, bool confirm) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!FindAccount(*a, account_name, &account)) return 1;
  Out out(args.json);
  const std::string normal = store::NormalizeAddress(address);
  if (remove) {
    app::Status st = a->RemoveSuppression(account.id, address, by, why, confirm);
    if (!st.ok()) return Refused(st, "cannot remove the suppression");
    if (out.json()) {
      out.Json({{"address", normal}, {"suppressed", false}});
    } else {
      out.Text(fmt::format("{} is no longer suppressed in {}\n", normal, account.name));
    }
    return 0;
  }
  bool created = false;
  store::Suppression s;
  app::Status st = a->Suppress(account.id, address, by, why, &created, &s);
  if (!st.ok()) return Refused(st, "cannot suppress");
  if (out.json()) {
    out.Json({{"address", normal}, {"suppressed", true}, {"kind", s.kind}, {"created", created}});
  } else {
    out.Text(created ? fmt::format("{} suppressed in {} by hand\n", normal, account.name)
                     : fmt::format("{} was suppressed already in {} ({})\n", normal, account.name, s.kind));
  }
  return 0;
}

int RunGlobalList(const StoreArgs& args) {
  auto a = OpenApp(args);
  if (!a) return 1;
  std::vector<app::GlobalEntry> list;
  app::Status st = a->ListGlobal("", SIZE_MAX, &list);
  if (!st.ok()) return Refused(st);
  Out out(args.json);
  for (const app::GlobalEntry& g : list) {
    if (out.json()) {
      out.Json({{"address", g.address}, {"since", g.since}, {"accounts", g.accounts}});
    } else {
      out.Text(fmt::format("{:<40} {}  {} accounts\n", g.address, Date(g.since), g.accounts));
    }
  }
  return 0;
}

int RunGlobalClear(const StoreArgs& args, const std::string& address, const std::string& operator_name,
                   const std::string& why) {
  auto a = OpenApp(args);
  if (!a) return 1;
  app::Status st = a->LiftGlobal(address, operator_name, why);
  if (!st.ok()) return Refused(st, "cannot clear the global bounce");
  Out out(args.json);
  if (out.json()) {
    out.Json({{"address", store::NormalizeAddress(address)}, {"global", false}});
  } else {
    out.Text(fmt::format("{} is no longer globally bounced\n", store::NormalizeAddress(address)));
  }
  return 0;
}

int RunPendingExpire(const StoreArgs& args) {
  auto a = OpenApp(args);
  if (!a) return 1;
  int expired = 0;
  app::Status st = a->ExpirePending(&expired);
  if (!st.ok()) return Refused(st);
  Out out(args.json);
  if (out.json()) {
    out.Json({{"expired", expired}});
  } else {
    out.Text(fmt::format("{} pending sends became SOFT bounces\n", expired));
  }
  return 0;
}

int RunEligibility(const StoreArgs& args, const std::string& account_name, const std::string& path) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!FindAccount(*a, account_name, &account)) return 1;
  std::vector<std::string> addresses;
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) {
      Error("cannot read " + path);
      return 1;
    }
    in = &file;
  }
  std::string line;
  while (std::getline(*in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) addresses.push_back(line);
  }
  std::vector<policy::Exclusion> excluded;
  app::Status st = a->Eligibility(account.id, addresses, &excluded);
  if (!st.ok()) return Refused(st);
  Out out(args.json);
  std::string text;
  for (const policy::Exclusion& e : excluded) {
    if (out.json()) {
      out.Json({{"address", store::NormalizeAddress(addresses[e.index])},
                {"excluded", e.why},
                {"reason", e.reason.empty() ? json(nullptr) : json(e.reason)}});
    } else {
      text += fmt::format("{}\t{}{}\n", store::NormalizeAddress(addresses[e.index]), e.why,
                          e.reason.empty() ? "" : "\t" + e.reason);
    }
  }
  if (!out.json()) {
    text += fmt::format("{} of {} contacts may receive marketing email; {} excluded\n",
                        addresses.size() - excluded.size(), addresses.size(), excluded.size());
    out.Text(text);
  }
  return 0;
}

int RunApiKeyCreate(const StoreArgs& args, const std::string& account_name, bool operator_key, const std::string& scope,
                    const std::string& name) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!operator_key && !FindAccount(*a, account_name, &account)) return 1;
  store::ApiKey key;
  std::string secret;
  app::Status st = a->CreateKey(operator_key ? 0 : account.id, operator_key ? "operator" : scope, name, &key, &secret);
  if (!st.ok()) return Refused(st, "cannot create the key");
  // The key alone on the last line, so that a script can take it with
  // `tail -n 1`; it is shown this once and never again.
  if (args.json) {
    std::printf("%s\n",
                json{{"id", key.id}, {"name", key.name}, {"scope", key.scope}, {"prefix", key.prefix}}.dump().c_str());
  } else {
    std::printf("key %lld (%s%s%s) created; it is shown once, keep it now:\n", static_cast<long long>(key.id),
                key.scope.c_str(), operator_key ? "" : " in ", operator_key ? "" : account.name.c_str());
  }
  std::printf("%s\n", secret.c_str());
  return 0;
}

int RunApiKeyList(const StoreArgs& args, const std::string& account_name, bool operator_keys) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!operator_keys && !FindAccount(*a, account_name, &account)) return 1;
  std::vector<store::ApiKey> keys;
  app::Status st = a->ListKeys(operator_keys ? 0 : account.id, &keys);
  if (!st.ok()) return Refused(st);
  Out out(args.json);
  for (const store::ApiKey& k : keys) {
    if (out.json()) {
      out.Json({{"id", k.id},
                {"name", k.name},
                {"scope", k.scope},
                {"prefix", k.prefix},
                {"created_at", k.created_at},
                {"last_used_at", k.last_used_at == 0 ? json(nullptr) : json(k.last_used_at)},
                {"revoked_at", k.revoked_at == 0 ? json(nullptr) : json(k.revoked_at)}});
    } else {
      out.Text(fmt::format("{:>6}  {:<14}… {:<8} {:<24} last used {}{}\n", k.id, k.prefix, k.scope, k.name,
                           Date(k.last_used_at), k.revoked_at ? "  [revoked " + Date(k.revoked_at) + "]" : ""));
    }
  }
  return 0;
}

int RunApiKeyRevoke(const StoreArgs& args, const std::string& account_name, bool operator_key, int64_t id) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!operator_key && !FindAccount(*a, account_name, &account)) return 1;
  app::Status st = a->RevokeKey(operator_key ? 0 : account.id, id);
  if (!st.ok()) return Refused(st, "cannot revoke the key");
  Out out(args.json);
  if (out.json()) {
    out.Json({{"id", id}, {"revoked", true}});
  } else {
    out.Text(fmt::format("key {} revoked\n", id));
  }
  return 0;
}

namespace {

// One line of standard input; on a terminal, asked for without echo.
bool ReadPassword(std::string* out) {
  const bool tty = isatty(STDIN_FILENO) != 0;
  struct termios saved {};
  if (tty) {
    std::fprintf(stderr, "password: ");
    std::fflush(stderr);
    tcgetattr(STDIN_FILENO, &saved);
    struct termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  const bool ok = static_cast<bool>(std::getline(std::cin, *out));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::fprintf(stderr, "\n");
  }
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return ok;
}

}  // namespace

int RunUserCreate(const StoreArgs& args, const std::string& account_name, bool operator_user,
                  const std::string& email) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!operator_user && !FindAccount(*a, account_name, &account)) return 1;
  std::string password;
  if (!ReadPassword(&password)) {
    Error("no password on standard input");
    return 2;
  }
  store::User user;
  app::Status st = a->CreateUser(operator_user ? 0 : account.id, email, password, &user);
  if (!st.ok()) return Refused(st, "cannot create the user");
  Out out(args.json);
  if (out.json()) {
    out.Json({{"id", user.id}, {"email", user.email}, {"account", operator_user ? json(nullptr) : json(account.name)}});
  } else {
    out.Text(
        fmt::format("user {} created{}\n", user.email, operator_user ? " (platform operator)" : " in " + account.name));
  }
  return 0;
}

int RunUserList(const StoreArgs& args, const std::string& account_name, bool operator_users) {
  auto a = OpenApp(args);
  if (!a) return 1;
  store::Account account;
  if (!operator_users && !FindAccount(*a, account_name, &account)) return 1;
  std::vector<store::User> users;
  app::Status st = a->ListUsers(operator_users ? 0 : account.id, &users);
  if (!st.ok()) return Refused(st);
  Out out(args.json);
  for (const store::User& u : users) {
    if (out.json()) {
      out.Json({{"id", u.id}, {"email", u.email}, {"created_at", u.created_at}});
    } else {
      out.Text(fmt::format("{:>6}  {:<40} {}\n", u.id, u.email, Date(u.created_at)));
    }
  }
  return 0;
}

}  // namespace rebound::cli
