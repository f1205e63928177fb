// The texts a build rendered, kept beside its output so that the next build
// renders only the texts that changed (BodyMemo, site.h; docs/incremental.md).
// Only released texts are kept: never a draft's, a restricted paper's or one
// withheld for any reason. The texts are spread over kBodyStoreFiles files
// by key (output.h), each readable by its owner alone: a rebuild writes again
// only the files whose texts changed, and a file spoiled costs only its texts.
#pragma once

#include <filesystem>

#include "site.h"

namespace portal {

// The texts kept beside `output` by a build of this program, with the
// program's identity as the memo's salt; none from a file of the store that
// is missing, unreadable, cut short, changed or another program's.
BodyMemo read_body_store(const std::filesystem::path& output);

// Keeps beside `output` the released texts of `site`, under the keys the
// load gave them in `memo`; a file of the store that would hold the keys it
// held when read is left as it is. A file that cannot be written is removed.
void save_body_store(const std::filesystem::path& output, const Site& site, const BodyMemo& memo);

}  // namespace portal
