// lai-gen: thin entry point; everything lives in lai_gen_core (cli.cpp).
#include <iostream>

#include "lai_gen/cli.hpp"

int main(int argc, char** argv) { return lai::gen::run_cli(argc, argv, std::cout, std::cerr); }
