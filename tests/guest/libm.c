/* libm: double and long double math functions over fixed arguments,
 * printed with %.17g / %La so that every bit shows. */
#include <float.h>
#include <math.h>
#include <stdio.h>

static const double args[] = {
    0.0, -0.0, 0.5, 1.0, -1.0, 2.0, 3.0, 0.1, 1e-10, 1e-300, 10.0, 100.0, -7.25,
    3.141592653589793, 1.5707963267948966, 0.7853981633974483, 1e6, 1e22, 1e300,
    709.78, -745.0, 0.9999999999999999, 1.0000000000000002, 123.456, -0.5,
    INFINITY, -INFINITY, NAN, DBL_MIN, DBL_TRUE_MIN,
};
#define NA (sizeof args / sizeof *args)

#define F1(f) { #f, f }
static const struct { const char *name; double (*f)(double); } f1[] = {
    F1(sin), F1(cos), F1(tan), F1(asin), F1(acos), F1(atan), F1(sinh), F1(cosh),
    F1(tanh), F1(exp), F1(exp2), F1(expm1), F1(log), F1(log10), F1(log2), F1(log1p),
    F1(sqrt), F1(cbrt), F1(floor), F1(ceil), F1(round), F1(trunc), F1(rint),
    F1(nearbyint), F1(fabs), F1(erf), F1(lgamma), F1(tgamma), F1(logb),
};
static const struct { const char *name; double (*f)(double, double); } f2[] = {
    F1(pow), F1(fmod), F1(atan2), F1(hypot), F1(remainder), F1(fmin), F1(fmax),
    F1(copysign), F1(fdim), F1(nextafter),
};
static const struct { const char *name; long double (*f)(long double); } l1[] = {
    F1(sinl), F1(cosl), F1(tanl), F1(atanl), F1(expl), F1(logl), F1(log10l),
    F1(log2l), F1(sqrtl), F1(cbrtl), F1(floorl), F1(ceill), F1(roundl), F1(truncl),
    F1(fabsl), F1(exp2l), F1(rintl),
};
static const struct { const char *name; long double (*f)(long double, long double); } l2[] = {
    F1(powl), F1(fmodl), F1(atan2l), F1(hypotl),
};

int main(void)
{
    for (size_t i = 0; i < sizeof f1 / sizeof *f1; i++)
        for (size_t j = 0; j < NA; j++) {
            double r = f1[i].f(args[j]);
            printf("%s(%.17g) = %.17g %a\n", f1[i].name, args[j], r, r);
        }
    for (size_t i = 0; i < sizeof f2 / sizeof *f2; i++)
        for (size_t j = 0; j < NA; j += 2)
            for (size_t k = 1; k < NA; k += 3) {
                double r = f2[i].f(args[j], args[k]);
                printf("%s(%.17g, %.17g) = %.17g %a\n", f2[i].name, args[j], args[k], r, r);
            }
    for (size_t i = 0; i < sizeof l1 / sizeof *l1; i++)
        for (size_t j = 0; j < NA; j++) {
            long double x = (long double)args[j] * (1.0L + LDBL_EPSILON * (long double)j);
            long double r = l1[i].f(x);
            printf("%s(%La) = %.21Lg %La\n", l1[i].name, x, r, r);
        }
    for (size_t i = 0; i < sizeof l2 / sizeof *l2; i++)
        for (size_t j = 0; j < NA; j += 3)
            for (size_t k = 2; k < NA; k += 4) {
                long double r = l2[i].f(args[j], (long double)args[k] / 3);
                printf("%s(%.17g, %.17g/3) = %.21Lg %La\n", l2[i].name, args[j], args[k], r, r);
            }
    for (size_t j = 0; j < NA; j++) {
        int e;
        double ip, m = frexp(args[j], &e);
        double fr = modf(args[j], &ip);
        long double lip, lfr = modfl(args[j] * 1.25L, &lip);
        int le;
        long double lm = frexpl(args[j] / 3.0L, &le);
        printf("frexp(%a) = %a, %d; ldexp back %a; modf %a + %a; frexpl %La %d; modfl %La %La; "
               "lrint %ld llround %lld ilogb %d scalbn %a\n",
               args[j], m, e, ldexp(m, e), ip, fr, lm, le, lip, lfr,
               isfinite(args[j]) && fabs(args[j]) < 1e18 ? lrint(args[j]) : 0,
               isfinite(args[j]) && fabs(args[j]) < 1e18 ? llround(args[j]) : 0,
               args[j] != 0 && !isnan(args[j]) ? ilogb(args[j]) : 0,
               scalbn(args[j], -3));
    }
    double s = 0;
    long double ls = 0;
    for (int i = 1; i <= 2000; i++) {
        s += sin(i * 0.01) * exp(-i * 0.001) + sqrt((double)i);
        ls += sinl(i * 0.01L) / i;
    }
    printf("series %.17g %a | %.21Lg %La\n", s, s, ls, ls);
    float fs = 0;
    for (int i = 1; i <= 500; i++)
        fs += sinf(i * 0.1f) * expf(-i * 0.01f) + logf((float)i) + powf(1.01f, (float)i);
    printf("float series %.9g %a\n", fs, fs);
    return 0;
}
