// Renders many Markdown bodies at once. cmark-gfm 0.29's parser edits
// globals, so within one process parses take turns (markdown.cpp); worker
// processes forked from this one each have their own, and parse in parallel.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "markdown.h"

namespace portal {

struct BodyRendering {
  int jobs = 1;
  // Fork jobs - 1 worker processes when there are at least this many bodies
  // (0: never). A worker runs only `render` and leaves with _exit, so it is
  // safe to fork while other threads run; a process that serves requests
  // (the preview) keeps to threads all the same.
  std::size_t fork_from = 0;
};

// out[i] = render(i) for each i of `which`, rendered in this process on up to
// `jobs` threads, or shared between it and worker processes. The result is
// the same either way; a worker that fails has its share rendered here.
void render_bodies(const std::vector<std::size_t>& which, const BodyRendering& how,
                   const std::function<RenderedMarkdown(std::size_t)>& render, std::vector<RenderedMarkdown>& out);

}  // namespace portal
