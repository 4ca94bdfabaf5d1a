/* strings: string processing over a generated text of N KiB (default 16384):
 * tokenising (strspn/strcspn), a word-frequency hash table (strcmp),
 * substring search (strstr), line scanning (memchr/strlen/strchr), sorting
 * the distinct words (qsort + strcmp) and memcmp of the text's halves.
 * Prints a checksum; the output depends only on N. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 2463534242u;

static uint32_t next(void)
{
    rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
    return rng;
}

static const char *syll[] = {"ka", "lo", "mi", "ne", "ru", "sta", "qu", "ix", "bel", "tor",
                             "an", "es", "ing", "pre", "zu", "the", "and", "or", "ve", "ly"};

/* The text: lines of words of 1-3 syllables (at most 8420 distinct words),
 * some punctuation. */
static char *make_text(size_t size)
{
    char *t = malloc(size + 64), *p = t;
    int col = 0;
    while ((size_t)(p - t) < size) {
        int n = 1 + next() % 3;
        for (int i = 0; i < n; i++) {
            const char *s = syll[next() % 20];
            size_t l = strlen(s);
            memcpy(p, s, l); p += l;
        }
        uint32_t r = next() % 16;
        *p++ = r == 0 ? ',' : r == 1 ? '.' : ' ';
        if (r <= 1) *p++ = ' ';
        if ((col += n * 3) > 70) { *p++ = '\n'; col = 0; }
    }
    *p = 0;
    return t;
}

#define HSIZE 65536
struct entry { char *word; long count; };
static struct entry table[HSIZE];
static long distinct;

static void count_word(const char *w, size_t len)
{
    char buf[64];
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, w, len); buf[len] = 0;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)buf[i]) * 16777619u;
    for (uint32_t i = h & (HSIZE - 1);; i = (i + 1) & (HSIZE - 1)) {
        if (!table[i].word) {
            table[i].word = strdup(buf); table[i].count = 1; distinct++;
            return;
        }
        if (strcmp(table[i].word, buf) == 0) { table[i].count++; return; }
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    long kib = argc > 1 ? atol(argv[1]) : 16384;
    size_t size = (size_t)kib * 1024;
    char *text = make_text(size);
    uint64_t sum = 0;

    /* tokenise and count words */
    const char *delim = " ,.\n";
    long words = 0;
    for (const char *p = text + strspn(text, delim); *p; p += strspn(p, delim)) {
        size_t l = strcspn(p, delim);
        count_word(p, l);
        words++;
        p += l;
    }
    sum = sum * 31 + words;
    sum = sum * 31 + distinct;

    /* substring search */
    static const char *needles[] = {"stator", "kalomi", "theand", "quix", "prezuly", "bel, "};
    for (int n = 0; n < 6; n++) {
        long hits = 0;
        for (const char *p = text; (p = strstr(p, needles[n])); p++) hits++;
        sum = sum * 31 + hits;
    }

    /* lines: memchr for the newline, strlen/strchr inside each line */
    long lines = 0, commas = 0, longest = 0;
    char *line = malloc(4096);
    size_t len = strlen(text);
    for (const char *p = text; *p;) {
        const char *e = memchr(p, '\n', len - (size_t)(p - text));
        if (!e) e = p + strlen(p);
        size_t l = (size_t)(e - p);
        if (l > 4095) l = 4095;
        memcpy(line, p, l); line[l] = 0;
        for (char *c = line; (c = strchr(c, ',')); c++) commas++;
        long sl = (long)strlen(line);
        if (sl > longest) longest = sl;
        lines++;
        p = *e ? e + 1 : e;
    }
    sum = sum * 31 + lines; sum = sum * 31 + commas; sum = sum * 31 + longest;

    /* sort the distinct words; fold the frequencies in sorted order */
    char **w = malloc(distinct * sizeof *w);
    long k = 0;
    for (long i = 0; i < HSIZE; i++)
        if (table[i].word) w[k++] = table[i].word;
    qsort(w, k, sizeof *w, cmp_str);
    for (long i = 0; i < k; i++) sum = sum * 1099511628211u + (unsigned char)w[i][0] + strlen(w[i]);

    /* memcmp of blocks of the text against each other */
    long less = 0;
    for (size_t off = 0; off + 8192 <= size / 2; off += 4096)
        less += memcmp(text + off, text + size / 2 + off, 8192) < 0;
    sum = sum * 31 + less;

    printf("strings %ld KiB: %ld words, %ld distinct, %ld lines, checksum %016llx\n",
           kib, words, distinct, lines, (unsigned long long)sum);
    return 0;
}
