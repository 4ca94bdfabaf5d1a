/*
 * linux-user/elfload.c — validate and load an x86_64 ELF program.
 *
 * Two phases, so that nothing is mapped for a file that will be refused:
 *   elf_parse()  reads the ELF header and program headers (libelf does the
 *                decoding, on a copy that holds only those headers: the
 *                section headers, which Linux ignores, cannot trip it),
 *                and checks everything the loader will rely on;
 *   elf_map()    maps the PT_LOAD segments into the guest address space.
 * Every size and offset comes from a possibly hostile file: all arithmetic
 * is checked, and a bad file is a message, never a crash.
 *
 * A program with PT_INTERP (dynamically linked) gets its interpreter
 * (ld.so) loaded beside it by the same pair: the interpreter file is
 * PT_INTERP looked up through the -L prefix (lu_path), mapped at
 * mm_interp_base(); the process starts at the interpreter's entry, which
 * finds the program through AT_PHDR/AT_ENTRY and itself through AT_BASE.
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>

#include "emu/log.h"
#include "linux-user/internal.h"
#include "softmmu/softmmu.h"

#define PAGE_FLOOR(a) ((a) & GUEST_PAGE_MASK)
#define PAGE_OFFSET(a) ((a) & (GUEST_PAGE_SIZE - 1))
/* Linux refuses program header tables above 64 KiB (ELF_MIN_ALIGN... ). */
#define ELF_PHDR_MAX_BYTES 65536

typedef struct ElfFile {
    const char *path;
    int fd;
    uint64_t size;          /* file size */
    GElf_Ehdr eh;
    GElf_Phdr *ph;
    size_t phnum;
    size_t nload;           /* PT_LOAD segments with p_memsz > 0 */
    uint64_t lo, hi;        /* page-aligned span of the PT_LOADs (unbiased) */
    uint64_t max_align;
    char *interp;
    int gnu_stack_flags;    /* -1: no PT_GNU_STACK */
} ElfFile;

static bool fail(char **err, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool fail(char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *err = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return false;
}

static void elf_file_free(ElfFile *ef)
{
    if (ef->fd >= 0) {
        close(ef->fd);
        ef->fd = -1;
    }
    g_free(ef->ph);
    ef->ph = NULL;
    g_free(ef->interp);
    ef->interp = NULL;
}

/* pread exactly len bytes at off, or fail. */
static bool read_at(int fd, void *buf, size_t len, uint64_t off)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return true;
}

static const char *elf_type_name(unsigned t)
{
    switch (t) {
    case ET_NONE: return "ET_NONE (no file type)";
    case ET_REL:  return "ET_REL (relocatable object file)";
    case ET_CORE: return "ET_CORE (core dump)";
    default:      return NULL;
    }
}

/* Open, read and validate the headers. */
static bool elf_parse(const char *path, ElfFile *ef, char **err)
{
    unsigned char ident[EI_NIDENT];
    Elf64_Ehdr raw;
    struct stat st;

    memset(ef, 0, sizeof(*ef));
    ef->fd = -1;
    ef->path = path;
    ef->gnu_stack_flags = -1;

    ef->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (ef->fd < 0) {
        return fail(err, "%s", g_strerror(errno));
    }
    if (fstat(ef->fd, &st) < 0) {
        return fail(err, "%s", g_strerror(errno));
    }
    if (!S_ISREG(st.st_mode) || access(path, X_OK) != 0) {
        /* What execve says about directories, devices and non-executables. */
        return fail(err, "%s", g_strerror(EACCES));
    }
    ef->size = (uint64_t)st.st_size;

    if (ef->size < SELFMAG || !read_at(ef->fd, ident, SELFMAG, 0) ||
        memcmp(ident, ELFMAG, SELFMAG) != 0) {
        return fail(err, "not an ELF file");
    }
    if (ef->size < EI_NIDENT || !read_at(ef->fd, ident, EI_NIDENT, 0)) {
        return fail(err, "truncated ELF header");
    }
    if (ident[EI_CLASS] != ELFCLASS64) {
        return fail(err, "not an x86_64 program (%s ELF file)",
                    ident[EI_CLASS] == ELFCLASS32 ? "32-bit" : "unknown class of");
    }
    if (ident[EI_DATA] != ELFDATA2LSB) {
        return fail(err, "not an x86_64 program (not little-endian)");
    }
    if (ident[EI_VERSION] != EV_CURRENT) {
        return fail(err, "unsupported ELF version %u", ident[EI_VERSION]);
    }
    if (ef->size < sizeof(raw) || !read_at(ef->fd, &raw, sizeof(raw), 0)) {
        return fail(err, "truncated ELF header");
    }

    /* Let libelf decode a copy holding just the ELF header and the program
     * header table (sections are irrelevant to loading). */
    uint16_t phentsize = raw.e_phentsize;
    uint64_t phnum = raw.e_phnum;
    if (raw.e_machine != EM_X86_64) {
        return fail(err, "not an x86_64 program (ELF machine %u)", raw.e_machine);
    }
    if (raw.e_type != ET_EXEC && raw.e_type != ET_DYN) {
        const char *n = elf_type_name(raw.e_type);
        return n ? fail(err, "unsupported ELF type %s", n)
                 : fail(err, "unsupported ELF type 0x%x", raw.e_type);
    }
    if (phnum == 0) {
        return fail(err, "no program headers");
    }
    if (phentsize != sizeof(Elf64_Phdr)) {
        return fail(err, "bad program header size %u (expected %zu)",
                    phentsize, sizeof(Elf64_Phdr));
    }
    if (phnum == PN_XNUM || phnum * sizeof(Elf64_Phdr) > ELF_PHDR_MAX_BYTES) {
        return fail(err, "too many program headers (%" G_GUINT64_FORMAT ")", phnum);
    }
    uint64_t phbytes = phnum * sizeof(Elf64_Phdr);
    if (raw.e_phoff > ef->size || ef->size - raw.e_phoff < phbytes) {
        return fail(err, "program headers lie outside the file (truncated?)");
    }

    size_t imgsize = sizeof(Elf64_Ehdr) + phbytes;
    g_autofree uint8_t *img = g_malloc0(imgsize);
    Elf64_Ehdr *ceh = (Elf64_Ehdr *)img;
    *ceh = raw;
    ceh->e_phoff = sizeof(Elf64_Ehdr);
    ceh->e_shoff = 0;
    ceh->e_shnum = 0;
    ceh->e_shstrndx = SHN_UNDEF;
    ceh->e_shentsize = 0;
    if (!read_at(ef->fd, img + sizeof(Elf64_Ehdr), phbytes, raw.e_phoff)) {
        return fail(err, "cannot read program headers (truncated?)");
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        return fail(err, "libelf: %s", elf_errmsg(-1));
    }
    Elf *elf = elf_memory((char *)img, imgsize);
    if (elf == NULL || elf_kind(elf) != ELF_K_ELF || gelf_getehdr(elf, &ef->eh) == NULL) {
        if (elf) {
            elf_end(elf);
        }
        return fail(err, "not a valid ELF file (%s)", elf_errmsg(-1));
    }
    ef->eh.e_phoff = raw.e_phoff;   /* the file's, for AT_PHDR */
    size_t n = 0;
    if (elf_getphdrnum(elf, &n) != 0 || n != phnum) {
        elf_end(elf);
        return fail(err, "bad program header table (%s)", elf_errmsg(-1));
    }
    ef->phnum = n;
    ef->ph = g_new0(GElf_Phdr, n);
    for (size_t i = 0; i < n; i++) {
        if (gelf_getphdr(elf, (int)i, &ef->ph[i]) == NULL) {
            elf_end(elf);
            return fail(err, "bad program header %zu (%s)", i, elf_errmsg(-1));
        }
    }
    elf_end(elf);

    /* ---- the program headers ---- */
    ef->lo = UINT64_MAX;
    ef->hi = 0;
    ef->max_align = GUEST_PAGE_SIZE;
    for (size_t i = 0; i < n; i++) {
        const GElf_Phdr *p = &ef->ph[i];
        switch (p->p_type) {
        case PT_LOAD: {
            uint64_t end;
            if (p->p_filesz > p->p_memsz) {
                return fail(err, "segment %zu: file size 0x%" G_GINT64_MODIFIER "x exceeds "
                            "memory size 0x%" G_GINT64_MODIFIER "x", i, p->p_filesz, p->p_memsz);
            }
            /* File bytes beyond the end of the file are not refused:
             * Linux maps them too, and they fault (SIGBUS) only when
             * touched, so a truncated file can still run. */
            if (p->p_offset + p->p_filesz < p->p_offset) {
                return fail(err, "segment %zu: file range overflows", i);
            }
            if (p->p_memsz == 0) {
                break;      /* maps nothing */
            }
            /* Linux maps the file at the page holding p_vaddr from the
             * page holding p_offset: they must agree within the page (its
             * mmap fails otherwise, and the exec with it). */
            if (PAGE_OFFSET(p->p_vaddr) != PAGE_OFFSET(p->p_offset)) {
                return fail(err, "segment %zu: file offset 0x%" G_GINT64_MODIFIER "x and address 0x%"
                            G_GINT64_MODIFIER "x differ modulo the page size", i,
                            p->p_offset, p->p_vaddr);
            }
            if (__builtin_add_overflow(p->p_vaddr, p->p_memsz, &end) ||
                end > UINT64_MAX - GUEST_PAGE_SIZE) {
                return fail(err, "segment %zu: address range overflows", i);
            }
            /* Out of order is fine (Linux maps them in table order).
             * Bytes claimed by two segments are refused: Linux lets the
             * later mapping replace the earlier one, which for any real
             * file means a corrupt image that runs the wrong bytes. */
            for (size_t j = 0; j < i; j++) {
                const GElf_Phdr *q = &ef->ph[j];
                if (q->p_type == PT_LOAD && q->p_memsz != 0 &&
                    p->p_vaddr < q->p_vaddr + q->p_memsz && q->p_vaddr < end) {
                    return fail(err, "segments %zu and %zu overlap", j, i);
                }
            }
            /* p_align is a hint (Linux ignores one that is not a power of
             * two); a valid one larger than a page aligns a PIE's base. */
            if (p->p_align > ef->max_align && p->p_align <= (1ULL << 30) &&
                (p->p_align & (p->p_align - 1)) == 0) {
                ef->max_align = p->p_align;
            }
            ef->lo = MIN(ef->lo, PAGE_FLOOR(p->p_vaddr));
            ef->hi = MAX(ef->hi, PAGE_FLOOR(end + GUEST_PAGE_SIZE - 1));
            ef->nload++;
            break;
        }
        case PT_INTERP: {
            if (ef->interp) {
                return fail(err, "more than one PT_INTERP");
            }
            if (p->p_offset > ef->size || ef->size - p->p_offset < p->p_filesz) {
                return fail(err, "PT_INTERP lies outside the file (truncated?)");
            }
            if (p->p_filesz < 2 || p->p_filesz > PATH_MAX) {
                return fail(err, "bad PT_INTERP size %" G_GUINT64_FORMAT, (guint64)p->p_filesz);
            }
            char *s = g_malloc(p->p_filesz);
            if (!read_at(ef->fd, s, p->p_filesz, p->p_offset) || s[p->p_filesz - 1] != '\0') {
                g_free(s);
                return fail(err, "bad PT_INTERP (not a NUL-terminated path)");
            }
            ef->interp = s;
            break;
        }
        case PT_GNU_STACK:
            ef->gnu_stack_flags = (int)p->p_flags;
            break;
        default:
            break;
        }
    }
    if (ef->nload == 0) {
        return fail(err, "no loadable segments");
    }
    /* The first instruction in a file page past the end of the file:
     * Linux's exec "succeeds" and the program dies of SIGBUS at once;
     * refuse it with a clearer message instead. */
    uint64_t eof_page_end = PAGE_FLOOR(ef->size + GUEST_PAGE_SIZE - 1);
    for (size_t i = 0; i < n; i++) {
        const GElf_Phdr *p = &ef->ph[i];
        uint64_t e = ef->eh.e_entry;
        if (p->p_type == PT_LOAD && e >= p->p_vaddr && e - p->p_vaddr < p->p_filesz &&
            p->p_offset + (e - p->p_vaddr) >= eof_page_end) {
            return fail(err, "the entry point lies beyond the end of the file (truncated?)");
        }
    }
    return true;
}

static int prot_of(uint32_t pf)
{
    return ((pf & PF_R) ? PROT_READ : 0) | ((pf & PF_W) ? PROT_WRITE : 0) |
           ((pf & PF_X) ? PROT_EXEC : 0);
}

/* Copy file bytes [off, off+len) to guest addr (which is writable now).
 * Bytes past the end of the file read as zero within the file's last page
 * (as a mapping shows them); beyond that page a mapping would fault, and
 * Linux's exec fails: so do we. */
static bool copy_file_to_guest(ElfFile *ef, uint64_t off, uint64_t addr, uint64_t len)
{
    uint8_t buf[65536];
    uint64_t eof_page_end = PAGE_FLOOR(ef->size + GUEST_PAGE_SIZE - 1);
    if (off > eof_page_end || eof_page_end - off < len) {
        return false;
    }
    while (len > 0) {
        size_t chunk = len < sizeof(buf) ? (size_t)len : sizeof(buf);
        size_t avail = off >= ef->size ? 0 : (size_t)MIN((uint64_t)chunk, ef->size - off);
        memset(buf + avail, 0, chunk - avail);
        if ((avail && !read_at(ef->fd, buf, avail, off)) || mm_copy_to_guest(addr, buf, chunk) < 0) {
            return false;
        }
        off += chunk;
        addr += chunk;
        len -= chunk;
    }
    return true;
}

/*
 * Map one PT_LOAD at bias.  The segment's pages:
 *
 *   pstart       fpage_end          pend
 *   |  file bytes  |   .bss (anonymous)  |
 *   [vaddr ....... file_end ..... mem_end)
 *
 * File-backed (mmap of the file: elf_parse checked that vaddr and p_offset
 * agree modulo the page size); a partial last file page that is followed
 * by .bss is copied into an anonymous page instead, so that its tail is
 * zero.
 * A segment whose first page is also the previous segment's last page
 * replaces that page (MAP_FIXED), with its own protection: that is what
 * Linux does (linkers never produce it for a reason).
 */
static bool elf_map_segment(ElfFile *ef, const GElf_Phdr *p, uint64_t bias, char **err)
{
    const int prot = prot_of(p->p_flags);
    const uint64_t vaddr = p->p_vaddr + bias;
    const uint64_t file_end = vaddr + p->p_filesz;
    const uint64_t mem_end = vaddr + p->p_memsz;
    const uint64_t pstart = PAGE_FLOOR(vaddr);
    const uint64_t pend = PAGE_FLOOR(mem_end + GUEST_PAGE_SIZE - 1);
    int r;

    bool congruent = PAGE_OFFSET(vaddr) == PAGE_OFFSET(p->p_offset);
    uint64_t cur = pstart;
    if (congruent && p->p_filesz > 0 && file_end > cur) {
        /* File-backed pages: whole pages of file content.  A last partial
         * page followed by .bss is mapped from the file too and its tail
         * zeroed (Linux's padzero), so /proc/self/maps shows it as the
         * file's; unless that page lies wholly past the end of the file
         * (touching it would fault): then it is copied below. */
        uint64_t fmap_end = PAGE_FLOOR(file_end + GUEST_PAGE_SIZE - 1);
        uint64_t zero_from = 0;
        if (PAGE_OFFSET(file_end) != 0 && mem_end > file_end) {
            uint64_t last_off = p->p_offset + (PAGE_FLOOR(file_end) - vaddr);
            if (last_off < ef->size) {
                zero_from = file_end;
            } else {
                fmap_end = PAGE_FLOOR(file_end);
            }
        }
        if (fmap_end > cur) {
            uint64_t off = p->p_offset - (vaddr - cur);
            int mprot = zero_from ? prot | PROT_WRITE : prot;
            /* No name: the tracker names it after the fd, the resolved
             * path, as Linux's maps show it. */
            r = mm_map_fixed(cur, fmap_end - cur, mprot, ef->fd, off, NULL);
            if (r < 0) {
                return fail(err, "cannot map segment at 0x%" G_GINT64_MODIFIER "x: %s",
                            vaddr, g_strerror(-r));
            }
            if (zero_from) {
                static const uint8_t zeros[GUEST_PAGE_SIZE];
                if (mm_copy_to_guest(zero_from, zeros, fmap_end - zero_from) < 0) {
                    return fail(err, "cannot load segment at 0x%" G_GINT64_MODIFIER "x", vaddr);
                }
                if (mprot != prot) {
                    mm_mprotect(cur, fmap_end - cur, prot);
                }
            }
            cur = fmap_end;
        }
    }
    if (cur < pend) {
        /* The rest: anonymous, with any file bytes copied in. */
        r = mm_map_fixed(cur, pend - cur, PROT_READ | PROT_WRITE, -1, 0, NULL);
        if (r < 0) {
            return fail(err, "cannot map segment at 0x%" G_GINT64_MODIFIER "x: %s",
                        vaddr, g_strerror(-r));
        }
        /* From the start of the page, as a file mapping would show it. */
        uint64_t cstart = congruent ? cur : MAX(cur, vaddr);
        if (file_end > cstart &&
            !copy_file_to_guest(ef, p->p_offset + (cstart - vaddr), cstart, file_end - cstart)) {
            return fail(err, "cannot load segment at 0x%" G_GINT64_MODIFIER "x", vaddr);
        }
        if (prot != (PROT_READ | PROT_WRITE)) {
            mm_mprotect(cur, pend - cur, prot);
        }
    }
    return true;
}

/* RAM + swap, or 0 when the host overcommits without limit
 * (vm.overcommit_memory = 1) or cannot tell. */
static uint64_t host_memory_limit(void)
{
    struct sysinfo si;
    g_autofree char *mode = NULL;

    if (g_file_get_contents("/proc/sys/vm/overcommit_memory", &mode, NULL, NULL) &&
        mode[0] == '1') {
        return 0;
    }
    if (sysinfo(&si) != 0) {
        return 0;
    }
    return ((uint64_t)si.totalram + si.totalswap) * (si.mem_unit ? si.mem_unit : 1);
}

/* Map all PT_LOADs at bias and fill info. */
static bool elf_map(ElfFile *ef, uint64_t bias, ImageInfo *info, char **err)
{
    if (ef->lo + bias < GUEST_MMAP_MIN_ADDR) {
        return fail(err, "segment address 0x%" G_GINT64_MODIFIER "x is below the lowest "
                    "mappable address 0x%llx", ef->lo + bias, GUEST_MMAP_MIN_ADDR);
    }
    if (ef->hi + bias > guest_addr_limit || ef->hi + bias < ef->hi) {
        return fail(err, "segments extend beyond the guest address space (0x%"
                    G_GINT64_MODIFIER "x)", guest_addr_limit);
    }

    /* A .bss larger than the host could ever provide: Linux's exec fails
     * under its default overcommit heuristic; refuse it rather than run
     * into ENOMEM later. */
    uint64_t host_mem = host_memory_limit();
    for (size_t i = 0; i < ef->phnum; i++) {
        const GElf_Phdr *p = &ef->ph[i];
        if (p->p_type == PT_LOAD && host_mem && p->p_memsz > host_mem) {
            return fail(err, "segment %zu: memory size 0x%" G_GINT64_MODIFIER "x exceeds the "
                        "host's memory", i, p->p_memsz);
        }
    }

    info->load_bias = bias;
    info->load_addr = ef->lo + bias;
    info->entry = ef->eh.e_entry + bias;
    info->phnum = (uint16_t)ef->phnum;
    info->phent = sizeof(Elf64_Phdr);
    info->e_type = ef->eh.e_type;
    info->start_code = UINT64_MAX;
    info->start_data = UINT64_MAX;
    info->phdr = 0;
    info->exec_stack = ef->gnu_stack_flags >= 0 && (ef->gnu_stack_flags & PF_X);

    for (size_t i = 0; i < ef->phnum; i++) {
        const GElf_Phdr *p = &ef->ph[i];
        if (p->p_type == PT_PHDR) {
            info->phdr = p->p_vaddr + bias;
        } else if (p->p_type == PT_TLS) {
            info->tls_vaddr = p->p_vaddr + bias;
            info->tls_memsz = p->p_memsz;
        }
        if (p->p_type != PT_LOAD || p->p_memsz == 0) {
            continue;
        }
        if (!elf_map_segment(ef, p, bias, err)) {
            return false;
        }
        uint64_t v = p->p_vaddr + bias;
        if (p->p_flags & PF_X) {
            info->start_code = MIN(info->start_code, v);
            info->end_code = MAX(info->end_code, v + p->p_filesz);
        } else {
            info->start_data = MIN(info->start_data, v);
        }
        info->end_data = MAX(info->end_data, v + p->p_filesz);
        /* AT_PHDR without PT_PHDR: the PT_LOAD whose file bytes hold it. */
        if (info->phdr == 0 && p->p_offset <= ef->eh.e_phoff &&
            ef->eh.e_phoff + ef->phnum * sizeof(Elf64_Phdr) <= p->p_offset + p->p_filesz) {
            info->phdr = v + (ef->eh.e_phoff - p->p_offset);
        }
    }
    if (info->start_code == UINT64_MAX) {
        info->start_code = info->end_code = 0;
    }
    if (info->start_data == UINT64_MAX) {
        info->start_data = info->end_data;
    }
    info->brk = ef->hi + bias;
    return true;
}

static char *elf_abs_path(const char *path)
{
    char *r = realpath(path, NULL);
    if (r) {
        char *g = g_strdup(r);
        free(r);
        return g;
    }
    return g_canonicalize_filename(path, NULL);
}

/* The bias that puts an ET_DYN image at base (aligned as its segments
 * ask); if something is mapped there already (a huge ET_EXEC program in
 * the interpreter's place), the lowest free range above base instead. */
static bool dyn_bias(const ElfFile *ef, uint64_t base, uint64_t *bias, char **err)
{
    uint64_t span = ef->hi - ef->lo;
    uint64_t align = ef->max_align;

    if (span > guest_addr_limit) {
        return fail(err, "segments span more than the guest address space");
    }
    base = (base + align - 1) & ~(align - 1);
    if (mm_find_free(base, span) != base) {
        uint64_t a = mm_find_free(base, span + align);
        if (a == 0) {
            return fail(err, "no room for the image in the guest address space");
        }
        base = (a + align - 1) & ~(align - 1);
    }
    *bias = base - ef->lo;
    return true;
}

/* Parse the interpreter that prog's PT_INTERP names (through -L); its
 * failures are reported as the interpreter's. */
static bool interp_parse(const ElfFile *prog, ElfFile *ief, char **host_path, char **err)
{
    char *why = NULL;

    *host_path = lu_path(prog->interp);
    if (!elf_parse(*host_path, ief, &why)) {
        fail(err, "cannot load its ELF interpreter %s: %s", prog->interp, why);
        g_free(why);
        return false;
    }
    if (ief->interp) {
        /* Linux would ignore it and run a loader that cannot work. */
        return fail(err, "its ELF interpreter %s is itself dynamically linked "
                    "(PT_INTERP %s)", prog->interp, ief->interp);
    }
    return true;
}

bool elf_check_program(const char *path, char **err)
{
    ElfFile ef, ief;
    g_autofree char *ipath = NULL;

    memset(&ief, 0, sizeof(ief));
    ief.fd = -1;
    bool ok = elf_parse(path, &ef, err);
    if (ok && ef.interp) {
        ok = interp_parse(&ef, &ief, &ipath, err);
    }
    elf_file_free(&ief);
    elf_file_free(&ef);
    return ok;
}

bool elf_load_program(const char *path, ImageInfo *info, char **err)
{
    ElfFile ef, ief;
    ImageInfo ii;
    char *ipath = NULL;
    uint64_t bias = 0;
    bool ok = false;

    memset(info, 0, sizeof(*info));
    memset(&ief, 0, sizeof(ief));
    info->fd = -1;
    ief.fd = -1;
    if (!elf_parse(path, &ef, err) || (ef.interp && !interp_parse(&ef, &ief, &ipath, err))) {
        goto out;
    }
    /* PIE, static or dynamic: the whole image moves to the PIE base. */
    if (ef.eh.e_type == ET_DYN && !dyn_bias(&ef, mm_pie_base(), &bias, err)) {
        goto out;
    }
    if (!elf_map(&ef, bias, info, err)) {
        goto out;
    }
    info->path = elf_abs_path(path);
    info->start = info->entry;
    mm_brk_init(info->brk);
    mm_brk_set_static_data(info->end_data - info->start_data);
    if (ef.interp) {
        uint64_t ibias = 0;
        if (ief.eh.e_type == ET_DYN && !dyn_bias(&ief, mm_interp_base(), &ibias, err)) {
            goto out;
        }
        /* An ET_EXEC interpreter over the program replaces those pages,
         * as Linux's mapping does. */
        memset(&ii, 0, sizeof(ii));
        if (!elf_map(&ief, ibias, &ii, err)) {
            char *why = *err;
            *err = g_strdup_printf("cannot load its ELF interpreter %s: %s", ef.interp, why);
            g_free(why);
            goto out;
        }
        info->interp = g_strdup(ef.interp);
        info->interp_path = elf_abs_path(ipath);
        info->interp_base = ii.load_bias;
        info->start = ii.entry;
    }
    ok = true;
out:
    g_free(ipath);
    elf_file_free(&ief);
    elf_file_free(&ef);
    return ok;
}
