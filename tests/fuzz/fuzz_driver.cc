// A plain driver for the libFuzzer entry points, for compilers without
// libFuzzer (GCC): runs LLVMFuzzerTestOneInput over every file of a seed
// folder, then over N deterministic mutations of them (byte flips, inserted
// tokens, deletions, duplications, splices of two seeds), and exits 0 if
// nothing crashed. Bounded: every input is at most kMaxInput bytes.
//
//   fuzz_driver SEED_DIR [ITERATIONS]
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr size_t kMaxInput = 70 * 1024;
constexpr uint32_t kSeed = 20010918;
const char* const kTokens[] = {"\t", " ", "{", "}", "[", "]", "\"", ":", "/", ".", "999.1.1.1", "::ffff:",
                               " from ", " port ", "%u9090", "%255c", "\xff", "\xc0\xaf", "\r", "#Fields: ",
                               "#fields\t", "[**] [", " -> ", "IN= OUT=", "65536", "-0400", "Feb 30"};

std::vector<std::string> ReadSeeds(const std::filesystem::path& dir) {
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return seeds;
}

std::string Mutate(const std::vector<std::string>& seeds, std::mt19937& rng) {
  std::string s = seeds[rng() % seeds.size()];
  const int steps = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < steps; ++i) {
    const size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0:
        if (!s.empty()) s[at % s.size()] = static_cast<char>(rng() & 0xff);
        break;
      case 1:
        s.insert(at, kTokens[rng() % std::size(kTokens)]);
        break;
      case 2:
        s.erase(at, rng() % 16);
        break;
      case 3:
        if (!s.empty()) s.insert(at, s.substr(at % s.size(), rng() % 64));
        break;
      default: {
        const std::string& other = seeds[rng() % seeds.size()];
        s = s.substr(0, at) + other.substr(other.empty() ? 0 : rng() % other.size());
      }
    }
  }
  if (s.size() > kMaxInput) s.resize(kMaxInput);
  return s;
}

int Run(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " SEED_DIR [ITERATIONS]\n";
    return 2;
  }
  const std::vector<std::string> seeds = ReadSeeds(argv[1]);
  if (seeds.empty()) {
    std::cerr << argv[0] << ": no seed files in " << argv[1] << "\n";
    return 2;
  }
  const long iterations = argc > 2 ? std::stol(argv[2]) : 10000;
  for (const std::string& seed : seeds) Run(seed);
  Run(std::string(kMaxInput, 'A'));
  std::mt19937 rng(kSeed);
  for (long i = 0; i < iterations; ++i) Run(Mutate(seeds, rng));
  std::cout << seeds.size() << " seeds, " << iterations << " mutations: ok\n";
  return 0;
}
