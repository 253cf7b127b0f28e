// What the calling thread's last SVD call ran and why it fell back
// (lai_svd_last_path, lai_svd_fallback_reason).
#pragma once

#include <string>

namespace lai::svd {

void record_path(const std::string& path);
void record_fallback(const std::string& reason);  // "" clears

}  // namespace lai::svd
