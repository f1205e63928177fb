// What `portal --version` says.
#pragma once

namespace portal {

// `git describe --always --dirty --tags` of the checkout the program was
// built from, or "" when it was not built from one.
const char* git_description();

}  // namespace portal
