#include "core/curve.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <zmq_addon.hpp>

#include "core/zap_authenticator.h"

namespace abuseflow::core {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr milliseconds kDeadline(5000);   // generous bound for a condition that should hold
constexpr milliseconds kQuiet(300);       // how long "nothing arrives" is watched

class CurveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("curve_test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  CurveKeyPair NewKeys() {
    auto keys = GenerateCurveKeyPair();
    EXPECT_TRUE(keys.ok()) << keys.status().ToString();
    return keys.ok() ? *keys : CurveKeyPair{};
  }
  // A LinkSecurity with CURVE on, from key files written under dir_.
  LinkSecurity Security(const std::string& name, const CurveKeyPair& keys,
                        std::vector<std::string> allowed, std::string server_key) {
    EXPECT_TRUE(WriteKeyPair(dir_.string(), name, keys).ok());
    SecurityConfig config;
    config.curve = true;
    config.key_file = (dir_ / (name + ".key")).string();
    config.allowed_keys = std::move(allowed);
    config.server_key = std::move(server_key);
    auto security = LinkSecurity::FromConfig(config);
    EXPECT_TRUE(security.ok()) << security.status().ToString();
    return security.ok() ? *security : LinkSecurity();
  }
  void WriteFile(const std::string& name, const std::string& text, mode_t mode) {
    std::ofstream(dir_ / name) << text;
    ::chmod((dir_ / name).c_str(), mode);
  }

  fs::path dir_;
};

// A bound CURVE ROUTER on an ephemeral loopback port, with its authenticator.
struct Server {
  Server(zmq::context_t& ctx, const LinkSecurity& security) : socket(ctx, zmq::socket_type::router) {
    auto a = ZapAuthenticator::Start(ctx, security);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    if (a.ok()) auth = std::move(a).value();
    EXPECT_TRUE(security.ApplyServer(socket).ok());
    socket.set(zmq::sockopt::linger, 0);
    socket.bind("tcp://127.0.0.1:*");
    endpoint = socket.get(zmq::sockopt::last_endpoint);
  }
  // The next message (routing id + payload) within `timeout`, or empty.
  std::vector<zmq::message_t> Receive(milliseconds timeout) {
    std::vector<zmq::message_t> frames;
    zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, timeout) > 0) (void)zmq::recv_multipart(socket, std::back_inserter(frames));
    return frames;
  }
  std::unique_ptr<ZapAuthenticator> auth;  // declared first: outlives the socket
  zmq::socket_t socket;
  std::string endpoint;
};

zmq::socket_t Client(zmq::context_t& ctx, const LinkSecurity& security, const std::string& endpoint) {
  zmq::socket_t socket(ctx, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::linger, 0);
  EXPECT_TRUE(security.ApplyClient(socket, endpoint).ok());
  socket.connect(endpoint);
  socket.send(zmq::str_buffer("hello"), zmq::send_flags::dontwait);
  return socket;
}

bool Replied(zmq::socket_t& client, milliseconds timeout) {
  zmq::pollitem_t item{client.handle(), 0, ZMQ_POLLIN, 0};
  return zmq::poll(&item, 1, timeout) > 0;
}

TEST_F(CurveTest, AllowedKeyDeliversAndGetsAReply) {
  zmq::context_t ctx;
  const CurveKeyPair server_keys = NewKeys(), client_keys = NewKeys();
  Server server(ctx, Security("server", server_keys, {client_keys.public_z85}, ""));
  zmq::socket_t client = Client(ctx, Security("client", client_keys, {}, server_keys.public_z85), server.endpoint);

  std::vector<zmq::message_t> frames = server.Receive(kDeadline);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1].to_string(), "hello");
  EXPECT_EQ(std::string(frames[1].gets("User-Id")), client_keys.public_z85);  // the ZAP reply's user id
  server.socket.send(frames[0], zmq::send_flags::sndmore);
  server.socket.send(zmq::str_buffer("welcome"), zmq::send_flags::none);
  ASSERT_TRUE(Replied(client, kDeadline));
  zmq::message_t reply;
  ASSERT_TRUE(client.recv(reply));
  EXPECT_EQ(reply.to_string(), "welcome");
  EXPECT_EQ(server.auth->accepted(), 1u);
  EXPECT_EQ(server.auth->refused(), 0u);
}

TEST_F(CurveTest, UnknownKeyGetsNothingInAndNothingOutAndIsCounted) {
  zmq::context_t ctx;
  const CurveKeyPair server_keys = NewKeys(), known = NewKeys(), stranger = NewKeys();
  Server server(ctx, Security("server", server_keys, {known.public_z85}, ""));
  zmq::socket_t client = Client(ctx, Security("stranger", stranger, {}, server_keys.public_z85), server.endpoint);

  ASSERT_TRUE(server.auth->WaitForRefused(1, kDeadline));
  EXPECT_TRUE(server.Receive(kQuiet).empty());
  // Nothing out either: a reply addressed to any peer the ROUTER knows cannot reach it.
  EXPECT_FALSE(Replied(client, kQuiet));
  EXPECT_EQ(server.auth->accepted(), 0u);
}

TEST_F(CurveTest, WrongServerKeyGetsNothing) {
  zmq::context_t ctx;
  const CurveKeyPair server_keys = NewKeys(), client_keys = NewKeys(), impostor = NewKeys();
  Server server(ctx, Security("server", server_keys, {client_keys.public_z85}, ""));
  zmq::socket_t monitor(ctx, zmq::socket_type::pair);
  ASSERT_EQ(zmq_socket_monitor(server.socket.handle(), "inproc://curve-test-monitor",
                               ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
                                   ZMQ_EVENT_HANDSHAKE_FAILED_AUTH),
            0);
  monitor.connect("inproc://curve-test-monitor");
  zmq::socket_t client = Client(ctx, Security("client", client_keys, {}, impostor.public_z85), server.endpoint);

  // The server cannot read a HELLO sealed for another key: the handshake fails
  // before ZAP is asked, so nothing is counted there and nothing is delivered.
  zmq::pollitem_t item{monitor.handle(), 0, ZMQ_POLLIN, 0};
  ASSERT_GT(zmq::poll(&item, 1, kDeadline), 0);
  EXPECT_TRUE(server.Receive(kQuiet).empty());
  EXPECT_FALSE(Replied(client, kQuiet));
  EXPECT_EQ(server.auth->accepted(), 0u);
  zmq_socket_monitor(server.socket.handle(), nullptr, 0);
}

TEST_F(CurveTest, PlainSocketsWithoutZapDomainAreNotAffected) {
  zmq::context_t ctx;
  auto auth = ZapAuthenticator::Start(ctx, std::vector<std::string>{});
  ASSERT_TRUE(auth.ok());
  zmq::socket_t pull(ctx, zmq::socket_type::pull), push(ctx, zmq::socket_type::push);
  pull.set(zmq::sockopt::linger, 0);
  push.set(zmq::sockopt::linger, 0);
  pull.bind("tcp://127.0.0.1:*");
  push.connect(pull.get(zmq::sockopt::last_endpoint));
  push.send(zmq::str_buffer("plain"), zmq::send_flags::none);
  zmq::pollitem_t item{pull.handle(), 0, ZMQ_POLLIN, 0};
  ASSERT_GT(zmq::poll(&item, 1, kDeadline), 0);
  EXPECT_EQ((*auth)->refused(), 0u);
}

TEST_F(CurveTest, OneAuthenticatorPerContextAndServersNeedOne) {
  zmq::context_t ctx;
  const LinkSecurity security = Security("server", NewKeys(), {}, "");
  zmq::socket_t socket(ctx, zmq::socket_type::pull);
  EXPECT_FALSE(security.ApplyServer(socket).ok());  // no ZapAuthenticator yet
  auto first = ZapAuthenticator::Start(ctx, security);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(security.ApplyServer(socket).ok());
  auto second = ZapAuthenticator::Start(ctx, security);
  EXPECT_FALSE(second.ok());
  EXPECT_FALSE(ZapAuthenticator::Start(ctx, std::vector<std::string>{"short"}).ok());
}

TEST_F(CurveTest, PlainTcpOnlyOnLoopbackUnlessAllowed) {
  LinkSecurity plain;
  EXPECT_FALSE(plain.enabled());
  for (const char* ok : {"tcp://127.0.0.1:7301", "tcp://127.9.8.7:1", "tcp://localhost:7301", "tcp://[::1]:7301",
                         "inproc://enrich", "ipc:///tmp/af.sock"}) {
    EXPECT_TRUE(plain.CheckEndpoint(ok).ok()) << ok;
  }
  for (const char* bad : {"tcp://10.0.0.1:7301", "tcp://*:7301", "tcp://0.0.0.0:7301", "tcp://[2001:db8::1]:7301",
                          "tcp://sensor.example:7301", "tcp://127.0.0.1:5;10.0.0.1:7301", "udp://127.0.0.1:1"}) {
    EXPECT_FALSE(plain.CheckEndpoint(bad).ok()) << bad;
  }
  Status s = plain.CheckEndpoint("tcp://10.0.0.1:7301");
  EXPECT_NE(s.message().find("allow_plain_tcp"), std::string::npos) << s.message();

  SecurityConfig config;
  config.allow_plain_tcp = true;
  auto allowed = LinkSecurity::FromConfig(config);
  ASSERT_TRUE(allowed.ok());
  EXPECT_TRUE(allowed->CheckEndpoint("tcp://10.0.0.1:7301").ok());
  EXPECT_TRUE(allowed->CheckEndpoint("tcp://127.0.0.1:7301").ok());

  LinkSecurity curve = Security("host", NewKeys(), {}, NewKeys().public_z85);
  EXPECT_TRUE(curve.CheckEndpoint("tcp://10.0.0.1:7301").ok());
  EXPECT_TRUE(curve.Secures("tcp://127.0.0.1:7301"));  // loopback is secured too
  EXPECT_FALSE(curve.Secures("inproc://enrich"));
}

TEST_F(CurveTest, ClientNeedsAServerKeyForItsEndpoint) {
  const CurveKeyPair a = NewKeys(), b = NewKeys();
  ASSERT_TRUE(WriteKeyPair(dir_.string(), "host", a).ok());
  SecurityConfig config;
  config.curve = true;
  config.key_file = (dir_ / "host.key").string();
  config.server_keys["tcp://10.0.0.2:7301"] = b.public_z85;
  auto security = LinkSecurity::FromConfig(config);
  ASSERT_TRUE(security.ok()) << security.status().ToString();
  zmq::context_t ctx;
  zmq::socket_t socket(ctx, zmq::socket_type::push);
  EXPECT_TRUE(security->ApplyClient(socket, "tcp://10.0.0.2:7301").ok());
  Status s = security->ApplyClient(socket, "tcp://10.0.0.3:7301");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("tcp://10.0.0.3:7301"), std::string::npos) << s.message();
  EXPECT_EQ(socket.get(zmq::sockopt::curve_serverkey, 41), b.public_z85);
}

TEST_F(CurveTest, KeyFilesRoundTripAndAreNeverOverwritten) {
  const CurveKeyPair keys = NewKeys();
  ASSERT_TRUE(IsZ85Key(keys.public_z85));
  ASSERT_TRUE(WriteKeyPair((dir_ / "keys").string(), "sensor-1", keys).ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "keys" / "sensor-1.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto read = ReadKeyFile((dir_ / "keys" / "sensor-1.key").string());
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->public_z85, keys.public_z85);
  EXPECT_EQ(read->secret_z85, keys.secret_z85);
  auto pub = ReadPublicKey((dir_ / "keys" / "sensor-1.pub").string());
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(*pub, keys.public_z85);
  std::ifstream in(dir_ / "keys" / "sensor-1.pub");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text.find(keys.secret_z85), std::string::npos);

  Status again = WriteKeyPair((dir_ / "keys").string(), "sensor-1", NewKeys());
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.message().find("refusing to overwrite"), std::string::npos);
  EXPECT_EQ(ReadKeyFile((dir_ / "keys" / "sensor-1.key").string())->secret_z85, keys.secret_z85);
  EXPECT_FALSE(WriteKeyPair(dir_.string(), "../escape", keys).ok());
  EXPECT_FALSE(ReadKeyFile((dir_ / "keys" / "sensor-1.pub").string()).ok());  // no secret in a .pub
}

TEST_F(CurveTest, WorldReadableSecretKeyIsRefused) {
  const CurveKeyPair keys = NewKeys();
  ASSERT_TRUE(WriteKeyPair(dir_.string(), "leaky", keys).ok());
  const std::string path = (dir_ / "leaky.key").string();
  for (mode_t mode : {0644, 0640, 0604, 0660}) {
    ::chmod(path.c_str(), mode);
    auto read = ReadKeyFile(path);
    ASSERT_FALSE(read.ok()) << std::oct << mode;
    EXPECT_NE(read.status().message().find("chmod 600"), std::string::npos) << read.status().message();
    EXPECT_FALSE(ReadPublicKey(path).ok());
  }
  ::chmod(path.c_str(), 0400);
  EXPECT_TRUE(ReadKeyFile(path).ok());
}

TEST_F(CurveTest, MalformedKeysAreRefused) {
  const CurveKeyPair keys = NewKeys(), other = NewKeys();
  const std::string pub = "public-key = \"" + keys.public_z85 + "\"\n";
  WriteFile("short.pub", "public-key = \"" + keys.public_z85.substr(0, 39) + "\"\n", 0644);
  WriteFile("badchar.pub", "public-key = \"" + keys.public_z85.substr(0, 39) + " \"\n", 0644);
  WriteFile("quote.pub", "public-key = \"" + keys.public_z85.substr(0, 39) + "\\\"\n", 0644);
  WriteFile("empty.pub", "# nothing\n", 0644);
  WriteFile("garbage.pub", "hello world\n", 0644);
  WriteFile("huge.pub", std::string(10000, '#'), 0644);
  WriteFile("mismatch.key", pub + "secret-key = \"" + other.secret_z85 + "\"\n", 0600);
  WriteFile("extra.key", pub + "secret-key = \"" + keys.secret_z85 + "\"\nowner = \"x\"\n", 0600);
  for (const char* name : {"short.pub", "badchar.pub", "quote.pub", "empty.pub", "garbage.pub", "huge.pub",
                           "mismatch.key", "extra.key", "missing.pub"}) {
    auto key = ReadPublicKey((dir_ / name).string());
    EXPECT_FALSE(key.ok()) << name;
    if (!key.ok()) {
      EXPECT_NE(key.status().message().find(name), std::string::npos) << key.status().message();
    }
  }
  EXPECT_FALSE(IsZ85Key(keys.public_z85 + "0"));
  EXPECT_FALSE(IsZ85Key(std::string(40, ' ')));
  auto inline_bad = ResolvePublicKey("abc", "security.server_key");
  ASSERT_FALSE(inline_bad.ok());
  EXPECT_NE(inline_bad.status().message().find("security.server_key"), std::string::npos);
  EXPECT_EQ(*ResolvePublicKey(keys.public_z85, "k"), keys.public_z85);
}

}  // namespace
}  // namespace abuseflow::core
