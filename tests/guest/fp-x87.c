/*
 * tests/guest/fp-x87.c — x87 behaviour a C program can see: long double
 * arithmetic and libm's long double functions, printf/strtold of long
 * double, and raw x87 instructions (transcendentals, FPREM, FXAM, FBSTP,
 * FRNDINT/FIST under every rounding and precision control, the status word
 * and stack faults).  Prints hex; deterministic; must match natively.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cpuid.h>

/* CPUID.1:ECX.SSE3: whether FISTTP may be used. */
static int have_sse3(void)
{
    unsigned a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & 1);
}

typedef struct { uint64_t m; uint16_t se; } X80;

static X80 bits(long double v)
{
    X80 r;
    memcpy(&r.m, &v, 8);
    memcpy(&r.se, (char *)&v + 8, 2);
    return r;
}

static long double mk(uint64_t m, uint16_t se)
{
    long double v = 0;
    memcpy(&v, &m, 8);
    memcpy((char *)&v + 8, &se, 2);
    return v;
}

static void show(const char *what, long double v)
{
    X80 b = bits(v);
    printf("%-10s %04x:%016llx\n", what, b.se, (unsigned long long)b.m);
}

static const long double *values(int *n)
{
    static long double v[24];
    int k = 0;
    v[k++] = 0.0L;
    v[k++] = -0.0L;
    v[k++] = 1.0L;
    v[k++] = -1.5L;
    v[k++] = 0.1L;
    v[k++] = 3.14159265358979323846264338327950288L;
    v[k++] = 1e300L;
    v[k++] = 1e-4940L;             /* denormal */
    v[k++] = 1.18973149535723176502e+4932L;
    v[k++] = 2.5L;
    v[k++] = -3.5L;
    v[k++] = 12345678901234567890.0L;
    v[k++] = mk(0x8000000000000000ull, 0x7fff);   /* inf */
    v[k++] = mk(0xc000000000000000ull, 0x7fff);   /* qnan */
    v[k++] = mk(0xa000000000000000ull, 0xffff);   /* snan */
    v[k++] = 1e-10L;
    v[k++] = 0.75L;
    v[k++] = 1e10L;
    *n = k;
    return v;
}

static uint16_t fnstsw(void)
{
    uint16_t sw;
    __asm__ volatile("fnstsw %0" : "=a"(sw));
    return sw;
}

static void set_cw(uint16_t cw)
{
    __asm__ volatile("fldcw %0" : : "m"(cw));
}

/* Apply a one-operand x87 instruction; report result and status word. */
#define UNARY(name, insn)                                                   \
    static long double name(long double x, uint16_t *sw)                   \
    {                                                                       \
        __asm__ volatile("fnclex\n\t" insn : "+t"(x));                      \
        *sw = fnstsw();                                                     \
        return x;                                                           \
    }
UNARY(x_sqrt, "fsqrt")
UNARY(x_sin, "fsin")
UNARY(x_cos, "fcos")
UNARY(x_rndint, "frndint")
UNARY(x_f2xm1, "f2xm1")
UNARY(x_chs, "fchs")
UNARY(x_abs, "fabs")

#define BINARY(name, insn)                                                  \
    static long double name(long double x, long double y, uint16_t *sw)    \
    {                                                                       \
        __asm__ volatile("fnclex\n\t" insn : "+t"(x) : "u"(y));             \
        *sw = fnstsw();                                                     \
        return x;                                                           \
    }
BINARY(x_scale, "fscale")
BINARY(x_prem, "fprem")
BINARY(x_prem1, "fprem1")

static long double x_yl2x(long double x, long double y, uint16_t *sw)
{
    long double r;
    __asm__ volatile("fnclex\n\tfyl2x" : "=t"(r) : "0"(x), "u"(y) : "st(1)");
    *sw = fnstsw();
    return r;
}

static long double x_patan(long double x, long double y, uint16_t *sw)
{
    long double r;
    __asm__ volatile("fnclex\n\tfpatan" : "=t"(r) : "0"(x), "u"(y) : "st(1)");
    *sw = fnstsw();
    return r;
}

static void raw_section(void)
{
    int n;
    const long double *v = values(&n);
    static const uint16_t cws[] = { 0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x027f, 0x007f, 0x0e7f };
    unsigned h;

    for (unsigned c = 0; c < sizeof(cws) / sizeof(cws[0]); c++) {
        h = 2166136261u;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                uint16_t sw[16];
                long double r[16];
                int k = 0;
                set_cw(cws[c]);
                volatile long double a = v[i], b = v[j];
                r[k] = a + b; sw[k++] = fnstsw();
                r[k] = a - b; sw[k++] = fnstsw();
                r[k] = a * b; sw[k++] = fnstsw();
                r[k] = a / b; sw[k++] = fnstsw();
                r[k] = x_scale(a, b > 100 || b < -100 ? 3.0L : b, &sw[k]); k++;
                r[k] = x_prem(a, b, &sw[k]); k++;
                r[k] = x_prem1(a, b, &sw[k]); k++;
                r[k] = x_yl2x(a, b, &sw[k]); k++;
                r[k] = x_patan(a, b, &sw[k]); k++;
                if (j == 0) {
                    r[k] = x_sqrt(a, &sw[k]); k++;
                    r[k] = x_sin(a, &sw[k]); k++;
                    r[k] = x_cos(a, &sw[k]); k++;
                    r[k] = x_rndint(a, &sw[k]); k++;
                    r[k] = x_f2xm1(a > 1 || a < -1 ? 0.5L : a, &sw[k]); k++;
                    r[k] = x_chs(a, &sw[k]); k++;
                    r[k] = x_abs(a, &sw[k]); k++;
                }
                set_cw(0x037f);
                for (int t = 0; t < k; t++) {
                    X80 x = bits(r[t]);
                    h = (h ^ (unsigned)x.m) * 16777619u;
                    h = (h ^ (unsigned)(x.m >> 32)) * 16777619u;
                    h = (h ^ x.se) * 16777619u;
                    h = (h ^ (sw[t] & 0x47ff)) * 16777619u;   /* flags, C0-C3; not TOP */
                }
            }
        }
        printf("cw %04x: %08x\n", cws[c], h);
    }
    set_cw(0x037f);

    /* conversions to integers and BCD under each rounding mode */
    for (int rc = 0; rc < 4; rc++) {
        set_cw((uint16_t)(0x037f | rc << 10));
        for (int i = 0; i < n; i++) {
            long double a = v[i];
            int16_t i16;
            int32_t i32;
            int64_t i64, t64;
            uint8_t bcd[10];
            float f;
            double d;
            __asm__ volatile("fnclex\n\tfists %0" : "=m"(i16) : "t"(a));
            __asm__ volatile("fistl %0" : "=m"(i32) : "t"(a));
            __asm__ volatile("fld %%st(0)\n\tfistpll %0" : "=m"(i64) : "t"(a));
            if (have_sse3()) {
                __asm__ volatile("fld %%st(0)\n\tfisttpll %0" : "=m"(t64) : "t"(a));
            } else {
                /* FISTTP is SSE3: the same truncating store through a
                 * round-toward-zero control word (emu's default CPU model,
                 * x86-64-v1, has no SSE3) */
                uint16_t cw, tcw;
                __asm__ volatile("fnstcw %0" : "=m"(cw));
                tcw = cw | 0x0c00;
                __asm__ volatile("fldcw %1\n\tfld %%st(0)\n\tfistpll %0\n\tfldcw %2"
                                 : "=m"(t64) : "m"(tcw), "m"(cw), "t"(a));
            }
            __asm__ volatile("fld %%st(0)\n\tfbstp %0" : "=m"(bcd) : "t"(a));
            __asm__ volatile("fsts %0" : "=m"(f) : "t"(a));
            __asm__ volatile("fstl %0" : "=m"(d) : "t"(a));
            uint16_t sw = fnstsw();
            uint32_t fb;
            uint64_t db;
            memcpy(&fb, &f, 4);
            memcpy(&db, &d, 8);
            printf("rc%d v%-2d %04x %08x %016llx %016llx %04x%016llx %08x %016llx sw %04x\n", rc, i,
                   (uint16_t)i16, (uint32_t)i32, (unsigned long long)i64, (unsigned long long)t64,
                   bcd[9] << 8 | bcd[8], (unsigned long long)*(uint64_t *)bcd, fb,
                   (unsigned long long)db, sw & 0x47ff);
        }
    }
    set_cw(0x037f);

    /* FXAM classes, FTST, FCOM/FUCOM/FCOMI results */
    for (int i = 0; i < n; i++) {
        uint16_t xam, tst, com, ucom;
        unsigned char zf, pf, cf;
        long double a = v[i], b = v[(i + 5) % n];
        __asm__ volatile("fxam\n\tfnstsw %0" : "=a"(xam) : "t"(a));
        __asm__ volatile("fnclex\n\tftst\n\tfnstsw %0" : "=a"(tst) : "t"(a));
        __asm__ volatile("fnclex\n\tfcom %%st(1)\n\tfnstsw %0" : "=a"(com) : "t"(a), "u"(b));
        __asm__ volatile("fnclex\n\tfucom %%st(1)\n\tfnstsw %0" : "=a"(ucom) : "t"(a), "u"(b));
        __asm__ volatile("fucomi %%st(1), %%st\n\tsetz %0\n\tsetp %1\n\tsetc %2"
                         : "=q"(zf), "=q"(pf), "=q"(cf) : "t"(a), "u"(b));
        printf("class v%-2d xam %04x tst %04x com %04x ucom %04x comi %d%d%d\n", i,
               xam & 0x4700, tst & 0x4741, com & 0x4741, ucom & 0x4741, zf, pf, cf);
    }

    /* FPTAN / FSINCOS push two values; stack faults */
    long double t1, t2;
    __asm__ volatile("fptan" : "=t"(t1), "=u"(t2) : "0"(0.5L));
    show("ptan", t2);
    show("ptan1", t1);
    __asm__ volatile("fsincos" : "=t"(t1), "=u"(t2) : "0"(2.0L));
    show("cos", t1);
    show("sin", t2);
    __asm__ volatile("fxtract" : "=t"(t1), "=u"(t2) : "0"(-1234.5L));
    show("signif", t1);
    show("expon", t2);
    uint16_t sw1, sw2;
    uint8_t env[28];
    __asm__ volatile(
        "fninit\n\t"
        "fld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\t"
        "fld1\n\t"                      /* overflow */
        "fnstsw %0\n\t"
        "fninit\n\t"
        "fadd %%st(1), %%st\n\t"        /* underflow */
        "fnstsw %1\n\t"
        "fnstenv %2\n\t"
        "fninit"
        : "=m"(sw1), "=m"(sw2), "=m"(env));
    printf("stack faults: %04x %04x env cw %02x%02x tw %02x%02x\n", sw1, sw2, env[1], env[0],
           env[9], env[8]);
}

static void libm_section(void)
{
    static const long double in[] = { 0.5L, 1.0L, 2.0L, 10.0L, -0.75L, 100.25L, 1e-5L, 3.0L };
    for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        long double x = in[i];
        show("sinl", sinl(x));
        show("cosl", cosl(x));
        show("tanl", tanl(x));
        show("atanl", atanl(x));
        show("atan2l", atan2l(x, 0.3L));
        show("expl", expl(x));
        show("exp2l", exp2l(x));
        show("expm1l", expm1l(x));
        show("logl", logl(fabsl(x)));
        show("log10l", log10l(fabsl(x)));
        show("log2l", log2l(fabsl(x)));
        show("log1pl", log1pl(x));
        show("powl", powl(fabsl(x), 1.37L));
        show("sqrtl", sqrtl(fabsl(x)));
        show("cbrtl", cbrtl(x));
        show("fmodl", fmodl(x * 7, 1.3L));
        show("remainderl", remainderl(x * 7, 1.3L));
        show("floorl", floorl(x * 3));
        show("ceill", ceill(x * 3));
        show("roundl", roundl(x * 3));
        show("truncl", truncl(x * 3));
        show("rintl", rintl(x * 3));
        show("hypotl", hypotl(x, 2));
        show("asinl", asinl(x / 200));
        show("acosl", acosl(x / 200));
        show("sinhl", sinhl(x));
        show("tanhl", tanhl(x));
        show("ldexpl", ldexpl(x, 100));
        int e;
        show("frexpl", frexpl(x, &e));
        printf("exp %d lrintl %ld llroundl %lld\n", e, lrintl(x * 3), llroundl(x * 3));
    }
    /* double libm (SSE2 on x86_64, some via x87 internally) */
    static const double din[] = { 0.5, 1.0, 2.0, 10.0, -0.75, 100.25, 1e-5, 3.0, 1e22 };
    for (unsigned i = 0; i < sizeof(din) / sizeof(din[0]); i++) {
        double x = din[i];
        printf("%a %a %a %a %a %a %a %a %a %a\n", sin(x), cos(x), exp(x / 10), log(fabs(x)),
               pow(fabs(x), 0.37), sqrt(fabs(x)), fmod(x, 0.7), floor(x), ceil(x), round(x));
        printf("%a %a %a %a\n", (double)sinf((float)x), (double)expf((float)x / 10),
               (double)logf((float)fabs(x)), (double)powf((float)fabs(x), 1.5f));
    }
}

static void printf_section(void)
{
    int n;
    const long double *v = values(&n);
    for (int i = 0; i < n; i++) {
        printf("%.21Lg | %Le | %.3Lf | %La\n", v[i], v[i], v[i], v[i]);
    }
    const char *in[] = { "3.14159265358979323846264338327950288", "1e-4940", "0x1.8p3",
                         "-inf", "1.18973149535723176502e+4932", "1e5000", "0.1" };
    for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        long double d = strtold(in[i], NULL);
        show(in[i], d);
    }
    long double s = 0;
    for (int i = 1; i <= 2000; i++) {
        s += 1.0L / ((long double)i * i);
    }
    show("basel", s);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "sigfpe") == 0) {
        /* an unmasked x87 exception is delivered at the next waiting insn */
        printf("unmasking invalid\n");
        fflush(stdout);
        set_cw(0x037e);
        long double r;
        __asm__ volatile("fldz\n\tfldz\n\tfdivp\n\tfwait" : "=t"(r));
        printf("not reached\n");
        return 1;
    }
    raw_section();
    libm_section();
    printf_section();
    return 0;
}
