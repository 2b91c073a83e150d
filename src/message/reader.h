// Reading messages from where they are kept: a file holding one message, an
// mbox, a directory tree (Maildir included) or standard input.
//
// Memory stays bounded whatever the input size: files are read one at a
// time into a reused buffer, an mbox is streamed message by message, and no
// message is kept beyond `max_message_bytes` (+1 byte, so that the parser can
// tell and note the cut).
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace rebound::message {

struct ReadOptions {
  bool force_mbox = false;  // read every file as an mbox
  size_t max_message_bytes = 32u << 20;
};

// Receives each message: `name` is the path as given (joined with the path
// below a directory), plus "#N" for the Nth message of an mbox. `bytes` is
// valid only during the call.
using MessageSink = std::function<void(std::string_view name, std::string_view bytes)>;
// Receives each input that could not be read, with a reason.
using ErrorSink = std::function<void(std::string_view name, std::string_view error)>;

// Reads `path` ("-" for standard input). A file whose first line is an mbox
// "From " separator is read as an mbox. Directories are walked recursively,
// entries in byte order. Returns false when some input could not be read
// (each one reported to `on_error`); the messages that could be read are
// all delivered.
bool ReadMessages(const std::string& path, const ReadOptions& options, const MessageSink& on_message,
                  const ErrorSink& on_error);

}  // namespace rebound::message
