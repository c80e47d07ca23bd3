// `abuseflow keys generate|show`: CURVE key files for the links between hosts
// (core/curve.h, docs/security.md).
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "core/curve.h"

namespace abuseflow::cli {
namespace {

// Writes DIR/NAME.key and DIR/NAME.pub; the public key goes to standard
// output (for scripts), the file names to standard error.
int KeysGenerateCommand(const std::string& dir, const std::string& name) {
  auto keys = core::GenerateCurveKeyPair();
  if (!keys.ok()) {
    std::cerr << "abuseflow keys generate: " << keys.status().message() << "\n";
    return 1;
  }
  if (core::Status s = core::WriteKeyPair(dir, name, *keys); !s.ok()) {
    std::cerr << "abuseflow keys generate: " << s.message() << "\n";
    return 1;
  }
  const std::filesystem::path base(dir);
  std::cerr << "wrote " << (base / (name + ".key")).string() << " (secret: keep it on this host, mode 0600)\n"
            << "wrote " << (base / (name + ".pub")).string() << " (public: give it to the peers)\n";
  std::cout << keys->public_z85 << "\n";
  return 0;
}

// Prints the public key of a .pub or .key file.
int KeysShowCommand(const std::string& path) {
  auto key = core::ReadPublicKey(path);
  if (!key.ok()) {
    std::cerr << "abuseflow keys show: " << key.status().message() << "\n";
    return 1;
  }
  std::cout << *key << "\n";
  return 0;
}

}  // namespace

void AddKeysCommands(CLI::App& app, int* exit_code) {
  struct Options {
    std::string dir, name, file;
  };
  auto o = std::make_shared<Options>();
  CLI::App* keys = app.add_subcommand("keys", "CURVE keys for the links between hosts (docs/security.md)");
  keys->require_subcommand(1);

  CLI::App* generate = keys->add_subcommand(
      "generate", "Write a new key pair: DIR/NAME.key (secret, mode 0600) and DIR/NAME.pub; print the public key");
  generate->add_option("--dir", o->dir, "directory for the two files (created, mode 0700)")->required();
  generate->add_option("--name", o->name, "the key's name: letters, digits, '.', '_', '-'")->required();
  generate->callback([o, exit_code] { *exit_code = KeysGenerateCommand(o->dir, o->name); });

  CLI::App* show = keys->add_subcommand("show", "Print the public key of a .pub or .key file");
  show->add_option("file", o->file, "NAME.pub or NAME.key")->required();
  show->callback([o, exit_code] { *exit_code = KeysShowCommand(o->file); });
}

}  // namespace abuseflow::cli
