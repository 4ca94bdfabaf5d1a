"""speed.sh's python3 benchmark: a pure-Python workload of N rounds
(loops, integer arithmetic, dicts, string formatting/splitting/joining,
sorting, small classes, recursion).  Prints a checksum; deterministic when
run with PYTHONHASHSEED=0 (speed.sh's environment)."""
import sys


class Point:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y

    def norm1(self):
        return abs(self.x) + abs(self.y)


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    s = 12345
    words = {}
    acc = 0
    pts = []
    for i in range(n):
        s = (s * 1103515245 + 12345) & 0x7FFFFFFF
        w = "w%x" % (s % 5003)
        words[w] = words.get(w, 0) + 1
        acc = (acc * 31 + len(w) + i) % 1000000007
        if i % 8 == 0:
            pts.append(Point(s % 1000 - 500, (s >> 10) % 1000 - 500))
    text = " ".join("%s:%d" % kv for kv in sorted(words.items()))
    parts = text.split()
    acc = (acc + len(parts) + text.count("w1") + text.upper().find("W2A")) % 1000000007
    for p in parts:
        k, v = p.split(":")
        acc = (acc * 7 + int(v) * len(k)) % 1000000007
    pts.sort(key=Point.norm1)
    acc = (acc + sum(p.norm1() for p in pts[::97])) % 1000000007
    squares = {i: i * i for i in range(n // 10)}
    acc = (acc + sum(v for k, v in squares.items() if k % 3 == 0)) % 1000000007
    acc = (acc + fib(18 + n // 100000)) % 1000000007
    print("python3 %d rounds: %d words, checksum %d" % (n, len(words), acc))


main()
