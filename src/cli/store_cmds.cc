// Operator commands over the store: accounts, contacts, bounce ingest,
// contact state, unbounce, suppressions, global bounces, eligibility.
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "cli/csv.h"
#include "config/config.h"
#include "delivery/verp.h"
#include "message/reader.h"
#include "policy/policy.h"
#include "store/store.h"

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

bool OpenStore(const StoreArgs& args, std::unique_ptr<store::Store>* out) {
  std::string error;
  *out = store::Store::Open(args.db, &error);
  if (!*out) {
    Error(error);
    return false;
  }
  return true;
}

bool FindAccount(store::Store& store, const std::string& name, store::Account* account) {
  bool found = false;
  std::string error;
  if (!store.FindAccount(name, account, &found, &error)) {
    Error(error);
    return false;
  }
  if (!found) {
    Error("unknown account \"" + name + "\"");
    return false;
  }
  return true;
}

json SuppressionJson(const store::Suppression& s) {
  return json{{"address", s.address},
              {"kind", s.kind},
              {"reason", s.reason.empty() ? json(nullptr) : json(s.reason)},
              {"since", s.since}};
}

}  // namespace

int RunAccountCreate(const StoreArgs& args, const std::string& name, const std::string& policy) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  store::Account a;
  std::string error;
  if (!store->CreateAccount(name, policy, policy::SystemClock()(), &a, &error)) {
    Error("cannot create account \"" + name + "\": " + error);
    return 1;
  }
  Out out(args.json);
  if (out.json()) {
    out.Json({{"id", a.id}, {"name", a.name}, {"policy", a.policy}});
  } else {
    out.Text(fmt::format("account {} created (id {}, policy {})\n", a.name, a.id, a.policy));
  }
  return 0;
}

int RunAccountList(const StoreArgs& args) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  std::vector<store::Account> accounts;
  std::string error;
  if (!store->ListAccounts(&accounts, &error)) {
    Error(error);
    return 1;
  }
  Out out(args.json);
  for (const store::Account& a : accounts) {
    if (out.json()) {
      out.Json({{"id", a.id}, {"name", a.name}, {"policy", a.policy}});
    } else {
      out.Text(fmt::format("{:>6}  {:<30} {}\n", a.id, a.name, a.policy));
    }
  }
  return 0;
}

int RunAccountPolicy(const StoreArgs& args, const std::string& name, const std::string& policy) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  store::Account a;
  if (!FindAccount(*store, name, &a)) return 1;
  std::string error;
  if (!store->SetAccountPolicy(a.id, policy, &error)) {
    Error(error);
    return 1;
  }
  return 0;
}

int RunContactsImport(const StoreArgs& args, const std::string& account_name, const std::string& path) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  store::Account account;
  if (!FindAccount(*store, account_name, &account)) return 1;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Error("cannot read " + path);
    return 1;
  }
  CsvReader csv(in);
  std::vector<std::string> header;
  std::string error;
  if (!csv.Next(&header, &error)) {
    Error(path + ": no header row" + (error.empty() ? "" : ": " + error));
    return 1;
  }
  int email_column = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string h = store::NormalizeAddress(header[i]);
    if (h == "email" || h == "address" || h == "email address" || h == "e-mail") email_column = static_cast<int>(i);
  }
  if (email_column < 0) {
    Error(path + ": the header row has no \"email\" column");
    return 1;
  }
  Out out(args.json);
  const int64_t now = policy::SystemClock()();
  int imported = 0;
  int rejected = 0;
  std::vector<std::string> row;
  if (!store->Begin(&error)) {
    Error(error);
    return 1;
  }
  while (true) {
    error.clear();
    const size_t line = csv.line() + 1;
    if (!csv.Next(&row, &error)) {
      if (error.empty()) break;  // end of file
      ++rejected;
      Error(fmt::format("{}:{}: {}", path, line, error));
      continue;
    }
    if (row.size() == 1 && row[0].empty()) continue;  // blank line
    std::string problem;
    if (row.size() != header.size()) {
      problem = fmt::format("{} fields where the header has {}", row.size(), header.size());
    }
    std::string address = problem.empty() ? store::NormalizeAddress(row[email_column]) : "";
    if (problem.empty() && (address.find('@') == std::string::npos || address.find(' ') != std::string::npos ||
                            address.front() == '@' || address.back() == '@')) {
      problem = "\"" + row[email_column] + "\" is not an email address";
    }
    if (!problem.empty()) {
      ++rejected;
      Error(fmt::format("{}:{}: {}; row skipped", path, line, problem));
      continue;
    }
    json properties = json::object();
    for (size_t i = 0; i < header.size(); ++i) {
      if (static_cast<int>(i) != email_column) properties[header[i]] = row[i];
    }
    store::Contact contact;
    if (!store->UpsertContact(account.id, address, properties.dump(-1, ' ', false, json::error_handler_t::replace), now,
                              &contact, &error)) {
      store->Rollback();
      Error(fmt::format("{}:{}: {}", path, line, error));
      return 1;
    }
    ++imported;
  }
  if (!store->Commit(&error)) {
    Error(error);
    return 1;
  }
  if (out.json()) {
    out.Json({{"imported", imported}, {"rejected", rejected}});
  } else {
    out.Text(fmt::format("{} contacts imported into {}, {} rows rejected\n", imported, account.name, rejected));
  }
  return rejected == 0 ? 0 : 1;
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
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return kExitTempFail;
  store::Account fixed_account;
  if (!ingest.account.empty() && !FindAccount(*store, ingest.account, &fixed_account)) return 1;
  Out out(args.json);

  // Records are applied in batches, one durable commit each; a record is
  // reported only once the commit that holds it succeeded.
  struct Pending {
    std::string file;
    policy::Incoming incoming;
    std::string account_name;
  };
  std::vector<Pending> pending;
  int stored = 0;
  int failed = 0;
  std::atomic<bool> store_failed{false};
  std::mutex out_mu;  // the classifying and the writing thread both report
  auto report_error = [&](const std::string& file, const std::string& recipient, const std::string& why) {
    std::lock_guard<std::mutex> lock(out_mu);
    ++failed;
    if (out.json()) {
      out.Json({{"file", file}, {"recipient", recipient.empty() ? json(nullptr) : json(recipient)}, {"error", why}});
    } else {
      out.Text(fmt::format("{}: {}{}\n", file, recipient.empty() ? "" : recipient + ": ", why));
    }
  };
  // Extra connections for parallel apply (PostgreSQL): records are split by
  // address, so two workers never wait on the same address's lock.
  const int jobs = ingest.jobs > 0 ? ingest.jobs : (store->dialect() == store::Dialect::kPostgres ? 4 : 1);
  std::vector<std::unique_ptr<store::Store>> extra_stores;
  for (int j = 1; j < jobs; ++j) {
    std::unique_ptr<store::Store> s;
    if (!OpenStore(args, &s)) return kExitTempFail;
    extra_stores.push_back(std::move(s));
  }
  std::vector<std::unique_ptr<policy::Policy>> policies;
  policies.push_back(std::make_unique<policy::Policy>(store.get(), policy::Settings(), policy::SystemClock()));
  for (auto& s : extra_stores) {
    policies.push_back(std::make_unique<policy::Policy>(s.get(), policy::Settings(), policy::SystemClock()));
  }

  // Correlation lookups run on their own connection: the batch before is
  // being applied on the others meanwhile.
  std::unique_ptr<store::Store> lookup;
  if (!OpenStore(args, &lookup)) return kExitTempFail;

  // Applies and reports one batch. Runs beside the classification of the
  // next batch (two cores: one reads and classifies, one writes).
  auto apply_batch = [&](std::vector<Pending> pending) {
    const size_t n = pending.size();
    std::vector<policy::Outcome> outcomes(n);
    std::vector<std::string> errors(n);
    std::vector<bool> committed(n, false);
    // Partition by address; each partition is one durable transaction.
    std::vector<std::vector<size_t>> parts(policies.size());
    for (size_t i = 0; i < n; ++i) {
      parts[std::hash<std::string>()(pending[i].incoming.address) % parts.size()].push_back(i);
    }
    std::vector<std::string> part_errors(parts.size());
    auto apply = [&](size_t k) {
      std::vector<policy::Incoming> batch;
      batch.reserve(parts[k].size());
      for (size_t i : parts[k]) batch.push_back(std::move(pending[i].incoming));
      std::vector<policy::Outcome> o;
      std::vector<std::string> e;
      if (batch.empty()) return;
      if (!policies[k]->ApplyBatch(batch, &o, &e, &part_errors[k])) {
        for (size_t j = 0; j < parts[k].size(); ++j) pending[parts[k][j]].incoming = std::move(batch[j]);
        return;
      }
      for (size_t j = 0; j < parts[k].size(); ++j) {
        pending[parts[k][j]].incoming = std::move(batch[j]);  // back, for the report
        outcomes[parts[k][j]] = o[j];
        errors[parts[k][j]] = e[j];
        committed[parts[k][j]] = true;
      }
    };
    std::vector<std::thread> threads;
    for (size_t k = 1; k < parts.size(); ++k) threads.emplace_back(apply, k);
    apply(0);
    for (std::thread& t : threads) t.join();
    // The records were moved into the batches; keep what the report needs.
    for (size_t k = 0; k < parts.size(); ++k) {
      if (!part_errors[k].empty()) {
        Error("store unavailable: " + part_errors[k] + "; the records of that transaction were not stored");
        store_failed = true;
      }
    }
    // Report in input order, and only what was committed.
    for (size_t i = 0; i < n; ++i) {
      const Pending& p = pending[i];
      if (!committed[i]) continue;
      if (!errors[i].empty()) {
        report_error(p.file, p.incoming.address, errors[i]);
        continue;
      }
      std::lock_guard<std::mutex> lock(out_mu);
      ++stored;
      const policy::Outcome& o = outcomes[i];
      if (out.json()) {
        out.Json({{"file", p.file},
                  {"recipient", p.incoming.address},
                  {"account", p.account_name},
                  {"type", p.incoming.type},
                  {"reason", p.incoming.reason.empty() ? json(nullptr) : json(p.incoming.reason)},
                  {"stored", true},
                  {"duplicate", o.duplicate},
                  {"suppressed", o.suppressed},
                  {"global", o.became_global}});
      } else {
        out.Text(fmt::format("{}: {} in {}: {} {}{}{}{}\n", p.file, p.incoming.address, p.account_name, p.incoming.type,
                             p.incoming.reason, o.duplicate ? " (already stored)" : "",
                             o.suppressed ? ", suppressed" : "", o.became_global ? ", now GLOBAL" : ""));
      }
    }
    std::fflush(stdout);
  };
  std::future<void> in_flight;
  auto flush = [&] {
    if (in_flight.valid()) in_flight.get();
    if (pending.empty() || store_failed) return;
    in_flight = std::async(std::launch::async, apply_batch, std::move(pending));
    pending.clear();
  };

  message::Message msg;
  std::vector<classify::Verdict> verdicts;
  message::ReadOptions read_options;
  read_options.force_mbox = ingest.mbox;
  read_options.max_message_bytes = classifier.options().limits.max_message_bytes;
  auto on_message = [&](std::string_view name, std::string_view bytes) {
    if (store_failed) return;
    msg.Parse(bytes, classifier.options().limits);
    verdicts.clear();
    classifier.Classify(msg, &verdicts);
    for (size_t i = 0; i < verdicts.size(); ++i) {
      const classify::Verdict& v = verdicts[i];
      const std::string file(name);
      if (!v.error.empty()) {
        report_error(file, "", "cannot parse: " + v.error);
        continue;
      }
      if (v.type == classify::BounceType::kNone && v.cause == formats::Cause::kUndefined) {
        report_error(file, v.finding.recipient, "not a bounce, complaint or delivery notice; not stored");
        continue;
      }
      if (v.finding.recipient.empty() && verp_send_id == 0) {
        report_error(file, "", "no recipient found in the bounce; not stored");
        continue;
      }
      Pending p;
      p.file = file;
      policy::Incoming& in = p.incoming;
      in.address = v.finding.recipient;
      in.type = std::string(classify::TypeName(v.type));
      in.reason = std::string(classify::ReasonName(v.reason));
      in.cause = std::string(formats::CauseName(v.cause));
      in.status = v.finding.status;
      in.reply_code = v.finding.reply_code;
      in.diagnostic = v.finding.diagnostic;
      in.format = std::string(v.format);
      in.evidence = json(v.evidence).dump(-1, ' ', false, json::error_handler_t::replace);
      in.feedback_type = v.finding.feedback_type;
      in.raw = std::string(bytes);
      in.fingerprint_salt = std::to_string(i);
      if (!ingest.account.empty()) {
        in.account_id = fixed_account.id;
        p.account_name = fixed_account.name;
      }
      // The return path it came to names the send, and so the recipient.
      if (verp_send_id != 0) {
        store::Send send;
        bool found = false;
        std::string error;
        if (!lookup->FindSend(verp_send_id, &send, &found, &error)) {
          Error("store unavailable: " + error);
          store_failed = true;
          return;
        }
        if (found) {
          in.account_id = send.account_id;
          in.send_id = send.id;
          in.address = send.address;
        }
      }
      // Correlate with the send the returned original names.
      if (in.send_id == 0 && !v.original_message_id.empty()) {
        store::Send send;
        bool found = false;
        std::string error;
        if (!lookup->FindSendByMessageId(v.original_message_id, &send, &found, &error)) {
          Error("store unavailable: " + error);
          store_failed = true;
          return;
        }
        if (found && (in.account_id == 0 || in.account_id == send.account_id)) {
          in.account_id = send.account_id;
          in.send_id = send.id;
        }
      }
      // Else the send id our own header carries in the returned original.
      if (in.send_id == 0 && !v.original_send_id.empty()) {
        store::Send send;
        bool found = false;
        std::string error;
        const int64_t id = std::strtoll(v.original_send_id.c_str(), nullptr, 10);
        if (id > 0 && lookup->FindSend(id, &send, &found, &error) && found &&
            (in.account_id == 0 || in.account_id == send.account_id)) {
          in.account_id = send.account_id;
          in.send_id = send.id;
        }
      }
      if (in.account_id == 0) {
        report_error(file, in.address, "no --account given and no known send in the returned original");
        continue;
      }
      if (p.account_name.empty()) {
        store::Account a;
        bool found = false;
        std::string error;
        if (lookup->FindAccountById(in.account_id, &a, &found, &error) && found) p.account_name = a.name;
      }
      pending.push_back(std::move(p));
    }
    if (pending.size() >= static_cast<size_t>(ingest.batch)) flush();
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
  flush();
  flush();  // waits for the last batch
  if (!out.json()) out.Text(fmt::format("{} stored, {} not stored\n", stored, failed));
  if (store_failed) return kExitTempFail;
  return read_ok && failed == 0 ? 0 : 1;
}

int RunContactShow(const StoreArgs& args, const std::string& account_name, const std::string& address) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  store::Account account;
  if (!FindAccount(*store, account_name, &account)) return 1;
  policy::Policy policy(store.get(), policy::Settings(), policy::SystemClock());
  policy::ContactView v;
  std::string error;
  if (!policy.View(account.id, address, &v, &error)) {
    Error(error);
    return 1;
  }
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
              {"address", store::NormalizeAddress(address)},
              {"known", v.exists},
              {"bounce_status", v.status},
              {"email_hard_bounce_reason",
               v.contact.hard_bounce_reason.empty() ? json(nullptr) : json(v.contact.hard_bounce_reason)},
              {"suppressed", v.suppressed},
              {"suppression", v.suppression.empty() ? json(nullptr) : json(v.suppression)},
              {"history", history}});
    return 0;
  }
  out.Text(
      fmt::format("{} in {}{}\n", store::NormalizeAddress(address), account.name, v.exists ? "" : " (not a contact)"));
  out.Text(fmt::format("  bounce status:            {}\n", v.status));
  out.Text(fmt::format("  email hard bounce reason: {}\n",
                       v.contact.hard_bounce_reason.empty() ? "-" : v.contact.hard_bounce_reason));
  out.Text(fmt::format("  marketing email:          {}\n",
                       v.suppressed ? "suppressed (" + v.suppression + ")" : std::string("allowed")));
  if (!v.history.empty()) out.Text("  history:\n");
  for (const store::BounceEvent& e : v.history) {
    out.Text(fmt::format("    {}  {:<7} {:<20} {:<14} {}{}\n", Date(e.occurred_at), e.type, e.reason, e.cause,
                         e.diagnostic, e.lifted ? "  [unbounced]" : ""));
  }
  return 0;
}

int RunUnbounce(const StoreArgs& args, const std::string& account_name, const std::string& address,
                const std::string& by, const std::string& why, bool confirm) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  store::Account account;
  if (!FindAccount(*store, account_name, &account)) return 1;
  policy::Policy policy(store.get(), policy::Settings(), policy::SystemClock());
  std::string error;
  if (!policy.Unbounce(account.id, address, by, why, confirm, &error)) {
    Error("cannot unbounce: " + error);
    return 1;
  }
  Out out(args.json);
  if (out.json()) {
    out.Json({{"account", account.name}, {"address", store::NormalizeAddress(address)}, {"unbounced", true}});
  } else {
    out.Text(fmt::format("{} unbounced in {}\n", store::NormalizeAddress(address), account.name));
  }
  return 0;
}

int RunSuppressions(const StoreArgs& args, const std::string& account_name, bool csv) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  store::Account account;
  if (!FindAccount(*store, account_name, &account)) return 1;
  std::vector<store::Suppression> list;
  std::string error;
  if (!store->ListSuppressions(account.id, &list, &error)) {
    Error(error);
    return 1;
  }
  Out out(args.json);
  if (csv) {
    std::string text = "email,kind,reason,since\n";
    for (const store::Suppression& s : list) {
      text += CsvField(s.address) + "," + s.kind + "," + s.reason + "," + Date(s.since) + "\n";
    }
    out.Text(text);
    return 0;
  }
  for (const store::Suppression& s : list) {
    if (out.json()) {
      out.Json(SuppressionJson(s));
    } else {
      out.Text(fmt::format("{:<40} {:<12} {:<14} {}\n", s.address, s.kind, s.reason.empty() ? "-" : s.reason,
                           Date(s.since)));
    }
  }
  return 0;
}

int RunGlobalList(const StoreArgs& args) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  std::vector<std::pair<std::string, int64_t>> list;
  std::string error;
  if (!store->ListGlobal(&list, &error)) {
    Error(error);
    return 1;
  }
  Out out(args.json);
  for (const auto& [address, since] : list) {
    if (out.json()) {
      out.Json({{"address", address}, {"since", since}});
    } else {
      out.Text(fmt::format("{:<40} {}\n", address, Date(since)));
    }
  }
  return 0;
}

int RunGlobalClear(const StoreArgs& args, const std::string& address, const std::string& operator_name,
                   const std::string& why) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  policy::Policy policy(store.get(), policy::Settings(), policy::SystemClock());
  std::string error;
  if (!policy.LiftGlobal(address, operator_name, why, &error)) {
    Error("cannot clear the global bounce: " + error);
    return 1;
  }
  Out out(args.json);
  if (out.json()) {
    out.Json({{"address", store::NormalizeAddress(address)}, {"global", false}});
  } else {
    out.Text(fmt::format("{} is no longer globally bounced\n", store::NormalizeAddress(address)));
  }
  return 0;
}

int RunPendingExpire(const StoreArgs& args) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  policy::Policy policy(store.get(), policy::Settings(), policy::SystemClock());
  int expired = 0;
  std::string error;
  if (!policy.ExpirePending(&expired, &error)) {
    Error(error);
    return 1;
  }
  Out out(args.json);
  if (out.json()) {
    out.Json({{"expired", expired}});
  } else {
    out.Text(fmt::format("{} pending sends became SOFT bounces\n", expired));
  }
  return 0;
}

int RunEligibility(const StoreArgs& args, const std::string& account_name, const std::string& path) {
  std::unique_ptr<store::Store> store;
  if (!OpenStore(args, &store)) return 1;
  store::Account account;
  if (!FindAccount(*store, account_name, &account)) return 1;
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
  policy::Policy policy(store.get(), policy::Settings(), policy::SystemClock());
  std::vector<policy::Exclusion> excluded;
  std::string error;
  if (!policy.Eligibility(account.id, addresses, &excluded, &error)) {
    Error(error);
    return 1;
  }
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

}  // namespace rebound::cli
