#!/usr/bin/env python3
"""Generate speed.sh's fixed inputs (no network, same bytes every time).

usage: gen-data.py text BYTES OUT   a text of words (a Zipf-like vocabulary,
                                    lines of 40-100 characters) for gzip/xz
       gen-data.py sql ROWS OUT     an SQL script for sqlite3: create and
                                    fill tables in one transaction, index,
                                    aggregate, join and sort queries
"""
import random
import sys


def vocabulary(rng, n):
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    weights = [26 - i for i in range(26)]
    return ["".join(rng.choices(letters, weights, k=rng.randint(2, 11))) for _ in range(n)]


def text(size, out):
    rng = random.Random(6)
    vocab = vocabulary(rng, 20000)
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    written = 0
    with open(out, "w") as f:
        while written < size:
            words = rng.choices(vocab, weights, k=4096)
            lines, line = [], []
            for w in words:
                line.append(w)
                if rng.random() < 0.1:
                    lines.append(" ".join(line) + ".\n")
                    line = []
            lines.append(" ".join(line) + "\n")
            chunk = "".join(lines)
            f.write(chunk[: size - written])
            written += len(chunk)


def sql(rows, out):
    rng = random.Random(7)
    cities = ["Oslo", "Lima", "Pune", "Kyiv", "Nice", "Bonn", "Cork", "Gent", "Riga", "Suva"]
    with open(out, "w") as f:
        f.write("PRAGMA journal_mode=OFF;\nPRAGMA synchronous=OFF;\n")
        f.write("CREATE TABLE person(id INTEGER PRIMARY KEY, name TEXT, city TEXT, age INTEGER, score REAL);\n")
        f.write("CREATE TABLE visit(pid INTEGER, day INTEGER, amount INTEGER);\n")
        f.write("BEGIN;\n")
        for i in range(rows):
            name = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(4, 10)))
            f.write("INSERT INTO person VALUES(%d,'%s','%s',%d,%.2f);\n"
                    % (i, name, rng.choice(cities), rng.randint(18, 90), rng.random() * 100))
            for _ in range(rng.randint(0, 3)):
                f.write("INSERT INTO visit VALUES(%d,%d,%d);\n" % (i, rng.randint(1, 365), rng.randint(1, 500)))
        f.write("COMMIT;\n")
        f.write("CREATE INDEX visit_pid ON visit(pid);\nCREATE INDEX person_city ON person(city, age);\n")
        f.write("SELECT city, count(*), min(age), max(age), printf('%.3f', avg(score)) FROM person GROUP BY city ORDER BY city;\n")
        f.write("SELECT p.city, sum(v.amount), count(DISTINCT v.pid) FROM person p JOIN visit v ON v.pid = p.id "
                "WHERE p.age BETWEEN 30 AND 60 GROUP BY p.city ORDER BY 2 DESC;\n")
        f.write("SELECT name, age FROM person WHERE name LIKE '%qu%' ORDER BY score DESC, id LIMIT 5;\n")
        f.write("SELECT count(*) FROM (SELECT pid FROM visit GROUP BY pid HAVING sum(amount) > 600);\n")
        f.write("SELECT day, sum(amount) FROM visit GROUP BY day ORDER BY 2 DESC, 1 LIMIT 3;\n")
        f.write("UPDATE person SET score = score * 1.5 WHERE city IN ('Oslo', 'Riga');\n")
        f.write("DELETE FROM visit WHERE amount < 50;\n")
        f.write("SELECT count(*), sum(amount) FROM visit;\n")
        f.write("SELECT printf('%.2f', sum(score)) FROM person WHERE id % 7 = 3;\n")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("text", "sql"):
        sys.exit(__doc__)
    {"text": text, "sql": sql}[sys.argv[1]](int(sys.argv[2]), sys.argv[3])


main()
