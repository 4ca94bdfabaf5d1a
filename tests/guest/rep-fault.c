/*
 * rep-fault.c — REP string instructions that run into an unmapped page.
 *
 * Every REPE/REPNE CMPS/SCAS (sizes 1/2/4/8), REP MOVS/STOS/LODS runs on
 * strings placed against an unmapped guard page: faulting mid-way
 * (iteration k > 1, also with the element straddling the page boundary,
 * and backwards with DF=1), faulting on the first iteration, and ending
 * before the page (count exhausted, REPE/REPNE condition, zero count).  A
 * SIGSEGV handler takes RCX, RSI, RDI, RAX, RFLAGS (arithmetic flags and
 * DF), RIP and si_addr from the ucontext and siglongjmps back.  The Intel
 * SDM says a fault in a REPE/REPNE CMPS/SCAS restores EFLAGS to their value
 * before the instruction, while RCX/RSI/RDI show the completed iterations.
 *
 * Last, an asynchronous signal (SIGALRM from an interval timer) that
 * interrupts a long REPE CMPSB between iterations: its handler sees the
 * flags of the last completed iteration, and when the REP then faults,
 * the flags are those at its restart after the handler (the instruction
 * began again there), not those before the first iteration.  Whether a
 * tick lands inside the REP at all depends on the machine's speed (a fast
 * host may finish every REP first), so this part prints only whether what
 * was seen is right, never whether it was seen.
 *
 * Addresses are printed relative to the string area.  A host timer tick
 * inside a REP restarts it too (with the intermediate flags), so each case
 * is run until two runs agree; the REPs are short, so that is rare.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#define FL_MASK 0xcd5u     /* CF PF AF ZF SF DF OF */
#define FL_DF   0x400u
#define PG      4096

struct st { uint64_t rax, rcx, rsi, rdi, rfl; };

/* One stub per instruction: load the registers and RFLAGS from *st, run
 * the instruction (at NAME_insn), store them back. */
#define STUB(name, insn)                                                 \
    __asm__(".text\n.globl " #name "\n.type " #name ",@function\n"      \
            #name ":\n"                                                  \
            "push %rbx\n mov %rdi, %rbx\n"                               \
            "mov 0(%rbx), %rax\n mov 8(%rbx), %rcx\n"                    \
            "mov 16(%rbx), %rsi\n mov 24(%rbx), %rdi\n"                  \
            "pushq 32(%rbx)\n popfq\n"                                   \
            ".globl " #name "_insn\n" #name "_insn:\n"                   \
            insn "\n"                                                    \
            "pushfq\n popq 32(%rbx)\n cld\n"                             \
            "mov %rax, 0(%rbx)\n mov %rcx, 8(%rbx)\n"                    \
            "mov %rsi, 16(%rbx)\n mov %rdi, 24(%rbx)\n"                  \
            "pop %rbx\n ret\n.size " #name ", .-" #name "\n");            \
    void name(struct st *); extern char name##_insn[];

STUB(repe_cmpsb, "repe cmpsb")   STUB(repe_cmpsw, "repe cmpsw")
STUB(repe_cmpsl, "repe cmpsl")   STUB(repe_cmpsq, "repe cmpsq")
STUB(repne_cmpsb, "repne cmpsb") STUB(repne_cmpsw, "repne cmpsw")
STUB(repne_cmpsl, "repne cmpsl") STUB(repne_cmpsq, "repne cmpsq")
STUB(repe_scasb, "repe scasb")   STUB(repe_scasw, "repe scasw")
STUB(repe_scasl, "repe scasl")   STUB(repe_scasq, "repe scasq")
STUB(repne_scasb, "repne scasb") STUB(repne_scasw, "repne scasw")
STUB(repne_scasl, "repne scasl") STUB(repne_scasq, "repne scasq")
STUB(rep_movsb, "rep movsb")     STUB(rep_movsw, "rep movsw")
STUB(rep_movsl, "rep movsl")     STUB(rep_movsq, "rep movsq")
STUB(rep_stosb, "rep stosb")     STUB(rep_stosw, "rep stosw")
STUB(rep_stosl, "rep stosl")     STUB(rep_stosq, "rep stosq")
STUB(rep_lodsb, "rep lodsb")     STUB(rep_lodsw, "rep lodsw")
STUB(rep_lodsl, "rep lodsl")     STUB(rep_lodsq, "rep lodsq")
STUB(irq_cmpsb, "repe cmpsb")

enum { CMPS, SCAS, MOVS, STOS, LODS };

struct op {
    const char *name;
    void (*fn)(struct st *);
    const char *insn;
    int kind, size, repne;
};

#define OP(n, k, sz, ne) { #n, n, n##_insn, k, sz, ne }
static const struct op ops[] = {
    OP(repe_cmpsb, CMPS, 1, 0),  OP(repe_cmpsw, CMPS, 2, 0),
    OP(repe_cmpsl, CMPS, 4, 0),  OP(repe_cmpsq, CMPS, 8, 0),
    OP(repne_cmpsb, CMPS, 1, 1), OP(repne_cmpsw, CMPS, 2, 1),
    OP(repne_cmpsl, CMPS, 4, 1), OP(repne_cmpsq, CMPS, 8, 1),
    OP(repe_scasb, SCAS, 1, 0),  OP(repe_scasw, SCAS, 2, 0),
    OP(repe_scasl, SCAS, 4, 0),  OP(repe_scasq, SCAS, 8, 0),
    OP(repne_scasb, SCAS, 1, 1), OP(repne_scasw, SCAS, 2, 1),
    OP(repne_scasl, SCAS, 4, 1), OP(repne_scasq, SCAS, 8, 1),
    OP(rep_movsb, MOVS, 1, 0),   OP(rep_movsw, MOVS, 2, 0),
    OP(rep_movsl, MOVS, 4, 0),   OP(rep_movsq, MOVS, 8, 0),
    OP(rep_stosb, STOS, 1, 0),   OP(rep_stosw, STOS, 2, 0),
    OP(rep_stosl, STOS, 4, 0),   OP(rep_stosq, STOS, 8, 0),
    OP(rep_lodsb, LODS, 1, 0),   OP(rep_lodsw, LODS, 2, 0),
    OP(rep_lodsl, LODS, 4, 0),   OP(rep_lodsq, LODS, 8, 0),
};

/* [guard0 | area: 2 pages | guard1], both guards unmapped */
static uint8_t *area, *area_end;

struct result {
    int faulted, code;
    int64_t addr, rip;
    struct st st;
    uint64_t mem;
    uint64_t last_rfl;    /* see run_once */
};

static sigjmp_buf jb;
static struct result res;
static const char *cur_insn;

static int64_t rel(uint64_t p) { return (int64_t)(p - (uint64_t)area); }

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
    res.faulted = sig;
    res.code = si->si_code;
    res.addr = rel((uint64_t)si->si_addr);
    res.rip = (int64_t)((uint64_t)g[REG_RIP] - (uint64_t)cur_insn);
    res.st.rax = (uint64_t)g[REG_RAX];
    res.st.rcx = (uint64_t)g[REG_RCX];
    res.st.rsi = (uint64_t)g[REG_RSI];
    res.st.rdi = (uint64_t)g[REG_RDI];
    res.st.rfl = (uint64_t)g[REG_EFL];
    siglongjmp(jb, 1);
}

static uint64_t pat(int i) { return (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull; }

static uint64_t trunc_sz(uint64_t v, int size)
{
    return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

/* FNV-1a of the whole area: what the stores wrote. */
static uint64_t mem_hash(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint8_t *p = area; p < area_end; p++) {
        h = (h ^ *p) * 0x100000001b3ull;
    }
    return h;
}

enum { MID, STRADDLE, FIRST, COUNT, STOP, ZERO, BACK, BACK_STRADDLE, NCASES };
static const char *const case_names[NCASES] = {
    "mid", "straddle", "first", "count", "stop", "zero", "back", "back-straddle",
};

#define N_BEFORE 37     /* elements before the guard page */
#define STOP_AT  20

/* Write an element unless it lies outside the area (the "first" case's
 * faulting string starts on the guard page). */
static void put(uint8_t *p, int size, uint64_t v)
{
    if (p >= area && p + size <= area_end) {
        memcpy(p, &v, (size_t)size);
    }
}

/* Fill the strings for op and case c and return the initial registers;
 * fault_src: the string that runs into the guard is the source (rSI). */
static struct st setup(const struct op *op, int c, int fault_src, uint64_t fl)
{
    int sz = op->size, back = c == BACK || c == BACK_STRADDLE;
    int half = (c == STRADDLE || c == BACK_STRADDLE) ? sz / 2 : 0;
    int dir = back ? -1 : 1;
    uint8_t *fp, *op_ptr;      /* the faulting string, the other one */

    memset(area, 0xee, (size_t)(area_end - area));
    if (back) {
        fp = area + (N_BEFORE - 1) * sz + half;
        op_ptr = area + PG + 512;
    } else if (c == FIRST) {
        fp = area_end;
        op_ptr = area + 256;
    } else {
        fp = area_end - N_BEFORE * sz - half;
        op_ptr = area + 256;
    }
    uint8_t *src = fault_src ? fp : op_ptr, *dst = fault_src ? op_ptr : fp;
    if (op->kind == STOS || op->kind == SCAS) {
        src = area + 7;        /* rSI unused: must stay */
    }
    uint64_t rax = 0x5a5a5a5a5a5a5a5aull ^ ((uint64_t)op->size << 40);
    uint64_t v = trunc_sz(rax, sz);

    for (int i = 0; i < N_BEFORE; i++) {
        uint8_t *s = src + dir * i * sz, *d = dst + dir * i * sz;
        uint64_t p = trunc_sz(pat(i), sz);
        switch (op->kind) {
        case CMPS: {
            uint64_t q = p;
            if (op->repne ^ (c == STOP && i == STOP_AT)) {
                q = trunc_sz(pat(3 * i + 11), sz);
                if (q == p) {
                    q = trunc_sz(q + 1, sz);
                }
            }
            put(s, sz, p);
            put(d, sz, q);
            break;
        }
        case SCAS: {
            uint64_t q = v;
            if (op->repne ^ (c == STOP && i == STOP_AT)) {
                q = p == v ? trunc_sz(p + 1, sz) : p;
            }
            put(d, sz, q);
            break;
        }
        case MOVS:
        case LODS:
            put(s, sz, p);
            break;
        default:
            break;
        }
    }
    return (struct st){
        .rax = rax,
        .rcx = c == COUNT ? 9 : c == ZERO ? 0 : 1000,
        .rsi = (uint64_t)src,
        .rdi = (uint64_t)dst,
        .rfl = fl | (back ? FL_DF : 0) | 0x202,
    };
}

static void exec(const struct op *op, struct st st)
{
    memset(&res, 0, sizeof(res));
    cur_insn = op->insn;
    if (sigsetjmp(jb, 1) == 0) {
        op->fn(&st);
        res.st = st;
    }
    res.mem = mem_hash();
}

/* Run op once into res.  After a REPE/REPNE CMPS/SCAS fault with
 * iterations done, res.last_rfl gets the flags of the last one (the same
 * REP run with RCX = the iterations done). */
static void run_once(const struct op *op, int c, int fault_src, uint64_t fl)
{
    struct st st = setup(op, c, fault_src, fl);
    exec(op, st);
    uint64_t done = st.rcx - res.st.rcx;
    if (res.faulted && (op->kind == CMPS || op->kind == SCAS) && done > 0) {
        struct result r = res;
        st = setup(op, c, fault_src, fl);
        st.rcx = done;
        exec(op, st);
        r.last_rfl = res.faulted ? ~0ull : res.st.rfl;
        res = r;
    }
}

static int host_intel;     /* CPUID vendor GenuineIntel (always under emu) */

static void report(const struct op *op, const char *cname, const char *side, uint64_t fl)
{
    uint64_t rfl = res.st.rfl & FL_MASK;
    printf("%-11s %-13s %-3s fl=%03lx: ", op->name, cname, side, (unsigned long)fl);
    if (res.faulted) {
        printf("sig=%d code=%d addr=%+lld rip=%+lld ", res.faulted, res.code,
               (long long)res.addr, (long long)res.rip);
    } else {
        printf("done ");
    }
    printf("rcx=%lld rsi=%+lld rdi=%+lld rax=%016llx ",
           (long long)res.st.rcx, (long long)rel(res.st.rsi), (long long)rel(res.st.rdi),
           (unsigned long long)res.st.rax);
    if (res.last_rfl) {
        /* A fault after iterations: the SDM restores the flags of before
         * the instruction ("sdm").  AMD hosts mostly show the last
         * iteration's: accepted there only (emu models Intel). */
        uint64_t pre = (fl | (res.st.rfl & FL_DF)) & FL_MASK;
        if (rfl == pre || (!host_intel && rfl == (res.last_rfl & FL_MASK))) {
            printf("rfl=sdm ");
        } else {
            printf("rfl=%03llx (before %03llx, last iteration %03llx) ", (unsigned long long)rfl,
                   (unsigned long long)pre, (unsigned long long)(res.last_rfl & FL_MASK));
        }
    } else {
        printf("rfl=%03llx ", (unsigned long long)rfl);
    }
    printf("mem=%016llx\n", (unsigned long long)res.mem);
}

static void run_case(const struct op *op, int c, int fault_src, uint64_t fl)
{
    struct result prev;
    run_once(op, c, fault_src, fl);
    for (int tries = 0; tries < 6; tries++) {
        prev = res;
        run_once(op, c, fault_src, fl);
        if (memcmp(&prev, &res, sizeof(res)) == 0) {
            break;
        }
    }
    const char *side = "";
    if (op->kind == CMPS || op->kind == MOVS) {
        side = fault_src ? "src" : "dst";
    }
    report(op, case_names[c], side, fl);
}

/* ---- an interrupt between iterations ---- */

#define IRQ_LEN (1u << 20)
static uint8_t *irq_a, *irq_b;            /* irq_b ends at a guard page */
static volatile int irq_hit;
static volatile uint64_t irq_rcx, irq_rfl;

static void timer_off(void)
{
    struct itimerval it = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
    greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
    uint64_t rcx = (uint64_t)g[REG_RCX];
    /* between two iterations (at least one done) of the REP */
    if (!irq_hit && (uint64_t)g[REG_RIP] == (uint64_t)irq_cmpsb_insn &&
        rcx > 0 && rcx < IRQ_LEN + 100) {
        irq_hit = 1;
        irq_rcx = rcx;
        irq_rfl = (uint64_t)g[REG_EFL];
        timer_off();
    }
}

static void irq_test(void)
{
    int attempts;
    for (attempts = 0; attempts < 200 && !irq_hit; attempts++) {
        memset(irq_a, 0x3c, IRQ_LEN);
        memset(irq_b, 0x3c, IRQ_LEN);
        struct st st = {
            .rcx = IRQ_LEN + 100, .rsi = (uint64_t)irq_a, .rdi = (uint64_t)irq_b,
            .rfl = 0x8d5 | 0x202,
        };
        struct itimerval it = { { 0, 100 }, { 0, 100 } };
        memset(&res, 0, sizeof(res));
        cur_insn = irq_cmpsb_insn;
        setitimer(ITIMER_REAL, &it, NULL);
        if (sigsetjmp(jb, 1) == 0) {
            irq_cmpsb(&st);
            res.st = st;
        }
        timer_off();
    }
    /* Whether a tick lands inside the REP depends on the machine's speed,
     * so the output must not: it says whether what was seen is right.
     * Between iterations RFLAGS holds the last iteration's flags (equal
     * bytes: ZF|PF); the REP restarted from there and then faulted at the
     * guard page, which keeps the flags it was (re)started with (AMD hosts
     * may show the last iteration's, accepted there only, as above). */
    uint64_t start_fl = irq_hit ? irq_rfl : 0x8d5 | 0x202;
    int irq_ok = !irq_hit ||
                 (irq_rcx > 100 && irq_rcx <= IRQ_LEN + 100 - 1 && (irq_rfl & FL_MASK) == 0x044);
    uint64_t fault_fl = res.st.rfl & FL_MASK;
    int fault_fl_ok = fault_fl == (start_fl & FL_MASK) || (!host_intel && fault_fl == 0x044);
    printf("irq: interrupt state as expected: %d\n", irq_ok);
    if (!irq_ok) {
        printf("irq: interrupted at rcx=%llu with flags %03llx\n", (unsigned long long)irq_rcx,
               (unsigned long long)(irq_rfl & FL_MASK));
    }
    /* si_addr / registers relative to irq_b's end (the guard page) */
    printf("irq: then sig=%d code=%d addr=%+lld rip=%+lld rcx=%lld rsi=%+lld rdi=%+lld, "
           "flags as started: %d\n",
           res.faulted, res.code, (long long)(res.addr - rel((uint64_t)irq_b + IRQ_LEN)),
           (long long)res.rip, (long long)res.st.rcx,
           (long long)(res.st.rsi - (uint64_t)irq_a), (long long)(res.st.rdi - (uint64_t)irq_b),
           fault_fl_ok);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    unsigned max_leaf, vb, vc, vd;
    __cpuid(0, max_leaf, vb, vc, vd);
    host_intel = vb == 0x756e6547 && vd == 0x49656e69 && vc == 0x6c65746e;   /* GenuineIntel */
    uint8_t *m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *big = mmap(NULL, 2 * IRQ_LEN + PG, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || big == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    munmap(m, PG);
    munmap(m + 3 * PG, PG);
    area = m + PG;
    area_end = m + 3 * PG;
    munmap(big + 2 * IRQ_LEN, PG);
    irq_a = big;
    irq_b = big + IRQ_LEN;

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);

    static const uint64_t fls[2] = { 0x8d5, 0x000 };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        const struct op *op = &ops[i];
        for (int c = 0; c < NCASES; c++) {
            if ((c == STRADDLE || c == BACK_STRADDLE) && op->size == 1) {
                continue;
            }
            if (c == STOP && op->kind != CMPS && op->kind != SCAS) {
                continue;
            }
            for (int side = 0; side < 2; side++) {
                int fault_src = side == 0;
                if (fault_src && (op->kind == SCAS || op->kind == STOS)) {
                    continue;
                }
                if (!fault_src && op->kind == LODS) {
                    continue;
                }
                for (int f = 0; f < 2; f++) {
                    run_case(op, c, fault_src, fls[f]);
                }
            }
        }
    }
    irq_test();
    return 0;
}
