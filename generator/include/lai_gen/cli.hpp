// The lai-gen command line, as a library function so tests can run it in-process.
#pragma once

#include <ostream>

namespace lai::gen {

// Exit codes: 0 success, 1 verification failure, 2 unreadable or malformed
// input (or bad command line), 3 an output could not be written.
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace lai::gen
