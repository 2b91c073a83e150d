// The `rebound` subcommands. Each returns the process exit code.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "classify/classifier.h"

namespace rebound::cli {

enum class OutputFormat { kAuto, kJsonl, kHuman };

struct ClassifyArgs {
  std::vector<std::string> paths;
  bool mbox = false;
  OutputFormat format = OutputFormat::kAuto;
};
// Exit codes: 0 every input read, 1 some input unreadable.
int RunClassify(const classify::Classifier& classifier, const ClassifyArgs& args);

struct ClassifyReplyArgs {
  std::vector<std::string> replies;  // empty: read standard input, one per line
};
int RunClassifyReply(const classify::Classifier& classifier, const ClassifyReplyArgs& args);

struct EvalArgs {
  std::string corpus_dir;
  std::string filter;       // glob over label file paths, e.g. "*/rfc3464-*"
  std::string corrections;  // JSONL of documented label corrections (--corrections)
  size_t max_disagreements = 1000;
};
int RunEval(const classify::Classifier& classifier, const EvalArgs& args);

// sendmail's EX_TEMPFAIL: the store is unavailable, the MTA should retry.
inline constexpr int kExitTempFail = 75;

struct StoreArgs {
  std::string db = "sqlite:rebound.db";  // --db
  bool json = false;                     // --json
};

int RunAccountCreate(const StoreArgs& args, const std::string& name, const std::string& policy);
int RunAccountList(const StoreArgs& args);
int RunAccountPolicy(const StoreArgs& args, const std::string& name, const std::string& policy);
// Exit 1 when some row was rejected (each reported with its line).
int RunContactsImport(const StoreArgs& args, const std::string& account, const std::string& path);

struct IngestArgs {
  std::vector<std::string> paths;
  std::string account;  // empty: correlate by the send each bounce names
  bool mbox = false;
  int batch = 500;  // records per durable commit
  int jobs = 0;     // parallel database connections; 0: 4 on PostgreSQL, 1 on SQLite
  // Pipe transport: the envelope recipient the MTA received the bounce for
  // (a signed return path) and the configuration holding the keys.
  std::string recipient;
  std::string config;
};
// sendmail's EX_NOUSER: the recipient is not a valid return path.
inline constexpr int kExitNoUser = 67;
// Exit 0 when every record was stored, 1 when some could not be (each
// reported), 75 when the store is unavailable, 67 when --recipient is not a
// valid return path.
int RunBounceIngest(const classify::Classifier& classifier, const StoreArgs& args, const IngestArgs& ingest);

int RunContactShow(const StoreArgs& args, const std::string& account, const std::string& address);
int RunUnbounce(const StoreArgs& args, const std::string& account, const std::string& address, const std::string& by,
                const std::string& why, bool confirm);
int RunSuppressions(const StoreArgs& args, const std::string& account, bool csv);
// A manual suppression (or, with `remove`, the removal of any suppression
// of the account, audited like an unbounce).
int RunSuppress(const StoreArgs& args, const std::string& account, const std::string& address, const std::string& by,
                const std::string& why, bool remove, bool confirm);
int RunGlobalList(const StoreArgs& args);
int RunGlobalClear(const StoreArgs& args, const std::string& address, const std::string& operator_name,
                   const std::string& why);
int RunPendingExpire(const StoreArgs& args);
int RunEligibility(const StoreArgs& args, const std::string& account, const std::string& path);

// API keys: the key is printed once, alone on the last line of standard
// output. `operator_key` makes (or names) an operator key instead of an
// account's.
int RunApiKeyCreate(const StoreArgs& args, const std::string& account, bool operator_key, const std::string& scope,
                    const std::string& name);
int RunApiKeyList(const StoreArgs& args, const std::string& account, bool operator_keys);
int RunApiKeyRevoke(const StoreArgs& args, const std::string& account, bool operator_key, int64_t id);

// A user of the web UI (an operator with `operator_user`); the password is
// read from standard input (one line), or asked for on a terminal.
int RunUserCreate(const StoreArgs& args, const std::string& account, bool operator_user, const std::string& email);
int RunUserList(const StoreArgs& args, const std::string& account, bool operator_users);

struct ServeArgs {
  std::string config;                  // TOML file; empty: defaults
  std::vector<std::string> overrides;  // "dotted.key=value"
  bool demo = false;                   // serve: a demo store and user (see SeedDemo)
};
// Serves (the bounce receiver, the HTTP API, the background workers, each
// switchable in the configuration) until SIGINT or SIGTERM; 2 on a bad
// configuration.
int RunServe(const classify::ClassifierOptions& base, const ServeArgs& args);
struct SendArgs {
  bool retry = false;  // deliver the PENDING sends that are due instead
  std::string account;
  std::string from;
  std::string subject;
  std::string body_file;
  std::string to_file;  // one address per line, or -
};
int RunSend(const classify::Classifier& classifier, const ServeArgs& args, const SendArgs& send);

// Connected inboxes. Secrets (the password, or the OAuth refresh token and
// then the client secret, one per line) are read from standard input, never
// from the command line, where other users and shell histories see them.
struct InboxArgs {
  std::string action;  // connect | list | remove | send
  std::string account;
  int64_t id = 0;  // remove, send: the inbox
  std::string user;
  std::string address;
  std::string provider = "imap";
  std::string imap_host;
  int imap_port = 0;
  std::string imap_tls;
  std::string smtp_host;
  int smtp_port = 0;
  std::string smtp_tls;
  std::string username;
  std::string auth = "password";
  std::string token_url;
  std::string client_id;
  bool no_verify = false;
  std::string to;  // send
  std::string subject;
  std::string body_file;  // - for standard input
  bool json = false;
};
// Exit 0 done, 1 refused (said why), 2 bad configuration, 75 store unavailable;
// send: 3 when the email was not sent or bounced at once.
int RunInbox(const classify::Classifier& classifier, const ServeArgs& args, const InboxArgs& inbox);

}  // namespace rebound::cli
namespace rebound::app {
class App;
}  // namespace rebound::app
namespace rebound::cli {
// The demo account, its user, contacts and bounces, made on the first
// start of `rebound serve --demo`; *note says how to sign in.
bool SeedDemo(app::App& app, std::string* note);

// Appends the bytes of `path` ("-": standard input) to *out.
bool ReadWhole(const std::string& path, std::string* out);

// The application as the configuration (--config, --set) describes it,
// secrets key included; null with *exit_code when it cannot be opened.
std::unique_ptr<app::App> OpenConfiguredApp(const classify::Classifier& classifier, const ServeArgs& args,
                                            int* exit_code);

// Prints the OpenAPI document of the HTTP API.
int RunOpenApi();

// what: "address" (value: a send id) or "check" (value: an address; exit 1
// when it does not verify).
int RunVerp(const ServeArgs& args, const std::string& what, const std::string& value);

}  // namespace rebound::cli
