#include "lai_gen/info.hpp"

#include <iomanip>
#include <sstream>

#include "lai_gen/optimizer.hpp"

namespace lai::gen {

std::string format_info(const Scheme& s, const std::string& display) {
  const OptimizedScheme opt = optimize_scheme(s);
  std::ostringstream o;
  o << display << ": " << s.name << " <" << s.m << "," << s.k << "," << s.n << ";" << s.rank << ">\n"
    << "  multiplications: " << s.rank << " (classical " << s.m * s.k * s.n << ")\n"
    << "  non-zeros:       " << s.nonzeros() << "\n"
    << "  field:           " << (s.integral() ? "Z (integer coefficients)" : "Q (rational coefficients)") << "\n"
    << "  additions           before   after  temporaries\n";
  auto row = [&](const char* name, std::size_t before, std::size_t after, const std::string& temps) {
    o << "    " << std::left << std::setw(16) << name << std::right << std::setw(6) << before << std::setw(8) << after
      << std::setw(13) << temps << "\n";
  };
  row("left (A side)", opt.left.additions_before, opt.left.additions_after(), std::to_string(opt.left.temps.size()));
  row("right (B side)", opt.right.additions_before, opt.right.additions_after(), std::to_string(opt.right.temps.size()));
  row("output (C side)", opt.output.additions_before, opt.output.additions_after(),
      std::to_string(opt.output.temps.size()));
  row("total", opt.additions_before(), opt.additions_after(), "");
  return o.str();
}

}  // namespace lai::gen
