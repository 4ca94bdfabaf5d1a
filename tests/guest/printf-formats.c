/* printf-formats: integer, string and floating-point conversions with flags,
 * widths and precisions; every line is deterministic (no %p). */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const long long ints[] = {
    0, 1, -1, 7, -7, 42, 255, 256, -128, 1000000, -999999, INT_MAX, INT_MIN,
    UINT_MAX, LLONG_MAX, LLONG_MIN, 0x123456789abcdefLL, -0x10000000000LL,
};
static const char *ifmts[] = {
    "%d", "%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%8.3d", "%-+8.3d|",
    "%i", "%x", "%#x", "%X", "%#10X", "%o", "%#o", "%u", "%hd", "%hhd",
    "%hx", "%hhu", "%ld", "%lld", "%llx", "%#llo", "%lu", "%zd", "%jd", "%.0d",
    "%'d", "%*d", "%-*d|", "%.*d",
};

static const double dbls[] = {
    0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 0.25, 1.5, 2.5, -2.5, 3.14159265358979,
    1e-300, 1e300, DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 5e-324, 123456789.125,
    0.000123456, 9.9999999, 0.05, 0.15, 0.35, 1e21, 1e22, 123456789012345678.0,
    -1.2345e-5, 6.02214076e23, 2.0 / 3.0, 1.0 / 7.0, 999.5, 1000.5, 0.995,
};
static const char *dfmts[] = {
    "%f", "%.0f", "%.1f", "%.2f", "%.10f", "%10.3f", "%-10.3f|", "%+f", "% f",
    "%010.2f", "%#.0f", "%e", "%.0e", "%.3e", "%E", "%+12.4e", "%#.0e", "%g",
    "%.0g", "%.1g", "%.3g", "%.10g", "%.17g", "%G", "%#g", "%-12g|", "%a",
    "%.0a", "%.3a", "%A", "%.20f", "%.30e",
};

static const long double ldbls[] = {
    0.0L, 1.0L, -1.0L, 0.1L, 1.0L / 3.0L, 3.14159265358979323846264338L,
    1e-4000L, 1e4000L, LDBL_MAX, LDBL_MIN, LDBL_EPSILON, 123456789.125L,
    -2.5L, 0.5L, 1e19L, 18446744073709551615.0L,
};
static const char *lfmts[] = {
    "%Lf", "%.0Lf", "%.3Lf", "%.20Lf", "%Le", "%.3Le", "%.25Le", "%Lg",
    "%.3Lg", "%.21Lg", "%La", "%20.5Lf", "%-+14.6Lg|",
};

int main(void)
{
    unsigned n = 0;
    for (size_t f = 0; f < sizeof ifmts / sizeof *ifmts; f++)
        for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
            char buf[128];
            const char *fmt = ifmts[f];
            long long v = ints[i];
            int r;
            if (strstr(fmt, "ll") || strchr(fmt, 'j'))
                r = snprintf(buf, sizeof buf, fmt, v);
            else if (strchr(fmt, 'l') || strchr(fmt, 'z'))
                r = snprintf(buf, sizeof buf, fmt, (long)v);
            else if (strchr(fmt, '*'))
                r = snprintf(buf, sizeof buf, fmt, (int)(i % 12), (int)v);
            else
                r = snprintf(buf, sizeof buf, fmt, (int)v);
            printf("%-8s %20lld -> [%s] %d\n", fmt, v, buf, r);
            n++;
        }
    for (size_t f = 0; f < sizeof dfmts / sizeof *dfmts; f++)
        for (size_t i = 0; i < sizeof dbls / sizeof *dbls; i++) {
            char buf[512];
            int r = snprintf(buf, sizeof buf, dfmts[f], dbls[i]);
            printf("%-8s #%-2zu -> [%s] %d\n", dfmts[f], i, buf, r);
            n++;
        }
    const double special[] = {INFINITY, -INFINITY, NAN, -NAN};
    const char *sfmts[] = {"%f", "%e", "%g", "%a", "%F", "%E", "%G", "%A",
                           "%10f|", "%-10e|", "%+g", "%010f"};
    for (size_t f = 0; f < sizeof sfmts / sizeof *sfmts; f++)
        for (size_t i = 0; i < 4; i++) {
            char buf[64];
            snprintf(buf, sizeof buf, sfmts[f], special[i]);
            printf("%-8s special %zu -> [%s]\n", sfmts[f], i, buf);
        }
    for (size_t f = 0; f < sizeof lfmts / sizeof *lfmts; f++)
        for (size_t i = 0; i < sizeof ldbls / sizeof *ldbls; i++) {
            char buf[5200];
            if (i >= 7 && i <= 8 && f > 0 && strchr(lfmts[f], 'f'))
                continue;   /* thousands of digits: once (%Lf) is enough */
            int r = snprintf(buf, sizeof buf, lfmts[f], ldbls[i]);
            if (r > 200) {  /* 1e4000 with %Lf: print a digest */
                unsigned long h = 5381;
                for (int k = 0; k < r; k++)
                    h = h * 33 + (unsigned char)buf[k];
                printf("%-8s L#%-2zu -> %d chars, starts [%.40s] ends [%s] hash %lx\n",
                       lfmts[f], i, r, buf, buf + r - 20, h);
            }
            else
                printf("%-8s L#%-2zu -> [%s] %d\n", lfmts[f], i, buf, r);
            n++;
        }
    printf("[%s] [%10s] [%-10s] [%.3s] [%10.2s] [%c] [%5c] [%-3c] [%%]\n",
           "str", "right", "left", "truncate", "xy", 'A', 'b', 'c');
    printf("[%s] [%.0s] [%ls]\n", "", "gone", L"wide");
    int pos1 = 0, pos2 = 0;
    printf("abc%ndef%n\n", &pos1, &pos2);
    printf("%%n: %d %d\n", pos1, pos2);
    printf("%2$s %1$s %3$d\n", "world", "hello", 3);
    printf("%" PRIu64 "\n", (uint64_t)UINT64_MAX);
    printf("conversions: %u\n", n);
    return 0;
}
