// C++ part of the perfmix benchmark workload (see record.sh): a fixed amount of CPU
// work on several named threads, with deep and varied call stacks so the `perf script`
// dump has long frame lists and long demangled names (templates, namespaces, an
// anonymous namespace, operators, lambdas).
//
// Build: g++ -O2 -fno-omit-frame-pointer -g -pthread cppwork.cpp -o cppwork
// Run:   cppwork THREADS ROUNDS   (the work is fixed, not timed: CPU time, and so the
//        number of samples, does not depend on how busy the machine is)
//
// Every recursive function is noinline and does work after its recursive call, so -O2
// neither inlines nor turns the recursion into a loop; the frames stay on the stack.

#include <pthread.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#define NOINLINE __attribute__((noinline))

static volatile uint64_t g_sink;

namespace stacklens {
namespace bench {

// --- 1. a recursive-descent expression evaluator over nested input: one frame per
// nesting level and per grammar rule (expr -> term -> factor -> expr ...).
class ExprParser {
 public:
  explicit ExprParser(const std::string& s) : s_(s) {}
  NOINLINE int64_t parseExpr() {
    int64_t v = parseTerm();
    while (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) {
      char op = s_[pos_++];
      int64_t r = parseTerm();
      v = op == '+' ? v + r : v - r;
    }
    return v;
  }

 private:
  NOINLINE int64_t parseTerm() {
    int64_t v = parseFactor();
    while (pos_ < s_.size() && s_[pos_] == '*') {
      pos_++;
      v = (v * parseFactor()) % 1000003;
    }
    return v;
  }
  NOINLINE int64_t parseFactor() {
    if (s_[pos_] == '(') {
      pos_++;
      int64_t v = parseExpr();
      pos_++;  // ')'
      return v + 1;
    }
    int64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') v = v * 10 + (s_[pos_++] - '0');
    return v;
  }
  const std::string& s_;
  size_t pos_ = 0;
};

static std::string nestedExpr(int depth, uint32_t seed) {
  std::string s;
  for (int i = 0; i < depth; i++) {
    s += std::to_string((seed >> (i % 13)) % 97);
    s += (i % 3 == 0) ? "*(" : "+(";
  }
  s += "7";
  for (int i = 0; i < depth; i++) s += ")";
  return s;
}

// --- 2. a template pipeline: Stage<N> calls Stage<N-1>, so each level is a distinct
// function with a long demangled name.
template <int N, typename T>
struct Stage {
  NOINLINE static T run(std::vector<T>& v, T acc) {
    T r = Stage<N - 1, T>::run(v, acc + static_cast<T>(N));
    for (size_t i = N % 4; i < v.size(); i += 4) r += v[i] * static_cast<T>(N);
    return r;
  }
};
template <typename T>
struct Stage<0, T> {
  NOINLINE static T run(std::vector<T>& v, T acc) {
    T r = acc;
    for (auto& x : v) {
      x = x * static_cast<T>(3) + static_cast<T>(1);
      r ^= x;
    }
    return r;
  }
};

// --- 3. a binary tree built and walked recursively (depth ~ log n, plus a deliberately
// unbalanced spine).
struct Node {
  uint64_t key;
  Node* left = nullptr;
  Node* right = nullptr;
};

class Tree {
 public:
  ~Tree() { destroy(root_); }
  NOINLINE void insert(uint64_t k) { root_ = insertAt(root_, k); }
  NOINLINE uint64_t checksum() const { return walk(root_, 1); }

 private:
  NOINLINE static Node* insertAt(Node* n, uint64_t k) {
    if (n == nullptr) {
      Node* m = new Node;
      m->key = k;
      return m;
    }
    if (k < n->key) n->left = insertAt(n->left, k);
    else n->right = insertAt(n->right, k);
    return n;
  }
  NOINLINE static uint64_t walk(const Node* n, uint64_t depth) {
    if (n == nullptr) return depth;
    uint64_t l = walk(n->left, depth + 1);
    uint64_t r = walk(n->right, depth + 1);
    return (l * 31 + r) ^ n->key;
  }
  static void destroy(Node* n) {
    while (n != nullptr) {
      destroy(n->left);
      Node* r = n->right;
      delete n;
      n = r;
    }
  }
  Node* root_ = nullptr;
};

// --- 4. mutual recursion and an operator.
NOINLINE bool isOdd(uint32_t n);
NOINLINE bool isEven(uint32_t n) {
  if (n == 0) return true;
  bool r = isOdd(n - 1);
  g_sink = g_sink + 1;
  return r;
}
NOINLINE bool isOdd(uint32_t n) {
  if (n == 0) return false;
  bool r = isEven(n - 1);
  g_sink = g_sink + 1;
  return r;
}

struct Matrix {
  double a[16][16];
};
NOINLINE Matrix operator*(const Matrix& x, const Matrix& y) {
  Matrix m{};
  for (int i = 0; i < 16; i++)
    for (int k = 0; k < 16; k++)
      for (int j = 0; j < 16; j++) m.a[i][j] += x.a[i][k] * y.a[k][j];
  return m;
}

}  // namespace bench
}  // namespace stacklens

namespace {

using namespace stacklens::bench;

// Recursion that picks one of several paths at each level, so the dump has many
// distinct stacks sharing prefixes (as a real service's call graph does).
NOINLINE uint64_t dispatch(int depth, uint32_t seed, std::map<int, uint64_t>& memo);

NOINLINE uint64_t pathParse(int depth, uint32_t seed, std::map<int, uint64_t>& memo) {
  if (depth > 0 && seed % 5 != 0) return dispatch(depth - 1, seed * 1103515245u + 12345u, memo) + 1;
  std::string e = nestedExpr(24 + seed % 16, seed);
  ExprParser p(e);
  return static_cast<uint64_t>(p.parseExpr());
}

NOINLINE uint64_t pathPipeline(int depth, uint32_t seed, std::map<int, uint64_t>& memo) {
  if (depth > 0 && seed % 4 != 0) return dispatch(depth - 1, seed * 22695477u + 1u, memo) * 3;
  std::vector<uint64_t> v(512, seed);
  return Stage<24, uint64_t>::run(v, seed);
}

NOINLINE uint64_t pathTree(int depth, uint32_t seed, std::map<int, uint64_t>& memo) {
  if (depth > 0 && seed % 3 != 0) return dispatch(depth - 1, seed * 134775813u + 1u, memo) ^ 5;
  Tree t;
  uint64_t x = seed;
  for (int i = 0; i < 1500; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    t.insert(i % 97 == 0 ? static_cast<uint64_t>(i) : x >> 20);
  }
  return t.checksum();
}

NOINLINE uint64_t pathMath(int depth, uint32_t seed, std::map<int, uint64_t>& memo) {
  if (depth > 0 && seed % 2 != 0) return dispatch(depth - 1, seed * 69069u + 1u, memo) + 7;
  Matrix m{};
  for (int i = 0; i < 16; i++) m.a[i][i] = 1.0 + (seed % 7);
  Matrix r = m * m;
  r = r * m;
  uint64_t even = isEven(200 + seed % 200) ? 1 : 0;
  std::vector<uint32_t> v(2048);
  for (size_t i = 0; i < v.size(); i++) v[i] = static_cast<uint32_t>((i * 2654435761u) ^ seed);
  std::sort(v.begin(), v.end(), [](uint32_t a, uint32_t b) { return (a & 0xffff) < (b & 0xffff); });
  memo[seed % 64] += v[7];
  return static_cast<uint64_t>(r.a[3][3]) + even + v[3];
}

NOINLINE uint64_t dispatch(int depth, uint32_t seed, std::map<int, uint64_t>& memo) {
  switch ((seed >> 7) % 4) {
    case 0: return pathParse(depth, seed, memo);
    case 1: return pathPipeline(depth, seed, memo);
    case 2: return pathTree(depth, seed, memo);
    default: return pathMath(depth, seed, memo);
  }
}

void worker(int id, int rounds) {
  // Thread names with spaces and digits, as real services name their threads.
  char name[16];
  snprintf(name, sizeof name, "cpp worker %d", id);
  pthread_setname_np(pthread_self(), name);
  std::map<int, uint64_t> memo;
  uint64_t acc = 0;
  for (int r = 0; r < rounds; r++) acc += dispatch(12 + r % 20, static_cast<uint32_t>(r * 7919 + id * 104729), memo);
  g_sink = g_sink + acc;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 8;
  int rounds = argc > 2 ? atoi(argv[2]) : 2000;
  std::vector<std::thread> ts;
  for (int i = 0; i < threads; i++) ts.emplace_back(worker, i, rounds);
  for (auto& t : ts) t.join();
  printf("cppwork: %d threads x %d rounds, sink %llu\n", threads, rounds, static_cast<unsigned long long>(g_sink));
  return 0;
}
