// The format prefilter: two vectorscan passes over a message, one over the
// top-level header section and one over the main text, tell which decoders
// of the registry can possibly recognise it, from the marks each registry
// entry declares for each place (see Decoder in formats.h for the contract).
//
// Thread-safety: the mark databases are built once, on first use: loaded
// from PrecompiledMarks() when that was compiled from the same marks for a
// CPU like this one, else compiled from the registry. Candidates may be
// called from any number of threads (each gets its own scratch space on its
// first call).
#pragma once

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

#include "message/message.h"

namespace rebound::formats {

// A set of decoders: bit i stands for Registry()[i].
inline constexpr size_t kMaxDecoders = 128;
using DecoderSet = std::bitset<kMaxDecoders>;

// The decoders that may recognise `message`: every decoder without marks,
// every decoder one of whose header marks occurs in the top-level header
// section (raw, plus the decoded Subject when it is encoded or folded), and
// every decoder one of whose text marks occurs in the main text
// (Message::MainText()). All decoders when the prefilter
// cannot tell (its database failed to compile, or the message is larger
// than the decoding limit, where decoding the main text early could add a
// note that the unfiltered order would not have added).
DecoderSet Candidates(const message::Message& message);

// The header and text marks of Registry()[i], split; for tests and
// diagnostics.
std::vector<std::string> HeaderMarksOf(size_t decoder);
std::vector<std::string> TextMarksOf(size_t decoder);

// Empty when the mark database compiled; else why it did not (then
// Candidates returns every decoder).
const std::string& PrefilterError();

// The mark database, serialized for PrecompiledMarks(); empty when it did
// not compile.
std::string SerializeMarks();

// Whether the mark database came from PrecompiledMarks().
bool PrefilterLoadedPrecompiled();

// The serialized mark database compiled at build time (rebound_rulec), or
// empty in binaries built without it.
std::string_view PrecompiledMarks();

}  // namespace rebound::formats
