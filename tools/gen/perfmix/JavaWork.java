// Java part of the perfmix benchmark workload (see record.sh). Run with
//   java -XX:+PreserveFramePointer -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit
// so perf can walk JIT-compiled frames and HotSpot writes /tmp/perf-<pid>.map when it
// exits; `perf script` then names those frames from the map (`JavaWork$Tree::insert`,
// `java.util.HashMap::putVal`). A fixed amount of work on THREADS named threads.
//
// Usage: java … JavaWork THREADS ROUNDS

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class JavaWork {
  static final class Tree {
    long key;
    Tree left, right;

    Tree(long k) {
      key = k;
    }

    static Tree insert(Tree t, long k) {
      if (t == null) return new Tree(k);
      if (k < t.key) t.left = insert(t.left, k);
      else t.right = insert(t.right, k);
      return t;
    }

    static long walk(Tree t, long depth) {
      if (t == null) return depth;
      long l = walk(t.left, depth + 1);
      long r = walk(t.right, depth + 1);
      return (l * 31 + r) ^ t.key;
    }
  }

  interface Visitor {
    long visit(int depth, long seed);
  }

  // Two visitors calling each other through the interface: deep, alternating frames.
  static final class Descend implements Visitor {
    Visitor other;

    public long visit(int depth, long seed) {
      if (depth == 0) return leaf(seed);
      long r = (depth % 3 == 0 ? this : other).visit(depth - 1, seed * 6364136223846793005L + 1442695040888963407L);
      return r + depth;
    }
  }

  static final class Ascend implements Visitor {
    Visitor other;

    public long visit(int depth, long seed) {
      if (depth == 0) return leaf(seed ^ 0x5bd1e995L);
      long r = other.visit(depth - 1, seed * 2862933555777941757L + 3037000493L);
      return r ^ depth;
    }
  }

  static long leaf(long seed) {
    Map<String, Integer> counts = new HashMap<>();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      sb.setLength(0);
      sb.append("key-").append((seed >>> (i % 40)) % 257);
      counts.merge(sb.toString(), 1, Integer::sum);
    }
    return counts.size();
  }

  static long treeWork(long seed) {
    Tree t = null;
    long x = seed;
    for (int i = 0; i < 2000; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      t = Tree.insert(t, i % 89 == 0 ? i : x >>> 20);
    }
    return Tree.walk(t, 1);
  }

  static long run(int id, int rounds) {
    Descend v = new Descend();
    Ascend a = new Ascend();
    v.other = a;
    a.other = v;
    long acc = 0;
    for (int r = 0; r < rounds; r++) {
      long seed = r * 7919L + id * 104729L;
      acc += (r % 2 == 0) ? treeWork(seed) : v.visit(20 + r % 16, seed);
    }
    return acc;
  }

  public static void main(String[] args) throws InterruptedException {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    long[] sums = new long[threads];
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      final int id = i;
      Thread t = new Thread(() -> sums[id] = run(id, rounds), "java worker " + i);
      ts.add(t);
      t.start();
    }
    long total = 0;
    for (int i = 0; i < threads; i++) {
      ts.get(i).join();
      total += sums[i];
    }
    System.out.println("javawork: " + threads + " threads x " + rounds + " rounds, sink " + total);
  }
}
