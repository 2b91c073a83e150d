// rebound: the operator's command line.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"

namespace {

std::unique_ptr<rebound::classify::Classifier> MakeClassifier(const rebound::classify::ClassifierOptions& options) {
  std::string error;
  auto classifier = rebound::classify::Classifier::Create(options, &error);
  if (!classifier) std::fprintf(stderr, "rebound: %s\n", error.c_str());
  return classifier;
}

}  // namespace

int main(int argc, char** argv) {
  using rebound::cli::OutputFormat;
  CLI::App app{"Rebound: bounce classification and management"};
  app.require_subcommand(1);
  rebound::classify::ClassifierOptions options;
  app.add_option("--rules", options.extra_rules, "extra rules (status, phrase or provider lines; see rules/README.md), win over built-in");
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

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  auto classifier = MakeClassifier(options);
  if (!classifier) return 2;
  if (*classify) {
    classify_args.format = format == "jsonl"   ? OutputFormat::kJsonl
                           : format == "human" ? OutputFormat::kHuman
                                               : OutputFormat::kAuto;
    return rebound::cli::RunClassify(*classifier, classify_args);
  }
  if (*reply) return rebound::cli::RunClassifyReply(*classifier, reply_args);
  if (*eval) return rebound::cli::RunEval(*classifier, eval_args);
  return 2;
}
