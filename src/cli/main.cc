// rebound: the operator's command line.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "cli/commands.h"

namespace {

std::unique_ptr<rebound::classify::Classifier> MakeClassifier(const rebound::classify::ClassifierOptions& options) {
  std::string error;
  auto classifier = rebound::classify::Classifier::Create(options, &error);
  if (!classifier) std::fprintf(stderr, "rebound: %s\n", error.c_str());
  return classifier;
}

void AddStoreOptions(CLI::App* app, rebound::cli::StoreArgs* args) {
  app->add_option("--db", args->db, "database: sqlite:PATH or postgresql://...")->capture_default_str();
  app->add_flag("--json", args->json, "JSON lines instead of text");
}

int Main(int argc, char** argv) {
  using rebound::cli::OutputFormat;
  CLI::App app{"Rebound: bounce classification and management"};
  app.require_subcommand(1);
  rebound::classify::ClassifierOptions options;
  app.add_option("--rules", options.extra_rules,
                 "extra rules (status, phrase or provider lines; see rules/README.md), win over built-in");
  auto& limits = options.limits;
  app.add_option("--max-message-bytes", limits.max_message_bytes, "cut messages larger than this")
      ->capture_default_str();
  app.add_option("--max-mime-depth", limits.max_mime_depth, "MIME nesting read")->capture_default_str();
  app.add_option("--max-parts", limits.max_parts, "MIME parts read per message")->capture_default_str();
  app.add_option("--max-header-fields", limits.max_header_fields, "fields kept per header section")
      ->capture_default_str();
  app.add_option("--max-header-bytes", limits.max_header_bytes, "bytes read per header section")->capture_default_str();
  app.add_option("--max-decoded-bytes", limits.max_decoded_bytes, "output of one decoded part")->capture_default_str();

  rebound::cli::ClassifyArgs classify_args;
  std::string format = "auto";
  CLI::App* classify = app.add_subcommand("classify", "classify raw bounce messages");
  classify->add_option("paths", classify_args.paths, "files, directories, mboxes, or - for stdin")->required();
  classify->add_flag("--mbox", classify_args.mbox, "read every file as an mbox");
  classify->add_option("--format", format, "output: auto, jsonl or human")
      ->check(CLI::IsMember({"auto", "jsonl", "human"}));

  rebound::cli::ClassifyReplyArgs reply_args;
  CLI::App* reply = app.add_subcommand("classify-reply", "classify synchronous SMTP replies");
  reply->add_option("reply", reply_args.replies, "reply text; without it, one reply per line of stdin");

  rebound::cli::EvalArgs eval_args;
  CLI::App* eval = app.add_subcommand("eval", "measure agreement with a labelled corpus");
  eval->add_option("corpus", eval_args.corpus_dir, "corpus directory holding labels.jsonl")->required();
  eval->add_option("--filter", eval_args.filter, "only label files matching this glob, e.g. '*/rfc3464-*'");
  eval->add_option("--max-disagreements", eval_args.max_disagreements, "disagreements listed");
  eval->add_option("--corrections", eval_args.corrections,
                   "JSONL of label corrections (file, index, and the fields the message says otherwise)");

  // The store.
  rebound::cli::StoreArgs store_args;
  std::string name, policy_name = "strict", address, path, by, why, operator_name;
  bool confirm = false;

  CLI::App* account = app.add_subcommand("account", "accounts (tenants)");
  account->require_subcommand(1);
  CLI::App* account_create = account->add_subcommand("create", "create an account");
  account_create->add_option("name", name, "account name")->required();
  account_create->add_option("--policy", policy_name, "suppression policy: strict or healing")
      ->check(CLI::IsMember({"strict", "healing"}));
  AddStoreOptions(account_create, &store_args);
  CLI::App* account_list = account->add_subcommand("list", "list accounts");
  AddStoreOptions(account_list, &store_args);
  CLI::App* account_policy = account->add_subcommand("policy", "set an account's suppression policy");
  account_policy->add_option("name", name, "account name")->required();
  account_policy->add_option("policy", policy_name, "strict or healing")
      ->required()
      ->check(CLI::IsMember({"strict", "healing"}));
  AddStoreOptions(account_policy, &store_args);

  CLI::App* contacts = app.add_subcommand("contacts", "contacts of an account");
  contacts->require_subcommand(1);
  CLI::App* contacts_import = contacts->add_subcommand("import", "import contacts from a CSV with an email column");
  contacts_import->add_option("account", name, "account name")->required();
  contacts_import->add_option("csv", path, "CSV file")->required();
  AddStoreOptions(contacts_import, &store_args);

  CLI::App* contact = app.add_subcommand("contact", "one contact");
  contact->require_subcommand(1);
  CLI::App* contact_show = contact->add_subcommand("show", "bounce state and history of a contact");
  contact_show->add_option("account", name, "account name")->required();
  contact_show->add_option("address", address, "email address")->required();
  AddStoreOptions(contact_show, &store_args);

  rebound::cli::IngestArgs ingest_args;
  CLI::App* bounce = app.add_subcommand("bounce", "bounces");
  bounce->require_subcommand(1);
  CLI::App* ingest = bounce->add_subcommand("ingest", "classify raw bounces and apply them to the store");
  ingest->add_option("paths", ingest_args.paths, "files, directories, mboxes, or - for stdin")->required();
  ingest->add_option("--account", ingest_args.account,
                     "the account they belong to (default: the send each bounce's original names)");
  ingest->add_flag("--mbox", ingest_args.mbox, "read every file as an mbox");
  ingest->add_option("--recipient", ingest_args.recipient,
                     "pipe transport: the signed return path the bounce came to (needs --config)");
  ingest->add_option("--config", ingest_args.config, "configuration with the return-path keys");
  ingest->add_option("--batch", ingest_args.batch, "records per durable commit")->capture_default_str();
  ingest->add_option("--jobs", ingest_args.jobs,
                     "parallel database connections (default: 4 on PostgreSQL, 1 on SQLite)");
  AddStoreOptions(ingest, &store_args);

  CLI::App* unbounce = app.add_subcommand("unbounce", "lift an account's hard bounce of a contact");
  unbounce->add_option("account", name, "account name")->required();
  unbounce->add_option("address", address, "email address")->required();
  unbounce->add_option("--by", by, "who asks for it")->required();
  unbounce->add_option("--why", why, "why (e.g. the contact's IT allowlisted our IPs)")->required();
  unbounce->add_flag("--confirm", confirm, "confirm lifting an UNKNOWN_USER or MAILBOX_FULL bounce");
  AddStoreOptions(unbounce, &store_args);

  CLI::App* suppressions = app.add_subcommand("suppressions", "an account's suppression list");
  suppressions->require_subcommand(1);
  CLI::App* suppressions_list = suppressions->add_subcommand("list", "list suppressed contacts");
  suppressions_list->add_option("account", name, "account name")->required();
  AddStoreOptions(suppressions_list, &store_args);
  CLI::App* suppressions_export = suppressions->add_subcommand("export", "export suppressed contacts as CSV");
  suppressions_export->add_option("account", name, "account name")->required();
  AddStoreOptions(suppressions_export, &store_args);

  CLI::App* suppressions_add = suppressions->add_subcommand("add", "suppress a contact by hand, with a reason");
  suppressions_add->add_option("account", name, "account name")->required();
  suppressions_add->add_option("address", address, "email address")->required();
  suppressions_add->add_option("--by", by, "who asks for it")->required();
  suppressions_add->add_option("--why", why, "why")->required();
  AddStoreOptions(suppressions_add, &store_args);
  CLI::App* suppressions_remove =
      suppressions->add_subcommand("remove", "lift a suppression of the account (audited like an unbounce)");
  suppressions_remove->add_option("account", name, "account name")->required();
  suppressions_remove->add_option("address", address, "email address")->required();
  suppressions_remove->add_option("--by", by, "who asks for it")->required();
  suppressions_remove->add_option("--why", why, "why")->required();
  suppressions_remove->add_flag("--confirm", confirm, "confirm lifting an UNKNOWN_USER or MAILBOX_FULL bounce");
  AddStoreOptions(suppressions_remove, &store_args);

  std::string scope = "write";
  std::string key_name;
  bool operator_key = false;
  int64_t key_id = 0;
  CLI::App* apikey = app.add_subcommand("apikey", "API keys of an account, or of the platform's operators");
  apikey->require_subcommand(1);
  CLI::App* apikey_create = apikey->add_subcommand("create", "create a key; it is printed once, on the last line");
  apikey_create->add_option("account", name, "account name (not with --operator)");
  apikey_create->add_option("--scope", scope, "read or write")
      ->check(CLI::IsMember({"read", "write"}))
      ->capture_default_str();
  apikey_create->add_option("--name", key_name, "what the key is for");
  apikey_create->add_flag("--operator", operator_key, "an operator key (cross-account resources)");
  AddStoreOptions(apikey_create, &store_args);
  CLI::App* apikey_list = apikey->add_subcommand("list", "list keys: prefix, name, scope, last used");
  apikey_list->add_option("account", name, "account name (not with --operator)");
  apikey_list->add_flag("--operator", operator_key, "the operator keys");
  AddStoreOptions(apikey_list, &store_args);
  CLI::App* apikey_revoke = apikey->add_subcommand("revoke", "revoke a key");
  apikey_revoke->add_option("account", name, "account name (not with --operator)");
  apikey_revoke->add_option("id", key_id, "key id (from apikey list)")->required();
  apikey_revoke->add_flag("--operator", operator_key, "an operator key");
  AddStoreOptions(apikey_revoke, &store_args);
  for (CLI::App* sub : {apikey_create, apikey_list, apikey_revoke}) {
    sub->callback([&, sub] {
      if (operator_key == !name.empty()) {
        throw CLI::ValidationError(sub->get_name(), "name an account, or give --operator");
      }
    });
  }

  bool operator_user = false;
  std::vector<std::string> user_args;
  CLI::App* user = app.add_subcommand("user", "people who sign in to the web UI");
  user->require_subcommand(1);
  CLI::App* user_create = user->add_subcommand(
      "create", "create a user: ACCOUNT EMAIL, or --operator EMAIL; the password is read from standard input");
  user_create->add_option("account_email", user_args, "ACCOUNT EMAIL, or EMAIL with --operator")->required();
  user_create->add_flag("--operator", operator_user, "a platform operator");
  AddStoreOptions(user_create, &store_args);
  CLI::App* user_list = user->add_subcommand("list", "list users of ACCOUNT, or the operators with --operator");
  user_list->add_option("account", user_args, "account name (not with --operator)");
  user_list->add_flag("--operator", operator_user, "the platform operators");
  AddStoreOptions(user_list, &store_args);

  CLI::App* global = app.add_subcommand("global", "globally bounced addresses (operators)");
  global->require_subcommand(1);
  CLI::App* global_list = global->add_subcommand("list", "list globally bounced addresses");
  AddStoreOptions(global_list, &store_args);
  CLI::App* global_clear = global->add_subcommand("clear", "lift the global bounce of an address");
  global_clear->add_option("address", address, "email address")->required();
  global_clear->add_option("--operator", operator_name, "the operator lifting it")->required();
  global_clear->add_option("--why", why, "why")->required();
  AddStoreOptions(global_clear, &store_args);

  CLI::App* pending = app.add_subcommand("pending", "sends still being retried");
  pending->require_subcommand(1);
  CLI::App* pending_expire = pending->add_subcommand("expire", "turn PENDING sends older than 72 hours into SOFT");
  AddStoreOptions(pending_expire, &store_args);

  CLI::App* eligibility = app.add_subcommand("eligibility", "which contacts may receive marketing email");
  eligibility->add_option("account", name, "account name")->required();
  eligibility->add_option("file", path, "one address per line, or - for stdin")->required();
  AddStoreOptions(eligibility, &store_args);

  rebound::cli::ServeArgs serve_args;
  std::string verp_value;
  CLI::App* serve = app.add_subcommand(
      "serve", "serve the HTTP API and receive bounces over SMTP or LMTP (see docs/configuration.md)");
  serve->add_option("--config", serve_args.config, "TOML configuration file (docs/configuration.md)");
  serve->add_option("--set", serve_args.overrides, "override a configuration key: dotted.key=value");
  serve->add_flag("--demo", serve_args.demo,
                  "a demo: rebound-demo.db with an account, a user, contacts and bounces; the UI on 127.0.0.1:8080");
  CLI::App* verp = app.add_subcommand("verp", "signed VERP return paths");
  verp->require_subcommand(1);
  CLI::App* verp_address = verp->add_subcommand("address", "the return path of a send");
  verp_address->add_option("send_id", verp_value, "send id")->required();
  CLI::App* verp_check = verp->add_subcommand("check", "verify a return path and print its send id");
  verp_check->add_option("address", verp_value, "address")->required();
  for (CLI::App* sub : {verp_address, verp_check}) {
    sub->add_option("--config", serve_args.config, "TOML configuration file");
    sub->add_option("--set", serve_args.overrides, "override a configuration key: dotted.key=value");
  }

  CLI::App* openapi = app.add_subcommand("openapi", "print the OpenAPI 3.1 document of the HTTP API");

  rebound::cli::SendArgs send_args;
  CLI::App* send = app.add_subcommand("send", "send a marketing email, one message per eligible contact");
  send->add_option("account", send_args.account, "account name");
  send->add_option("--from", send_args.from, "From header, e.g. \"News <news@shop.example>\"");
  send->add_option("--subject", send_args.subject, "subject");
  send->add_option("--body-file", send_args.body_file, "plain-text body");
  send->add_option("--to-file", send_args.to_file, "recipients, one per line, or -");
  send->add_flag("--retry", send_args.retry, "deliver the PENDING sends whose retry is due, expire the old ones");
  send->add_option("--config", serve_args.config, "TOML configuration file");
  send->add_option("--set", serve_args.overrides, "override a configuration key: dotted.key=value");

  rebound::cli::InboxArgs inbox_args;
  CLI::App* inbox = app.add_subcommand("inbox", "connected inboxes: one-to-one email and its bouncebacks");
  inbox->require_subcommand(1);
  CLI::App* inbox_connect = inbox->add_subcommand(
      "connect", "connect a user's mailbox (IMAP + submission); the password, or the OAuth refresh token, on stdin");
  inbox_connect->add_option("account", inbox_args.account, "account name")->required();
  inbox_connect->add_option("--user", inbox_args.user, "the account's user it belongs to")->required();
  inbox_connect->add_option("--address", inbox_args.address, "the mailbox's email address")->required();
  inbox_connect->add_option("--provider", inbox_args.provider, "gmail, office365 or imap (generic)")
      ->check(CLI::IsMember({"gmail", "office365", "imap"}));
  inbox_connect->add_option("--imap-host", inbox_args.imap_host, "IMAP server (generic IMAP)");
  inbox_connect->add_option("--imap-port", inbox_args.imap_port, "IMAP port (993 with tls, 143 with starttls)");
  inbox_connect->add_option("--imap-tls", inbox_args.imap_tls, "tls or starttls")
      ->check(CLI::IsMember({"tls", "starttls"}));
  inbox_connect->add_option("--smtp-host", inbox_args.smtp_host, "submission server (generic IMAP)");
  inbox_connect->add_option("--smtp-port", inbox_args.smtp_port, "submission port (465 with tls, 587 with starttls)");
  inbox_connect->add_option("--smtp-tls", inbox_args.smtp_tls, "tls or starttls")
      ->check(CLI::IsMember({"tls", "starttls"}));
  inbox_connect->add_option("--username", inbox_args.username, "login name (default: the address)");
  inbox_connect->add_option("--auth", inbox_args.auth, "password or oauth2")
      ->check(CLI::IsMember({"password", "oauth2"}));
  inbox_connect->add_option("--token-url", inbox_args.token_url, "OAuth 2.0 token endpoint (presets know theirs)");
  inbox_connect->add_option("--client-id", inbox_args.client_id, "OAuth 2.0 client id");
  inbox_connect->add_flag("--no-verify", inbox_args.no_verify, "store it without logging in first");
  CLI::App* inbox_list = inbox->add_subcommand("list", "list an account's inboxes and their state");
  inbox_list->add_option("account", inbox_args.account, "account name")->required();
  CLI::App* inbox_remove = inbox->add_subcommand("remove", "stop watching an inbox and forget its credentials");
  inbox_remove->add_option("account", inbox_args.account, "account name")->required();
  inbox_remove->add_option("id", inbox_args.id, "inbox id")->required();
  CLI::App* inbox_send = inbox->add_subcommand("send", "send a one-to-one email through an inbox");
  inbox_send->add_option("account", inbox_args.account, "account name")->required();
  inbox_send->add_option("id", inbox_args.id, "inbox id")->required();
  inbox_send->add_option("--to", inbox_args.to, "recipient")->required();
  inbox_send->add_option("--subject", inbox_args.subject, "subject");
  inbox_send->add_option("--body-file", inbox_args.body_file, "plain-text body, or - (default) for stdin");
  for (CLI::App* sub : {inbox_connect, inbox_list, inbox_remove, inbox_send}) {
    sub->add_flag("--json", inbox_args.json, "JSON output");
    sub->add_option("--config", serve_args.config, "TOML configuration file");
    sub->add_option("--set", serve_args.overrides, "override a configuration key: dotted.key=value");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  using namespace rebound::cli;
  if (*account_create) return RunAccountCreate(store_args, name, policy_name);
  if (*account_list) return RunAccountList(store_args);
  if (*account_policy) return RunAccountPolicy(store_args, name, policy_name);
  if (*contacts_import) return RunContactsImport(store_args, name, path);
  if (*contact_show) return RunContactShow(store_args, name, address);
  if (*unbounce) return RunUnbounce(store_args, name, address, by, why, confirm);
  if (*suppressions_list) return RunSuppressions(store_args, name, false);
  if (*suppressions_export) return RunSuppressions(store_args, name, true);
  if (*suppressions_add) return RunSuppress(store_args, name, address, by, why, false, false);
  if (*suppressions_remove) return RunSuppress(store_args, name, address, by, why, true, confirm);
  if (*user_create || *user_list) {
    const size_t want = (operator_user ? 0 : 1) + (*user_create ? 1 : 0);
    if (user_args.size() != want) {
      std::fprintf(stderr, "rebound: user %s takes %s\n", *user_create ? "create" : "list",
                   *user_create ? "ACCOUNT EMAIL, or --operator EMAIL" : "ACCOUNT, or --operator");
      return 2;
    }
    const std::string account_name = operator_user ? "" : user_args[0];
    if (*user_create) return RunUserCreate(store_args, account_name, operator_user, user_args.back());
    return RunUserList(store_args, account_name, operator_user);
  }
  if (*apikey_create) return RunApiKeyCreate(store_args, name, operator_key, scope, key_name);
  if (*apikey_list) return RunApiKeyList(store_args, name, operator_key);
  if (*apikey_revoke) return RunApiKeyRevoke(store_args, name, operator_key, key_id);
  if (*global_list) return RunGlobalList(store_args);
  if (*global_clear) return RunGlobalClear(store_args, address, operator_name, why);
  if (*pending_expire) return RunPendingExpire(store_args);
  if (*eligibility) return RunEligibility(store_args, name, path);
  if (*serve) return RunServe(options, serve_args);
  if (*openapi) return RunOpenApi();
  if (*verp_address) return RunVerp(serve_args, "address", verp_value);
  if (*verp_check) return RunVerp(serve_args, "check", verp_value);

  auto classifier = MakeClassifier(options);
  if (!classifier) return 2;
  if (*classify) {
    classify_args.format = format == "jsonl"   ? OutputFormat::kJsonl
                           : format == "human" ? OutputFormat::kHuman
                                               : OutputFormat::kAuto;
    return RunClassify(*classifier, classify_args);
  }
  if (*reply) return RunClassifyReply(*classifier, reply_args);
  if (*eval) return RunEval(*classifier, eval_args);
  if (*ingest) return RunBounceIngest(*classifier, store_args, ingest_args);
  if (*send) {
    if (!send_args.retry && (send_args.account.empty() || send_args.from.empty() || send_args.body_file.empty() ||
                             send_args.to_file.empty())) {
      std::fprintf(stderr, "rebound: send needs an account, --from, --body-file and --to-file (or --retry)\n");
      return 2;
    }
    return RunSend(*classifier, serve_args, send_args);
  }
  for (CLI::App* sub : {inbox_connect, inbox_list, inbox_remove, inbox_send}) {
    if (*sub) {
      inbox_args.action = sub->get_name();
      return RunInbox(*classifier, serve_args, inbox_args);
    }
  }
  return 2;
}

}  // namespace

// Failures are reported through exit codes; an exception that escapes
// (out of memory, a library's surprise) is reported too, not a crash.
int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rebound: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "rebound: unexpected error\n");
  }
  return 70;  // EX_SOFTWARE
}
