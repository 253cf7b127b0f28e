// Per-thread storage behind lai_last_error(): a message belongs to the thread
// whose call failed, so concurrent callers never see each other's errors.
#pragma once

#include <string>

namespace lai {

void set_last_error(std::string message);
const char* last_error() noexcept;

}  // namespace lai
