/* scanf-strto: scanf from stdin, sscanf, strtod/strtof/strtold, strtol
 * family with bases, endptr and errno; all results printed exactly. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void show_d(const char *s)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    int e = errno;
    errno = 0;
    float f = strtof(s, NULL);
    int ef = errno;
    errno = 0;
    long double ld = strtold(s, NULL);
    int el = errno;
    printf("strtod(\"%s\") = %.17g %a end+%td errno %d | f %.9g %d | ld %.21Lg %La %d\n",
           s, d, d, end - s, e, f, ef, ld, ld, el);
}

static void show_l(const char *s, int base)
{
    char *end;
    errno = 0;
    long l = strtol(s, &end, base);
    int e = errno;
    errno = 0;
    unsigned long long u = strtoull(s, NULL, base);
    int eu = errno;
    printf("strtol(\"%s\", %d) = %ld end+%td errno %d | strtoull %llu errno %d\n",
           s, base, l, end - s, e, u, eu);
}

int main(void)
{
    int a, b, c, d;
    double x, y;
    char w1[32], w2[32];
    int n = scanf("%d %d %x %o %lf %lf %31s %31s", &a, &b, &c, &d, &x, &y, w1, w2);
    printf("scanf: n=%d %d %d %d %d %.17g %.17g [%s] [%s]\n", n, a, b, c, d, x, y, w1, w2);
    double v[6];
    n = scanf("%lf %lf %lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]);
    printf("scanf: n=%d", n);
    for (int i = 0; i < n; i++)
        printf(" %a", v[i]);
    printf("\n");
    unsigned long long ull;
    long long ll;
    n = scanf("%llu %lld", &ull, &ll);
    printf("scanf: n=%d %llu %lld\n", n, ull, ll);
    long double l1, l2;
    n = scanf("%Lf %Lf", &l1, &l2);
    printf("scanf: n=%d %La %La %.25Lg\n", n, l1, l2, l1);
    char line[128];
    n = scanf(" %127[^\n]", line);
    printf("scanf: n=%d [%s]\n", n, line);
    int p, q, r;
    n = scanf("%d,%d,%d", &p, &q, &r);
    printf("scanf: n=%d %d %d %d\n", n, p, q, r);
    n = scanf("%d", &p);
    printf("scanf at eof: n=%d feof=%d\n", n, feof(stdin));

    /* sscanf corner cases */
    char s1[16] = "", s2[16] = "";
    int i1 = -1, i2 = -1, cnt = -1;
    n = sscanf("abc123def", "%[a-z]%d%n%s", s1, &i1, &cnt, s2);
    printf("sscanf: n=%d [%s] %d %d [%s]\n", n, s1, i1, cnt, s2);
    n = sscanf("  -0x7fz", "%i%c", &i2, s1);
    printf("sscanf: n=%d %d %c\n", n, i2, s1[0]);
    n = sscanf("12 ab", "%d %d", &i1, &i2);
    printf("sscanf: n=%d\n", n);
    n = sscanf("", "%d", &i1);
    printf("sscanf empty: n=%d\n", n);
    short sh; signed char ch;
    n = sscanf("70000 300", "%hd %hhd", &sh, &ch);
    printf("sscanf: n=%d %hd %hhd\n", n, sh, ch);

    static const char *dstr[] = {
        "0", "-0", "1", "0.1", "1e-400", "1e400", "-1e400", "4.9406564584124654e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "1.7976931348623157e308",
        "1.7976931348623159e308", "0x1p-1074", "0x1.fffffffffffffp1023", "inf", "-Infinity",
        "nan", "nan(123)", "  +3.5xyz", "1e", "e5", ".5", "5.", "-.e1", "9007199254740993",
        "123456789012345678901234567890", "0.30000000000000004", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "0x.8p1", "1_000", "",
    };
    for (size_t i = 0; i < sizeof dstr / sizeof *dstr; i++)
        show_d(dstr[i]);

    static const struct { const char *s; int base; } lstr[] = {
        {"0", 10}, {"-1", 10}, {"2147483647", 10}, {"9223372036854775807", 10},
        {"9223372036854775808", 10}, {"-9223372036854775808", 10},
        {"-9223372036854775809", 10}, {"18446744073709551615", 10},
        {"18446744073709551616", 10}, {"0x7f", 16}, {"0x7f", 0}, {"0X", 0},
        {"0777", 0}, {"0778", 0}, {"z", 36}, {"ZZZZZZZZZZZZZ", 36}, {"101", 2},
        {"  +12abc", 10}, {"-", 10}, {"", 10}, {"12", 1}, {"12", 37}, {"-18446744073709551615", 10},
    };
    for (size_t i = 0; i < sizeof lstr / sizeof *lstr; i++)
        show_l(lstr[i].s, lstr[i].base);
    printf("atoi %d atol %ld atoll %lld atof %.17g\n", atoi(" -123x"), atol("99999999999"),
           atoll("-77"), atof("2.5e-3"));
    intmax_t im = strtoimax("-42", NULL, 0);
    uintmax_t um = strtoumax("0xffffffffffffffff", NULL, 0);
    printf("strtoimax %jd strtoumax %ju\n", im, um);
    return 0;
}
